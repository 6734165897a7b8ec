package io.github.reloadwatch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter example reports its watcher through watch-prometheus: a refused target list turns
 * {@code reloader_last_reload_successful} to 0 (what the prometheus-operator alert watches), a
 * good one back to 1. Real file system; each wait is bounded (30 s).
 */
@Tag("filesystem")
class ExporterExampleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SERIES = "{target=\"default\",watcher=\"targets\"}";

  @TempDir Path tmp;

  @Test
  void refusedTargetList_showsAsAFailedReload_untilAGoodOneFollows() throws Exception {
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("cm"),
        Map.of("targets.txt", "db:5432\n"));
    try (ExporterExample exporter = new ExporterExample(mount.path("targets.txt"))) {
      assertThat(scrape(exporter)).contains("reloader_last_reload_successful" + SERIES + " 1.0")
          .contains("reloader_watches{watcher=\"targets\"} 1.0");

      mount.swap(Map.of("targets.txt", "db:5432\nnot a target\n"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(scrape(exporter))
          .contains("reloader_last_reload_successful" + SERIES + " 0.0")
          .contains("reloadwatch_reloads_rejected_total" + SERIES + " 1.0")
          .contains("reloader_reloads_failed_total" + SERIES + " 1.0"));
      assertThat(exporter.targets()).containsExactly("db:5432");

      mount.swap(Map.of("targets.txt", "db:5432\ncache:6379\n"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(scrape(exporter))
          .contains("reloader_last_reload_successful" + SERIES + " 1.0")
          .contains("reloader_reloads_total" + SERIES + " 2.0")
          .contains("exporter_targets 2.0")
          .doesNotContain("not a target"));
    }
  }

  private static String scrape(ExporterExample exporter) {
    return PrometheusTextFormatWriter.create().toDebugString(exporter.registry().scrape());
  }
}
