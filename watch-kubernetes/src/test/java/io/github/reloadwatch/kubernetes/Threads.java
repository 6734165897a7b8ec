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

  static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }
}
