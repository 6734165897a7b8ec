package io.github.reloadwatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where a watcher, and the actions that accept one, take their time from: a monotonic clock for
 * every duration, deadline and interval, the wall clock for timestamps only, and the timers that
 * wait. It is the library's one time seam: a test replaces it with {@code FakeScheduler} from
 * {@code watch-testing} and drives debouncing, retries, resyncs, HTTP deadlines and the circuit
 * gate by advancing fake time.
 *
 * <pre>{@code
 * ScheduledExecutorService shared = Executors.newSingleThreadScheduledExecutor();
 * ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(configDir)
 *     .addAction(reload)
 *     .scheduler(Scheduler.of(shared))   // run on a thread the application owns
 *     .build();
 * }</pre>
 *
 * <p>Intervals are never measured with {@link #instant()}: a wall clock stepped back an hour does
 * not hold a retry back for an hour. Implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface Scheduler {

  /**
   * Returns the current value of a monotonic clock in nanoseconds, like {@link System#nanoTime()}:
   * only differences between two readings mean something.
   *
   * @return monotonic nanoseconds
   */
  long nanoTime();

  /**
   * Returns the wall-clock time, for timestamps in events, status and log lines.
   *
   * @return the current instant
   */
  Instant instant();

  /**
   * Runs a task once after a delay. Tasks given the same delay run in the order they were
   * scheduled.
   *
   * @param task what to run
   * @param delay zero or a positive delay
   * @return a future to cancel the task with
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler no longer accepts
   *     tasks (it was shut down)
   */
  Future<?> schedule(Runnable task, Duration delay);

  /**
   * Returns a scheduler on system time whose tasks run on the given executor, which stays the
   * caller's: nothing in this library shuts it down.
   *
   * @param executor the executor that runs the tasks
   * @return a scheduler
   * @throws NullPointerException if {@code executor} is null
   */
  static Scheduler of(ScheduledExecutorService executor) {
    return of(executor, Clock.systemUTC());
  }

  /**
   * Returns a scheduler whose tasks run on the given executor and whose timestamps come from the
   * given clock; durations still come from {@link System#nanoTime()}.
   *
   * @param executor the executor that runs the tasks; the caller's, never shut down here
   * @param wallClock the clock for timestamps
   * @return a scheduler
   * @throws NullPointerException if an argument is null
   */
  static Scheduler of(ScheduledExecutorService executor, Clock wallClock) {
    return new SystemScheduler(
        Objects.requireNonNull(executor, "executor cannot be null"),
        Objects.requireNonNull(wallClock, "wallClock cannot be null"));
  }

  /**
   * Returns the shared scheduler on system time whose timers run on the JDK's shared delay thread
   * ({@link java.util.concurrent.CompletableFuture#delayedExecutor}). Meant for short timers
   * that must not wait behind a busy thread, such as cancelling a request whose deadline passed;
   * tasks must not block.
   *
   * @return the shared system scheduler
   */
  static Scheduler system() {
    return SystemScheduler.TIMERS;
  }
}
