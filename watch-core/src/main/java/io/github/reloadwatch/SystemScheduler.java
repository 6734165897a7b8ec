package io.github.reloadwatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Scheduler} on system time: {@link System#nanoTime()} for durations, a {@link Clock} for
 * timestamps, and either an executor or the JDK's shared delay thread for timers.
 */
final class SystemScheduler implements Scheduler {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  /** Timers on the JDK's delay thread; see {@link Scheduler#system()}. */
  static final SystemScheduler TIMERS = new SystemScheduler(null, Clock.systemUTC());

  private final ScheduledExecutorService executor; // null: the JDK's delay thread
  private final Clock wallClock;

  SystemScheduler(ScheduledExecutorService executor, Clock wallClock) {
    this.executor = executor;
    this.wallClock = wallClock;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant instant() {
    return wallClock.instant();
  }

  @Override
  public Future<?> schedule(Runnable task, Duration delay) {
    long nanos = Math.max(0, delay.toNanos());
    if (executor != null) {
      return executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }
    // completing the timer early (cancel) also removes it from the JDK's delay queue
    CompletableFuture<Void> timer = new CompletableFuture<>();
    timer.completeOnTimeout(null, nanos, TimeUnit.NANOSECONDS);
    timer.thenRun(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        logger.warn("a timer task failed; ignored", e);
      }
    });
    return timer;
  }

  @Override
  public String toString() {
    return executor == null ? "Scheduler.system()" : "Scheduler.of(" + executor + ")";
  }
}
