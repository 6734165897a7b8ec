package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
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
