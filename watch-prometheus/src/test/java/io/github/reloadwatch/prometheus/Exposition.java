package io.github.reloadwatch.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.WatchStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** A registry as Prometheus reads it: the text format, and its samples by series. */
record Exposition(String text, Map<String, Double> samples) {

  static Exposition of(PrometheusRegistry registry) {
    String text = PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return new Exposition(text, samples);
  }

  /** The value of one series, such as {@code reloader_watches{watcher="app"}}; fails if absent. */
  double value(String series) {
    assertThat(samples).as("series %s in%n%s", series, text).containsKey(series);
    return samples.get(series);
  }

  static String target(String name, String watcher, String target) {
    return name + "{target=\"" + target + "\",watcher=\"" + watcher + "\"}";
  }

  static String watcher(String name, String watcher) {
    return name + "{watcher=\"" + watcher + "\"}";
  }

  /** Every series of {@code watcher} says what {@code status} says. */
  void assertAgrees(String watcher, WatchStatus status, int paths) {
    for (WatchStatus.Target t : status.targets()) {
      String n = t.name();
      assertThat(value(target("reloader_reloads_total", watcher, n))).as("reloads of %s", n)
          .isEqualTo(t.reloadsSucceeded() + t.reloadsFailed() + t.reloadsRejected());
      assertThat(value(target("reloader_reloads_failed_total", watcher, n))).as("failed of %s", n)
          .isEqualTo(t.reloadsFailed() + t.reloadsRejected());
      assertThat(value(target("reloadwatch_reloads_rejected_total", watcher, n)))
          .as("rejected of %s", n).isEqualTo(t.reloadsRejected());
      assertThat(value(target("reloader_last_reload_successful", watcher, n)))
          .as("last successful of %s", n).isEqualTo(t.failing() ? 0 : 1);
      assertThat(value(target("reloader_last_reload_success_timestamp_seconds", watcher, n)))
          .as("last success of %s", n)
          .isEqualTo(t.lastSuccess().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0));
      assertThat(value(target("reloadwatch_reload_duration_seconds_count", watcher, n)))
          .as("timed reloads of %s", n).isEqualTo(t.reloadsSucceeded());
    }
    assertThat(value(watcher("reloadwatch_changes_skipped_unchanged_total", watcher)))
        .isEqualTo(status.skippedUnchanged());
    assertThat(value(watcher("reloader_watch_events_total", watcher)))
        .isEqualTo(status.watchEvents());
    assertThat(value(watcher("reloader_watch_errors_total", watcher)))
        .isEqualTo(status.watchErrors());
    assertThat(value(watcher("reloader_watches", watcher))).isEqualTo(paths);
    for (WatchStatus.Condition c : WatchStatus.Condition.values()) {
      boolean holds = status.problems().stream().anyMatch(p -> p.condition() == c);
      assertThat(value("reloadwatch_problem{condition=\"" + c + "\",watcher=\"" + watcher + "\"}"))
          .as("problem %s", c).isEqualTo(holds ? 1 : 0);
    }
  }
}
