package io.github.reloadwatch.kubernetes;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The live threads a test cares about. */
final class Threads {

  private Threads() {}

  /** Names of live threads this library started. */
  static List<String> ours() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("reloadwatch-"))
        .sorted()
        .toList();
  }

  /**
   * The pool a thread of an {@code Executors.defaultThreadFactory()}-style name ({@code
   * ...-pool-N-thread-M}) belongs to, {@code ...-pool-N}; otherwise the name itself.
   */
  static String pool(String threadName) {
    int at = threadName.lastIndexOf("-thread-");
    return at < 0 ? threadName : threadName.substring(0, at);
  }

  /** The pools (see {@link #pool}) these threads belong to, if pooled. */
  static Set<String> pools(Set<Thread> threads) {
    return threads.stream().map(Thread::getName).filter(n -> n.contains("-thread-"))
        .map(Threads::pool).collect(Collectors.toSet());
  }

  static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }
}
