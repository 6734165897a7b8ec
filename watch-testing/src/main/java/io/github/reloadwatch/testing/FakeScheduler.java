package io.github.reloadwatch.testing;

import io.github.reloadwatch.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Scheduler} (and {@link ScheduledExecutorService}) driven by the test thread: nothing
 * runs until the test calls {@link #advance(Duration)} or {@link #runDue()}, and then due tasks
 * run on the calling thread in time order, with {@link #nanoTime()} set to each task's due time.
 * Models: OkHttp's {@code TaskFaker}, micrometer's {@code MockClock}.
 *
 * <pre>{@code
 * FakeScheduler time = new FakeScheduler();
 * ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(dir)
 *     .addAction(action)
 *     .scheduler(time)              // debounce, retries and resyncs now wait for advance()
 *     .build();
 * watcher.start();
 * time.runDue();
 * // ... change a file, then
 * time.advance(Duration.ofMillis(250));
 * }</pre>
 *
 * <p>The wall clock ({@link #instant()}) starts at {@link #DEFAULT_WALL_START} and moves with
 * fake time, unless a {@link Clock} is given. Tasks may be scheduled from other threads (a watch
 * thread pokes the debouncer); everything is synchronized.
 *
 * @since 0.1.0
 */
public final class FakeScheduler implements Scheduler, ScheduledExecutorService {

  /** Where the moving wall clock of {@link #FakeScheduler()} starts. */
  public static final Instant DEFAULT_WALL_START = Instant.parse("2026-01-01T00:00:00Z");

  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final Clock wallClock; // null: DEFAULT_WALL_START plus fake time
  private long now;
  private long sequence;
  private boolean shutdown;
  private final List<Throwable> failures = new ArrayList<>();

  /** Creates a fake whose wall clock starts at {@link #DEFAULT_WALL_START} and moves with it. */
  public FakeScheduler() {
    this.wallClock = null;
  }

  /**
   * Creates a fake whose timestamps come from {@code wallClock}, for example {@code
   * Clock.fixed(...)} for timestamps that never move.
   *
   * @param wallClock the clock {@link #instant()} reads
   */
  public FakeScheduler(Clock wallClock) {
    this.wallClock = wallClock;
  }

  /**
   * Returns the fake monotonic time in nanoseconds: 0 at creation, moved only by {@link
   * #advance(Duration)}.
   */
  @Override
  public synchronized long nanoTime() {
    return now;
  }

  /** Returns the fake wall-clock time. */
  @Override
  public synchronized Instant instant() {
    return wallClock != null ? wallClock.instant() : DEFAULT_WALL_START.plusNanos(now);
  }

  /** Queues {@code task} to run when fake time reaches now plus {@code delay}. */
  @Override
  public Future<?> schedule(Runnable task, Duration delay) {
    return schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Runs every task due within {@code duration} from now, then moves time to the end.
   *
   * @param duration how far to move fake time
   * @throws AssertionError if a task threw
   */
  public void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = now + duration.toNanos();
    }
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          now = Math.max(now, target); // a task may have advanced time re-entrantly
          break;
        }
        queue.poll();
        now = Math.max(now, next.due);
      }
      next.run();
    }
    throwFailures();
  }

  /**
   * Runs every task due now, including tasks they schedule for now.
   *
   * @throws AssertionError if a task threw
   */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /**
   * Returns how many tasks are queued (not cancelled).
   *
   * @return the number of pending tasks
   */
  public synchronized int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.isCancelled()).count();
  }

  /**
   * Returns the delay until the next queued task, or null if none.
   *
   * @return the delay, or null
   */
  public synchronized Duration nextDelay() {
    return queue.stream()
        .filter(t -> !t.isCancelled())
        .mapToLong(t -> t.due - now)
        .min()
        .stream()
        .mapToObj(Duration::ofNanos)
        .findFirst()
        .orElse(null);
  }

  /**
   * Fails if a task is queued.
   *
   * @throws AssertionError if a task is pending
   */
  public synchronized void assertIdle() {
    if (pendingTasks() > 0) {
      throw new AssertionError(pendingTasks() + " task(s) still scheduled, next in " + nextDelay());
    }
  }

  private void throwFailures() {
    synchronized (this) {
      if (failures.isEmpty()) {
        return;
      }
      Throwable first = failures.get(0);
      failures.clear();
      throw new AssertionError("a scheduled task threw", first);
    }
  }

  private final class Task<V> implements ScheduledFuture<V>, Runnable {
    final long seq = sequence++;
    long due;
    final long period; // 0: one-shot, >0 fixed rate, <0 fixed delay
    final Callable<V> callable;
    boolean cancelled;
    boolean done;
    V result;
    Throwable failure;

    Task(long due, long period, Callable<V> callable) {
      this.due = due;
      this.period = period;
      this.callable = callable;
    }

    @Override
    public void run() {
      synchronized (FakeScheduler.this) {
        if (cancelled) {
          return;
        }
      }
      try {
        V value = callable.call();
        synchronized (FakeScheduler.this) {
          if (period == 0) {
            result = value;
            done = true;
          } else if (!cancelled && !shutdown) {
            due = period > 0 ? due + period : now - period;
            queue.add(this);
          }
        }
      } catch (Throwable t) {
        synchronized (FakeScheduler.this) {
          failure = t;
          done = true;
          failures.add(t);
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (FakeScheduler.this) {
        return unit.convert(due - now, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> other = (Task<?>) o;
      int c = Long.compare(due, other.due);
      return c != 0 ? c : Long.compare(seq, other.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (FakeScheduler.this) {
        if (done) {
          return false;
        }
        cancelled = true;
        done = true;
        queue.remove(this);
        return true;
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (FakeScheduler.this) {
        return cancelled;
      }
    }

    @Override
    public boolean isDone() {
      synchronized (FakeScheduler.this) {
        return done;
      }
    }

    @Override
    public V get() throws ExecutionException {
      synchronized (FakeScheduler.this) {
        if (cancelled) {
          throw new CancellationException();
        }
        if (!done) {
          throw new IllegalStateException("FakeScheduler task not run yet: advance() first");
        }
        if (failure != null) {
          throw new ExecutionException(failure);
        }
        return result;
      }
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws ExecutionException {
      return get();
    }
  }

  private synchronized <V> Task<V> add(long delayNanos, long period, Callable<V> callable) {
    if (shutdown) {
      throw new RejectedExecutionException("FakeScheduler is shut down");
    }
    Task<V> task = new Task<>(now + Math.max(0, delayNanos), period, callable);
    queue.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(unit.toNanos(delay), 0, () -> {
      command.run();
      return null;
    });
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(unit.toNanos(delay), 0, callable);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(unit.toNanos(initialDelay), unit.toNanos(period), () -> {
      command.run();
      return null;
    });
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return add(unit.toNanos(initialDelay), -unit.toNanos(delay), () -> {
      command.run();
      return null;
    });
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return schedule(() -> {
      task.run();
      return result;
    }, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public Future<?> submit(Runnable task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = new ArrayList<>(queue);
    queue.clear();
    return pending;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
    throw new UnsupportedOperationException("not needed by reloadwatch");
  }

  @Override
  public <T> List<Future<T>> invokeAll(
      Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
    throw new UnsupportedOperationException("not needed by reloadwatch");
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) {
    throw new UnsupportedOperationException("not needed by reloadwatch");
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws TimeoutException {
    throw new UnsupportedOperationException("not needed by reloadwatch");
  }
}
