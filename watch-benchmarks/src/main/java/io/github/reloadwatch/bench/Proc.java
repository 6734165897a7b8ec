package io.github.reloadwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Reads Linux {@code /proc}: CPU time, resident memory, per-thread wakeups, load average. */
final class Proc {

  private Proc() {}

  /** One thread: its (15-character) name, CPU nanoseconds and context switches so far. */
  record ThreadStat(String name, long cpuNanos, long switches) {}

  /** Every live thread of a process, by thread id. */
  static Map<Long, ThreadStat> threads(long pid) throws IOException {
    Map<Long, ThreadStat> result = new LinkedHashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
          long cpu = Long.parseLong(
              Files.readString(task.resolve("schedstat"), StandardCharsets.UTF_8).trim()
                  .split(" ")[0]);
          long switches = 0;
          for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("voluntary_ctxt_switches:")
                || line.startsWith("nonvoluntary_ctxt_switches:")) {
              switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          result.put(Long.parseLong(task.getFileName().toString()),
              new ThreadStat(comm, cpu, switches));
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    }
    return result;
  }

  /** The process's total CPU time over its live threads, in nanoseconds. */
  static long cpuNanos(Map<Long, ThreadStat> threads) {
    return threads.values().stream().mapToLong(ThreadStat::cpuNanos).sum();
  }

  /** VmRSS of a process, in KiB. */
  static long rssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(
        Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg prints them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
