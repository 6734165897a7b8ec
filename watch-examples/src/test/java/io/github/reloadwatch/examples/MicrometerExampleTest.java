package io.github.reloadwatch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Micrometer example's meters, as a PrometheusMeterRegistry (what Spring Boot's
 * {@code /actuator/prometheus} serves) renders them. Real file system; waits bounded (30 s).
 */
@Tag("filesystem")
class MicrometerExampleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SERIES = "{target=\"default\",watcher=\"feature-flags\"}";

  @TempDir Path tmp;

  @Test
  void flags_reload_andTheReloaderMetricsSayHowItWent() throws Exception {
    Path file = Files.writeString(tmp.resolve("flags.txt"), "new-checkout\n");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MicrometerExample service = new MicrometerExample(file, registry)) {
      assertThat(service.enabled("new-checkout")).isTrue();
      assertThat(registry.scrape()).contains("reloader_reloads_total" + SERIES + " 0.0");

      Files.writeString(file, "new-checkout\ndark-mode\n");
      await().atMost(WAIT).until(() -> service.enabled("dark-mode"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(registry.scrape())
          .contains("reloader_reloads_total" + SERIES + " 1.0")
          .contains("reloadwatch_reload_duration_seconds_count" + SERIES + " 1"));

      Files.writeString(file, "Not A Flag\n");
      await().atMost(WAIT).untilAsserted(() -> assertThat(registry.scrape())
          .contains("reloader_last_reload_successful" + SERIES + " 0.0")
          .contains("reloadwatch_reloads_rejected_total" + SERIES + " 1.0"));
      assertThat(service.enabled("dark-mode")).isTrue();
    }
    assertThat(registry.scrape()).doesNotContain("feature-flags"); // close() removed the meters
  }
}
