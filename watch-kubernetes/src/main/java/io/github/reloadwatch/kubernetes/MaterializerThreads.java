package io.github.reloadwatch.kubernetes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which threads a started materializer runs, and how they stop. One apply thread ({@code
 * reloadwatch-kubernetes-N}) renders and writes, and so never writes two versions at once; it also
 * runs the timers unless a {@link io.github.reloadwatch.Scheduler} was given. One check thread
 * ({@code reloadwatch-kubernetes-check-N}) runs the anti-entropy GET, so that a slow API never
 * delays a write. Both are daemons; {@link #stop()} interrupts them and joins them.
 */
final class MaterializerThreads {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);
  private static final AtomicInteger counter = new AtomicInteger();

  /** Every thread the two executors created, to join them. */
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** Renders and writes; runs the reconciles and the comparison of each check. */
  final ScheduledThreadPoolExecutor apply;
  /** Runs the anti-entropy GET. */
  final ExecutorService check;

  MaterializerThreads() {
    apply = new ScheduledThreadPoolExecutor(1, factory("kubernetes"));
    apply.setRemoveOnCancelPolicy(true);
    check = Executors.newSingleThreadExecutor(factory("kubernetes-check"));
  }

  private ThreadFactory factory(String role) {
    return runnable -> {
      Thread thread = new Thread(runnable, "reloadwatch-" + role + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      threads.add(thread);
      return thread;
    };
  }

  /**
   * Interrupts both threads and waits (up to 10 s each) until they are gone. Called from one of
   * them (an action that closes the materializer), it does not wait for itself.
   */
  void stop() {
    apply.shutdownNow();
    check.shutdownNow();
    boolean ownThread = threads.contains(Thread.currentThread());
    if (!ownThread) {
      await(apply);
      await(check);
    }
    for (Thread thread : threads) {
      if (thread != Thread.currentThread()) {
        try {
          thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  private static void await(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        logger.warn("a materializer thread did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
