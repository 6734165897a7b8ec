package io.github.reloadwatch;

import java.time.Duration;
import java.util.concurrent.Future;

/**
 * Turns a burst of pokes into one call: the target runs once the pokes have been quiet for {@code
 * quiet}, or at the latest {@code maxDelay} after the first poke of the burst, so a continuous
 * trickle of writes still fires regularly. A burst that starts within {@code maxDelay} of the
 * previous call continues the same churn, so its deadline is {@code maxDelay} after that call: a
 * continuous trickle fires at least every {@code maxDelay}, not every {@code maxDelay} plus the
 * gap between two writes. All waiting is done by the scheduler, whose monotonic clock places
 * that deadline.
 *
 * <p>Thread-safe: {@link #poke()} is called from the watch thread.
 */
final class Debouncer {

  private final Scheduler scheduler;
  private final Duration quiet;
  private final long maxDelayNanos;
  private final Runnable target;

  // @GuardedBy("this")
  private Future<?> quietTask;
  // @GuardedBy("this")
  private Future<?> deadlineTask;
  // @GuardedBy("this")
  private boolean cancelled;
  // @GuardedBy("this"): when the target last fired, in scheduler nanos; Long.MIN_VALUE if never
  private long lastFire = Long.MIN_VALUE;
  // @GuardedBy("this"): identifies the timers of the current quiet period and burst, so a timer
  // that was already running when a poke replaced it cannot fire out of turn
  private long quietGeneration;
  // @GuardedBy("this")
  private long burstGeneration;

  Debouncer(Scheduler scheduler, Duration quiet, Duration maxDelay, Runnable target) {
    this.scheduler = scheduler;
    this.quiet = quiet;
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
    long current = ++quietGeneration;
    quietTask = scheduler.schedule(() -> fire(current, -1), quiet);
    if (deadlineTask == null && maxDelayNanos > quiet.toNanos()) {
      long burst = burstGeneration;
      long delay = maxDelayNanos;
      if (lastFire != Long.MIN_VALUE) {
        long sinceLastFire = scheduler.nanoTime() - lastFire;
        if (sinceLastFire < maxDelayNanos) {
          delay = Math.max(0, maxDelayNanos - sinceLastFire); // the churn goes on
        }
      }
      deadlineTask = scheduler.schedule(() -> fire(-1, burst), Duration.ofNanos(delay));
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
      lastFire = scheduler.nanoTime();
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
