package io.github.reloadwatch.http;

import io.github.reloadwatch.Scheduler;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an expiry action (cancelling a request) when an attempt's time is up, so that a server that
 * trickles its response cannot hold an attempt past {@link
 * HttpReloadAction.Builder#attemptTimeout(Duration)}. The timer runs on the action's {@link
 * Scheduler} and is cancelled as soon as the request ends. Thread-safe: the expiry and {@link
 * #cancel()} race, and exactly one of them wins.
 */
final class Deadline {

  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int FIRED = 2;

  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final Future<?> timer;

  private Deadline(Scheduler scheduler, Duration left, Runnable onExpiry) {
    this.timer = scheduler.schedule(() -> {
      if (state.compareAndSet(RUNNING, FIRED)) {
        onExpiry.run();
      }
    }, left);
  }

  /** Starts a timer that runs {@code onExpiry} after {@code left}, unless cancelled first. */
  static Deadline start(Scheduler scheduler, Duration left, Runnable onExpiry) {
    return new Deadline(scheduler, left, onExpiry);
  }

  /** True if the time ran out and the expiry action ran. */
  boolean fired() {
    return state.get() == FIRED;
  }

  /** Stops the timer; after this the expiry action never runs (unless it already did). */
  void cancel() {
    state.compareAndSet(RUNNING, FINISHED);
    timer.cancel(false);
  }
}
