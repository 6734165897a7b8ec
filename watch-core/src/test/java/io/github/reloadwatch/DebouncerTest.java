package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DebouncerTest {

  private final FakeScheduler scheduler = new FakeScheduler();
  private final AtomicInteger fired = new AtomicInteger();

  private Debouncer debouncer(Duration quiet, Duration maxDelay) {
    return new Debouncer(scheduler, quiet, maxDelay, fired::incrementAndGet);
  }

  @Test
  void burstOfPokes_firesOnceAfterTheQuietPeriod() {
    Debouncer debouncer = debouncer(Duration.ofMillis(200), Duration.ofSeconds(5));
    debouncer.poke();
    scheduler.advance(Duration.ofMillis(150));
    debouncer.poke(); // restarts the quiet period
    scheduler.advance(Duration.ofMillis(199));
    assertThat(fired).hasValue(0);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(fired).hasValue(1);
    scheduler.assertIdle();
  }

  @Test
  void continuousPokes_fireAtMaxDelay() {
    Debouncer debouncer = debouncer(Duration.ofMillis(100), Duration.ofMillis(500));
    for (int i = 0; i < 10; i++) { // every 60 ms for 600 ms
      debouncer.poke();
      scheduler.advance(Duration.ofMillis(60));
    }
    assertThat(fired).hasValue(1); // at 500 ms
    scheduler.advance(Duration.ofMillis(100));
    assertThat(fired).hasValue(2); // after the last poke
    scheduler.assertIdle();
  }

  @Test
  void continuousChurn_firesAtLeastEveryMaxDelay() {
    // one poke every 25 ms for 3 s, quiet 100 ms, maxDelay 500 ms: the gap between two calls
    // must not grow by the 25 ms between a call and the next poke
    List<Long> fires = new ArrayList<>();
    Debouncer debouncer = new Debouncer(scheduler, Duration.ofMillis(100),
        Duration.ofMillis(500), () -> fires.add(scheduler.nanoTime()));
    for (int i = 0; i < 120; i++) {
      debouncer.poke();
      scheduler.advance(Duration.ofMillis(25));
    }
    scheduler.advance(Duration.ofMillis(100));
    // at 500, 1000, ..., 3000 ms; the one at 3000 comes after the last poke (2975 ms), so no
    // further call is needed
    assertThat(fires).containsExactly(500_000_000L, 1_000_000_000L, 1_500_000_000L,
        2_000_000_000L, 2_500_000_000L, 3_000_000_000L);
    for (int i = 1; i < fires.size(); i++) {
      assertThat(Duration.ofNanos(fires.get(i) - fires.get(i - 1)))
          .isLessThanOrEqualTo(Duration.ofMillis(500));
    }
  }

  @Test
  void burstLongAfterThePreviousCall_getsAFullMaxDelay() {
    Debouncer debouncer = debouncer(Duration.ofMillis(100), Duration.ofMillis(500));
    debouncer.poke();
    scheduler.advance(Duration.ofSeconds(2)); // fired, then a long quiet time
    assertThat(fired).hasValue(1);
    for (int i = 0; i < 8; i++) { // a new trickle: 8 pokes 60 ms apart
      debouncer.poke();
      scheduler.advance(Duration.ofMillis(60));
    }
    assertThat(fired).as("no deadline before maxDelay into the new burst").hasValue(1);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(fired).hasValue(2);
  }

  @Test
  void zeroQuietPeriod_firesOnTheNextTick() {
    Debouncer debouncer = debouncer(Duration.ZERO, Duration.ZERO);
    debouncer.poke();
    debouncer.poke();
    scheduler.runDue();
    assertThat(fired).hasValue(1);
  }

  @Test
  void cancel_dropsThePendingCallAndLaterPokes() {
    Debouncer debouncer = debouncer(Duration.ofMillis(100), Duration.ofSeconds(1));
    debouncer.poke();
    assertThat(debouncer.pending()).isTrue();
    debouncer.cancel();
    debouncer.poke();
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(fired).hasValue(0);
    scheduler.assertIdle();
  }
}
