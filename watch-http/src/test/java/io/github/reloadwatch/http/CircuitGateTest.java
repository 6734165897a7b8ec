package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The circuit breaker's decisions, on fake monotonic time and without any HTTP. */
class CircuitGateTest {

  private final FakeScheduler time = new FakeScheduler();
  private final CircuitGate gate = new CircuitGate(time, Duration.ofSeconds(30));

  private String call(boolean transientFailure) {
    assertThat(gate.tryAcquire()).isTrue();
    return gate.record(transientFailure);
  }

  @Test
  void threeTransientFailuresInARow_openTheCircuit() {
    assertThat(call(true)).isEmpty();
    assertThat(call(true)).isEmpty();
    assertThat(call(true)).isEqualTo("; circuit breaker now open for 30000 ms");

    assertThat(gate.tryAcquire()).isFalse();
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(30));
    time.advance(Duration.ofSeconds(12));
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(18));
  }

  @Test
  void anAnswerThatIsNotTransient_startsTheCountAgain() {
    call(true);
    call(true);
    call(false);
    call(true);
    assertThat(call(true)).isEmpty();
    assertThat(gate.tryAcquire()).isTrue(); // two in a row since the success: still closed
    assertThat(gate.record(true)).contains("now open");
  }

  @Test
  void afterTheOpenDuration_exactlyOneProbeGoesThrough() {
    // given
    for (int i = 0; i < 3; i++) {
      call(true);
    }
    time.advance(Duration.ofSeconds(30));

    // when / then: one probe; a second caller waits for its answer
    assertThat(gate.tryAcquire()).isTrue();
    assertThat(gate.tryAcquire()).isFalse();
    assertThat(gate.remainingOpen()).isZero();
    assertThat(gate.record(false)).isEqualTo("; circuit breaker closed again");
    assertThat(gate.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbe_opensTheCircuitForTheFullDurationAgain() {
    for (int i = 0; i < 3; i++) {
      call(true);
    }
    time.advance(Duration.ofSeconds(31));
    assertThat(call(true)).isEqualTo("; circuit breaker now open for 30000 ms");
    assertThat(gate.remainingOpen()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aProbeThatSentNothing_isReleasedForTheNextCaller() {
    for (int i = 0; i < 3; i++) {
      call(true);
    }
    time.advance(Duration.ofSeconds(30));
    assertThat(gate.tryAcquire()).isTrue();
    gate.release(); // a credential file was missing: nothing was learnt about the target
    assertThat(gate.tryAcquire()).isTrue();
  }

  @Test
  void aWallClockSteppedBack_doesNotHoldTheCircuitOpen() {
    // given: a wall clock that NTP steps back an hour while the circuit is open
    MutableClock wall = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    FakeScheduler steppedTime = new FakeScheduler(wall);
    CircuitGate stepped = new CircuitGate(steppedTime, Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      assertThat(stepped.tryAcquire()).isTrue();
      stepped.record(true);
    }

    // when
    wall.advance(Duration.ofHours(-1));
    steppedTime.advance(Duration.ofSeconds(30));

    // then: 30 s of monotonic time passed, so the probe goes through
    assertThat(stepped.remainingOpen()).isZero();
    assertThat(stepped.tryAcquire()).isTrue();
  }
}
