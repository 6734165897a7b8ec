package io.github.reloadwatch;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the library's threads {@code reloadwatch-<role>-<n>} and makes them daemons. */
final class Threads {

  /** The prefix of every thread this library starts. */
  static final String PREFIX = "reloadwatch-";

  private static final AtomicInteger counter = new AtomicInteger();

  private Threads() {}

  static ThreadFactory factory(String role) {
    return runnable -> {
      Thread thread = new Thread(runnable, PREFIX + role + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
