package io.github.reloadwatch.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.testing.PrometheusServer;
import io.github.reloadwatch.testing.RecordingAction;
import io.github.reloadwatch.testing.RecordingAction.Outcome;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes an exporter that uses watch-prometheus, and the prometheus-operator
 * alert expression (here over 1m instead of 5m) fires for a watcher whose reload failed and not
 * for one whose reload succeeded. Real time: Prometheus scrapes every second; every wait is
 * bounded (60 s). Skipped without a {@code prometheus} binary, failing instead when {@code CI} is
 * set.
 */
@Tag("prometheus")
class RealPrometheusAlertTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ALERT = "max_over_time(reloader_last_reload_successful[1m]) == 0";

  @TempDir Path tmp;

  @Test
  void alertExpression_firesAfterAFailedReload_andNotForASuccessfulOne() throws Exception {
    requirePrometheus();
    // given: an exporter with two watchers, each on its own directory
    PrometheusRegistry registry = new PrometheusRegistry();
    ReloaderMetrics reloader = ReloaderMetrics.register(registry);
    RecordingAction brokenAction = new RecordingAction().thenOutcomes(Outcome.FAIL);
    Path brokenDir = directory("broken");
    Path healthyDir = directory("healthy");
    try (ReloadWatcher broken = watcher(reloader, "broken", brokenDir, brokenAction);
        ReloadWatcher healthy = watcher(reloader, "healthy", healthyDir, new RecordingAction());
        HTTPServer exporter = HTTPServer.builder().hostname("127.0.0.1").port(0)
            .registry(registry).buildAndStart();
        PrometheusServer prometheus = PrometheusServer.builder()
            .workDirectory(Files.createDirectories(tmp.resolve("prometheus")))
            .scrapeInterval(Duration.ofSeconds(1))
            .addScrapeTarget("exporter", "127.0.0.1:" + exporter.getPort())
            .start()) {
      String metrics = get(URI.create("http://127.0.0.1:" + exporter.getPort() + "/metrics"));
      assertThat(metrics).contains("reloader_last_reload_successful{target=\"default\","
          + "watcher=\"broken\"} 1.0").contains("reloader_reloads_total{");

      // when: one watcher's reload fails, the other's succeeds
      Files.writeString(brokenDir.resolve("app.yml"), "v2");
      Files.writeString(healthyDir.resolve("app.yml"), "v2");
      await().atMost(WAIT).until(() -> broken.status().reloadsFailed() == 1
          && healthy.status().reloadsSucceeded() == 1);

      // then: the alert expression returns the failing watcher's series
      String firing = awaitQuery(prometheus, ALERT, json -> json.contains("\"watcher\":\"broken\""));
      assertThat(firing).contains("\"target\":\"default\"").contains("\"job\":\"exporter\"")
          .doesNotContain("\"watcher\":\"healthy\"");
      save("alert-firing.json", firing);
      save("metrics.txt", get(URI.create("http://127.0.0.1:" + exporter.getPort() + "/metrics")));

      // and not the successful one's, once Prometheus holds a minute's worth of its samples
      // that include the success (so "none" is not merely "no data")
      awaitQuery(prometheus, "reloader_reloads_total{watcher=\"healthy\"} >= 1"
          + " and count_over_time(reloader_last_reload_successful{watcher=\"healthy\"}[1m]) >= 3",
          json -> json.contains("\"watcher\":\"healthy\""));
      String healthyAlert = prometheus.query(
          "max_over_time(reloader_last_reload_successful{watcher=\"healthy\"}[1m]) == 0");
      assertThat(healthyAlert).contains("\"result\":[]");
      assertThat(prometheus.query(ALERT)).doesNotContain("\"watcher\":\"healthy\"");

      // when: the failing watcher recovers with new content
      Files.writeString(brokenDir.resolve("app.yml"), "v3");
      await().atMost(WAIT).until(() -> broken.status().reloadsSucceeded() == 1);

      // then: its series is 1 again in Prometheus, and the instant check is empty; the [1m]
      // window still holds the 0 for up to a minute, which is how the alert is meant to work
      awaitQuery(prometheus, "reloader_last_reload_successful{watcher=\"broken\"} == 1",
          json -> json.contains("\"watcher\":\"broken\""));
      String instant = prometheus.query("reloader_last_reload_successful == 0");
      assertThat(instant).contains("\"result\":[]");
      save("instant-after-recovery.json", instant);
    }
  }

  private static void requirePrometheus() {
    if (PrometheusServer.findBinary().isEmpty()) {
      String message = "no prometheus binary (apt-get install prometheus, or set "
          + PrometheusServer.BINARY_ENV + ")";
      if (System.getenv("CI") != null) {
        fail(message + ": CI is set, so this test may not be skipped");
      }
      assumeTrue(false, message);
    }
  }

  private Path directory(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("app.yml"), "v1");
    return dir;
  }

  private static ReloadWatcher watcher(ReloaderMetrics reloader, String name, Path dir,
      RecordingAction action) throws Exception {
    WatcherMetrics metrics = reloader.listener(name);
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(dir)
        .debounce(Duration.ofMillis(50))
        .retry(RetryPolicy.never()) // the failure stays until the content changes
        .addAction(action)
        .addListener(metrics)
        .build();
    metrics.track(watcher);
    watcher.start();
    return watcher;
  }

  private static String awaitQuery(PrometheusServer prometheus, String promql,
      java.util.function.Predicate<String> until) {
    String[] last = new String[1];
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      last[0] = prometheus.query(promql);
      assertThat(until).as("%s answered %s", promql, last[0]).accepts(last[0]);
    });
    return last[0];
  }

  private static String get(URI uri) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** Keeps what the test saw in target/real-prometheus/, for the record. */
  private static void save(String name, String text) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "real-prometheus"));
    Files.writeString(dir.resolve(name), text);
  }
}
