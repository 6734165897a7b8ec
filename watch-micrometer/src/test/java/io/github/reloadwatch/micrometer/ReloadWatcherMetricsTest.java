package io.github.reloadwatch.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.Snapshot;
import io.github.reloadwatch.testing.RecordingAction;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract of {@link ReloadWatcherMetrics}, and the names Prometheus sees. */
class ReloadWatcherMetricsTest {

  @TempDir Path tmp;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static ReloadEvent event(String target) {
    return new ReloadEvent(ReloadReason.CHANGE, List.of(), 1, Snapshot.empty(), Instant.EPOCH,
        target);
  }

  private static ReloadWatcher watcher(Path dir, ReloadWatcherMetrics metrics) {
    return ReloadWatcher.builder().addPath(dir).debounce(Duration.ofMillis(50))
        .addAction(new RecordingAction()).addListener(metrics).build();
  }

  @Test
  void constructor_blankName() {
    assertThatThrownBy(() -> new ReloadWatcherMetrics(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("watcherName");
  }

  @Test
  void constructor_reservedTag() {
    assertThatThrownBy(() -> new ReloadWatcherMetrics("app", Tags.of("target", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extraTags (target)");
  }

  @Test
  void track_anotherWatcher() {
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app");
    ReloadWatcher one = watcher(tmp, metrics);
    metrics.track(one).track(one);
    assertThatThrownBy(() -> metrics.track(watcher(tmp, metrics)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already track");
  }

  @Test
  void bindTo_sameWatcherNameTwiceInOneRegistry() {
    ReloadWatcherMetrics first = new ReloadWatcherMetrics("x");
    first.track(watcher(tmp, first)).bindTo(registry);
    ReloadWatcherMetrics second = new ReloadWatcherMetrics("x");
    second.track(watcher(tmp, second));
    assertThatThrownBy(() -> second.bindTo(registry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named x");
  }

  @Test
  void bindTo_isIdempotent_andCloseRemovesEveryMeter() {
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app");
    metrics.track(watcher(tmp, metrics));
    metrics.bindTo(registry);
    metrics.bindTo(registry);
    metrics.onReloaded(event("default"), Duration.ofMillis(3));
    assertThat(registry.getMeters()).isNotEmpty();

    metrics.close();
    metrics.close();

    assertThat(registry.getMeters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(registry))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    // the name can be bound again, for a replacement watcher
    ReloadWatcherMetrics replacement = new ReloadWatcherMetrics("app");
    replacement.track(watcher(tmp, replacement)).bindTo(registry);
    assertThat(registry.get(MeterNames.WATCHES).tag("watcher", "app").gauge().value()).isOne();
  }

  @Test
  void listener_neverThrows_andTimesSuccessfulReloads() {
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app");
    metrics.bindTo(registry);
    assertThatCode(() -> {
      metrics.onReloaded(event("default"), Duration.ofMillis(-1));
      metrics.onReloaded(event("default"), Duration.ofMillis(40));
      metrics.onWatchEvent();
      metrics.onWatchError(new java.io.IOException("x"));
    }).doesNotThrowAnyException();
    assertThat(registry.get(MeterNames.DURATION).tags("target", "default").timer().count())
        .isEqualTo(2); // the negative one as 0 (Micrometer would refuse it)
  }

  @Tag("filesystem")
  @Test
  void trackedBeforeStart_registersTheTargetsMeters_withTheFirstEvent() throws Exception {
    // given
    Path dir = Files.createDirectories(tmp.resolve("c"));
    Files.writeString(dir.resolve("a"), "1");
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app");
    try (ReloadWatcher watcher = watcher(dir, metrics)) {
      metrics.track(watcher).bindTo(registry);
      assertThat(registry.find(MeterNames.RELOADS).meter()).isNull(); // targets not known yet
      watcher.start();

      // when
      Files.writeString(dir.resolve("a"), "2");

      // then
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(registry
          .get(MeterNames.RELOADS).tags("target", "default").functionCounter().count()).isOne());
    }
  }

  @Test
  void prometheusRegistry_rendersTheReloaderNames() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app");
    metrics.track(watcher(tmp, metrics)).bindTo(prometheus);
    metrics.onReloaded(event("default"), Duration.ofMillis(20)); // the timer and its target

    String text = prometheus.scrape();

    assertThat(text)
        .contains("# TYPE reloadwatch_reload_duration_seconds histogram")
        .contains("reloadwatch_reload_duration_seconds_bucket{target=\"default\",watcher=\"app\","
            + "le=\"0.025\"} 1")
        .contains("reloader_watches{watcher=\"app\"} 1.0")
        .contains("reloader_watch_events_total{watcher=\"app\"}")
        .contains("reloader_watch_errors_total{watcher=\"app\"}")
        .contains("reloadwatch_changes_skipped_unchanged_total{watcher=\"app\"}")
        .contains("reloadwatch_problem{condition=\"PATH_MISSING\",watcher=\"app\"} 0.0");
  }

  @Tag("filesystem")
  @Test
  void prometheusRegistry_rendersThePerTargetReloaderNames_thatTheAlertUses() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Path dir = Files.createDirectories(tmp.resolve("p"));
    Files.writeString(dir.resolve("a"), "1");
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app");
    try (ReloadWatcher watcher = watcher(dir, metrics)) {
      watcher.start();
      metrics.track(watcher).bindTo(prometheus);

      String text = prometheus.scrape();

      String labels = "{target=\"default\",watcher=\"app\"}";
      assertThat(text)
          .contains("reloader_reloads_total" + labels + " 0.0")
          .contains("reloader_reloads_failed_total" + labels + " 0.0")
          .contains("reloadwatch_reloads_rejected_total" + labels + " 0.0")
          .contains("reloader_last_reload_successful" + labels + " 1.0")
          .contains("reloader_last_reload_success_timestamp_seconds" + labels + " 0.0")
          .contains("reloadwatch_reload_duration_seconds_count" + labels + " 0");
    }
  }
}
