package io.github.reloadwatch;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Turns a burst of pokes into one call: the target runs once the pokes have been quiet for {@code
 * quiet}, or at the latest {@code maxDelay} after the first poke of the burst, so a continuous
 * trickle of writes still fires regularly. A burst that starts within {@code maxDelay} of the
 * previous call continues the same churn, so its deadline is {@code maxDelay} after that call: a
 * continuous trickle fires at least every {@code maxDelay}, not every {@code maxDelay} plus the
 * gap between two writes. All waiting is done by the scheduler; the ticker is only read to place
 * that deadline.
 *
 * <p>Thread-safe: {@link #poke()} is called from the watch thread.
 */
final class Debouncer {

  private final ScheduledExecutorService scheduler;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final Runnable target;
  private final LongSupplier ticker;

  // @GuardedBy("this")
  private Future<?> quietTask;
  // @GuardedBy("this")
  private Future<?> deadlineTask;
  // @GuardedBy("this")
  private boolean cancelled;
  // @GuardedBy("this"): when the target last fired, from the ticker; Long.MIN_VALUE if never
  private long lastFire = Long.MIN_VALUE;
  // @GuardedBy("this"): identifies the timers of the current quiet period and burst, so a timer
  // that was already running when a poke replaced it cannot fire out of turn
  private long quietGeneration;
  // @GuardedBy("this")
  private long burstGeneration;

  Debouncer(
      ScheduledExecutorService scheduler,
      LongSupplier ticker,
      Duration quiet,
      Duration maxDelay,
      Runnable target) {
    this.scheduler = scheduler;
    this.ticker = ticker;
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
      long delay = maxDelayNanos;
      if (lastFire != Long.MIN_VALUE) {
        long sinceLastFire = ticker.getAsLong() - lastFire;
        if (sinceLastFire < maxDelayNanos) {
          delay = Math.max(0, maxDelayNanos - sinceLastFire); // the churn goes on
        }
      }
      deadlineTask = scheduler.schedule(() -> fire(-1, burst), delay, TimeUnit.NANOSECONDS);
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
      lastFire = ticker.getAsLong();
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
