package io.github.reloadwatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Nanosecond samples and their order statistics (nearest-rank percentiles). */
final class Stats {

  private final List<Long> samples = new ArrayList<>();
  private int misses;

  void add(long nanos) {
    samples.add(nanos);
  }

  /** Counts a repetition in which the event was never seen. */
  void miss() {
    misses++;
  }

  int count() {
    return samples.size();
  }

  int misses() {
    return misses;
  }

  boolean isEmpty() {
    return samples.isEmpty();
  }

  /** The p-th percentile (0..100) by nearest rank, in nanoseconds. */
  long percentile(double p) {
    if (samples.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  long median() {
    return percentile(50);
  }

  long p99() {
    return percentile(99);
  }

  long max() {
    return percentile(100);
  }

  static String ms(long nanos) {
    if (nanos < 0) {
      return "n/a";
    }
    double ms = nanos / 1e6;
    return ms < 10 ? String.format(Locale.ROOT, "%.2f ms", ms)
        : String.format(Locale.ROOT, "%.1f ms", ms);
  }

  /** "median 0.61 ms, p99 1.20 ms (n=50)", with misses if any. */
  String summary() {
    if (samples.isEmpty()) {
      return "not seen (" + misses + " misses)";
    }
    return "median " + ms(median()) + ", p99 " + ms(p99()) + " (n=" + samples.size()
        + (misses > 0 ? ", " + misses + " missed" : "") + ")";
  }

  static String ratio(long ours, long baseline) {
    if (ours < 0 || baseline <= 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1fx", (double) ours / baseline);
  }
}
