package io.github.reloadwatch.prometheus;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A classic histogram of reload durations for one target: fixed bucket bounds, a count per bucket
 * and a sum. Written on the reload thread, read by scrapes. Thread-safe: every method is guarded
 * by this object, so one scrape sees a count and a sum that belong together.
 */
final class DurationHistogram {

  /** Upper bounds in seconds, the sidecar's since 0.1.0; {@code +Inf} is added. */
  static final double[] UPPER_BOUNDS = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, Double.POSITIVE_INFINITY};

  // @GuardedBy("this"); not cumulative: counts[i] holds (UPPER_BOUNDS[i-1], UPPER_BOUNDS[i]]
  private final long[] counts = new long[UPPER_BOUNDS.length];
  // @GuardedBy("this")
  private double sum;

  /** Records one duration. Negative durations (a clock that went back) count as zero. */
  synchronized void observe(Duration took) {
    double seconds = Math.max(0, took.toNanos() / 1e9);
    int i = 0;
    while (seconds > UPPER_BOUNDS[i]) {
      i++;
    }
    counts[i]++;
    sum += seconds;
  }

  /** The buckets and sum as they are now. */
  synchronized Reading read() {
    return new Reading(ClassicHistogramBuckets.of(UPPER_BOUNDS, Arrays.copyOf(counts,
        counts.length)), sum);
  }

  /** An empty histogram's reading, for a target that never reloaded. */
  static Reading empty() {
    return new Reading(ClassicHistogramBuckets.of(UPPER_BOUNDS, new long[UPPER_BOUNDS.length]), 0);
  }

  /** What a scrape reports. */
  record Reading(ClassicHistogramBuckets buckets, double sum) {}
}
