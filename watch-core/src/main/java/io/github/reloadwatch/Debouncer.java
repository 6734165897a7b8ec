package io.github.reloadwatch;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns a burst of pokes into one call: the target runs once the pokes have been quiet for {@code
 * quiet}, or at the latest {@code maxDelay} after the first poke of the burst, so a continuous
 * trickle of writes still fires regularly. All waiting is done by the scheduler; no clock is read.
 *
 * <p>Thread-safe: {@link #poke()} is called from the watch thread.
 */
final class Debouncer {

  private final ScheduledExecutorService scheduler;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final Runnable target;

  // @GuardedBy("this")
  private Future<?> quietTask;
  // @GuardedBy("this")
  private Future<?> deadlineTask;
  // @GuardedBy("this")
  private boolean cancelled;
  // @GuardedBy("this"): identifies the timers of the current quiet period and burst, so a timer
  // that was already running when a poke replaced it cannot fire out of turn
  private long quietGeneration;
  // @GuardedBy("this")
  private long burstGeneration;

  Debouncer(
      ScheduledExecutorService scheduler, Duration quiet, Duration maxDelay, Runnable target) {
    this.scheduler = scheduler;
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    this.target = target;
  }

  /** Starts or restarts the quiet period. */
  synchronized void poke() {
    if (cancelled) {
      return;
    }
    if (quietTask != null) {
      quietTask.cancel(false);
    }
    long quiet = ++quietGeneration;
    quietTask = scheduler.schedule(() -> fire(quiet, -1), quietNanos, TimeUnit.NANOSECONDS);
    if (deadlineTask == null && maxDelayNanos > quietNanos) {
      long burst = burstGeneration;
      deadlineTask =
          scheduler.schedule(() -> fire(-1, burst), maxDelayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Whether a call is pending. */
  synchronized boolean pending() {
    return quietTask != null;
  }

  /** Drops any pending call; later pokes are ignored. */
  synchronized void cancel() {
    cancelled = true;
    clear();
  }

  private void fire(long quiet, long burst) {
    synchronized (this) {
      boolean current =
          quietTask != null && (quiet == quietGeneration || burst == burstGeneration);
      if (cancelled || !current) {
        return; // replaced by a later poke, or the other timer of this burst fired already
      }
      clear();
      burstGeneration++;
    }
    target.run();
  }

  private void clear() {
    if (quietTask != null) {
      quietTask.cancel(false);
      quietTask = null;
    }
    if (deadlineTask != null) {
      deadlineTask.cancel(false);
      deadlineTask = null;
    }
  }
}
