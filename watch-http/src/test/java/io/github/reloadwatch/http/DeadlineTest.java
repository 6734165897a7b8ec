package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The attempt deadline's timer, on fake time. */
class DeadlineTest {

  private final FakeScheduler time = new FakeScheduler();
  private final AtomicInteger expired = new AtomicInteger();

  @Test
  void firesOnceWhenTheTimeIsUp() {
    Deadline deadline = Deadline.start(time, Duration.ofMillis(400), expired::incrementAndGet);
    time.advance(Duration.ofMillis(399));
    assertThat(deadline.fired()).isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(deadline.fired()).isTrue();
    assertThat(expired).hasValue(1);
    deadline.cancel(); // the request ends after the deadline fired: still reported as fired
    assertThat(deadline.fired()).isTrue();
    time.assertIdle();
  }

  @Test
  void cancelledInTime_neverFiresAndLeavesNoTimer() {
    Deadline deadline = Deadline.start(time, Duration.ofMillis(400), expired::incrementAndGet);
    time.advance(Duration.ofMillis(100));
    deadline.cancel();
    time.assertIdle();
    time.advance(Duration.ofSeconds(1));
    assertThat(deadline.fired()).isFalse();
    assertThat(expired).hasValue(0);
  }
}
