package io.github.reloadwatch;

import java.time.Duration;
import java.util.concurrent.Future;

/**
 * One pending task of a kind (the retry, the resync, the missing-path check) on a {@link
 * Scheduler}: arming it again replaces or keeps the pending task, and a task may arm its own timer
 * again while it runs, since the timer is idle from the moment its task starts. After {@link
 * #cancel()} the timer ignores every later arming.
 *
 * <p>Thread-safe.
 */
final class Timer {

  private final Scheduler scheduler;

  // @GuardedBy("this")
  private Future<?> pending;
  // @GuardedBy("this"): identifies the pending task, so a replaced one that already started
  // cannot run
  private long generation;
  // @GuardedBy("this")
  private boolean cancelled;

  Timer(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Runs {@code task} after {@code delay}, replacing a pending task. */
  synchronized void schedule(Runnable task, Duration delay) {
    if (cancelled) {
      return;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    long current = ++generation;
    pending = scheduler.schedule(() -> {
      synchronized (this) {
        if (cancelled || current != generation) {
          return;
        }
        pending = null;
      }
      task.run();
    }, delay);
  }

  /** Runs {@code task} after {@code delay} unless a task is pending already. */
  synchronized void scheduleIfIdle(Runnable task, Duration delay) {
    if (pending == null) {
      schedule(task, delay);
    }
  }

  /** Drops the pending task, if any, and stays idle. */
  synchronized void clear() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
      generation++;
    }
  }

  /** Drops the pending task and ignores every later arming. */
  synchronized void cancel() {
    clear();
    cancelled = true;
  }

  synchronized boolean isPending() {
    return pending != null;
  }
}
