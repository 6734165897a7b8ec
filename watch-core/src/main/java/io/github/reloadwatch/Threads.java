package io.github.reloadwatch;

import java.util.Collection;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Names the library's threads {@code reloadwatch-<role>-<n>} and makes them daemons. */
final class Threads {

  /** The prefix of every thread this library starts. */
  static final String PREFIX = "reloadwatch-";

  private static final AtomicInteger counter = new AtomicInteger();

  private Threads() {}

  static ThreadFactory factory(String role) {
    return factory(role, thread -> {});
  }

  /** Like {@link #factory(String)}, also telling {@code created} about every thread it makes. */
  static ThreadFactory factory(String role, Consumer<Thread> created) {
    return runnable -> {
      Thread thread = new Thread(runnable, PREFIX + role + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      created.accept(thread);
      return thread;
    };
  }

  /**
   * Waits for threads to end: an executor reports termination just before its last thread
   * returns, and close() promises that no thread is left.
   */
  static void join(Collection<Thread> threads, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
        timeoutMillis);
    for (Thread thread : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0 || thread == Thread.currentThread()) {
        continue;
      }
      try {
        thread.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
