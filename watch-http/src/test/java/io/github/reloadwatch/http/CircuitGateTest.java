package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.http.CircuitGate.Outcome;
import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The circuit breaker's decisions, on fake monotonic time and without any HTTP. */
class CircuitGateTest {

  private final FakeScheduler time = new FakeScheduler();
  private final CircuitGate gate = new CircuitGate(time, Duration.ofSeconds(5));

  /** A retry of the same content: it respects the breaker. */
  private String retry(Outcome outcome) {
    assertThat(gate.tryAcquire(false)).isTrue();
    return gate.record(outcome);
  }

  private void open() {
    for (int i = 0; i < CircuitGate.FAILURES_TO_OPEN; i++) {
      retry(Outcome.COSTLY);
    }
    assertThat(gate.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void threeCostlyFailuresInARow_openTheCircuit() {
    assertThat(retry(Outcome.COSTLY)).isEmpty();
    assertThat(retry(Outcome.COSTLY)).isEmpty();
    assertThat(gate.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(retry(Outcome.COSTLY)).isEqualTo("; circuit breaker now open for 5000 ms");

    assertThat(gate.state()).isEqualTo(CircuitState.OPEN);
    assertThat(gate.tryAcquire(false)).isFalse();
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(2));
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void refusedConnections_neverCountNorReset() {
    for (int i = 0; i < 100; i++) {
      assertThat(retry(Outcome.NEUTRAL)).isEmpty();
    }
    assertThat(gate.state()).isEqualTo(CircuitState.CLOSED);
    retry(Outcome.COSTLY);
    retry(Outcome.NEUTRAL);
    retry(Outcome.COSTLY);
    assertThat(gate.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(retry(Outcome.COSTLY)).contains("now open");
  }

  @Test
  void anAnswerThatIsNotCostly_startsTheCountAgain() {
    retry(Outcome.COSTLY);
    retry(Outcome.COSTLY);
    retry(Outcome.ANSWERED);
    retry(Outcome.COSTLY);
    assertThat(retry(Outcome.COSTLY)).isEmpty();
    assertThat(gate.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(retry(Outcome.COSTLY)).contains("now open");
  }

  @Test
  void newContent_goesThroughAnOpenCircuit_andActsAsTheProbe() {
    // given
    open();

    // when: new content, 1 s after the circuit opened
    time.advance(Duration.ofSeconds(1));
    assertThat(gate.tryAcquire(true)).isTrue();

    // then: its success closes the circuit
    assertThat(gate.record(Outcome.ANSWERED)).isEqualTo("; circuit breaker closed again");
    assertThat(gate.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(gate.tryAcquire(false)).isTrue();
  }

  @Test
  void newContentThatFailsExpensively_opensTheCircuitForTheFullDurationAgain() {
    open();
    time.advance(Duration.ofSeconds(4));
    assertThat(gate.tryAcquire(true)).isTrue();
    assertThat(gate.record(Outcome.COSTLY)).isEqualTo("; circuit breaker now open for 5000 ms");
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void afterTheOpenDuration_exactlyOneProbeGoesThrough() {
    // given
    open();
    time.advance(Duration.ofSeconds(5));
    assertThat(gate.state()).isEqualTo(CircuitState.HALF_OPEN);

    // when / then: one probe; a second caller waits for its answer
    assertThat(gate.tryAcquire(false)).isTrue();
    assertThat(gate.tryAcquire(false)).isFalse();
    assertThat(gate.remainingOpen()).isZero();
    assertThat(gate.record(Outcome.ANSWERED)).isEqualTo("; circuit breaker closed again");
    assertThat(gate.tryAcquire(false)).isTrue();
  }

  @Test
  void aFailedProbe_opensTheCircuitForTheFullDurationAgain() {
    open();
    time.advance(Duration.ofSeconds(6));
    assertThat(retry(Outcome.COSTLY)).isEqualTo("; circuit breaker now open for 5000 ms");
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aProbeThatLearntNothing_isReleasedForTheNextCaller() {
    open();
    time.advance(Duration.ofSeconds(5));
    assertThat(gate.tryAcquire(false)).isTrue();
    gate.record(Outcome.NEUTRAL); // refused, or a credential file was missing
    assertThat(gate.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(gate.tryAcquire(false)).isTrue();
  }

  @Test
  void aWallClockSteppedBack_doesNotHoldTheCircuitOpen() {
    // given: a wall clock that NTP steps back an hour while the circuit is open
    MutableClock wall = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    FakeScheduler steppedTime = new FakeScheduler(wall);
    CircuitGate stepped = new CircuitGate(steppedTime, Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      assertThat(stepped.tryAcquire(false)).isTrue();
      stepped.record(Outcome.COSTLY);
    }

    // when
    wall.advance(Duration.ofHours(-1));
    steppedTime.advance(Duration.ofSeconds(30));

    // then: 30 s of monotonic time passed, so the probe goes through
    assertThat(stepped.remainingOpen()).isZero();
    assertThat(stepped.tryAcquire(false)).isTrue();
  }
}
