package io.github.reloadwatch.prometheus;

import static io.github.reloadwatch.prometheus.Exposition.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.Snapshot;
import io.github.reloadwatch.testing.RecordingAction;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of {@link ReloaderMetrics} and {@link WatcherMetrics}, without threads or files. */
class ReloaderMetricsTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ReloaderMetrics metrics = ReloaderMetrics.register(registry);

  private static ReloadEvent event(String target) {
    return new ReloadEvent(ReloadReason.CHANGE, List.of(), 1, Snapshot.empty(), Instant.EPOCH,
        target);
  }

  private static ReloadWatcher watcher() {
    return ReloadWatcher.builder().addPath(Path.of("/nonexistent/config"))
        .addAction(new RecordingAction()).build();
  }

  @Test
  void register_null() {
    assertThatThrownBy(() -> ReloaderMetrics.register(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("registry");
  }

  @Test
  void register_twiceInOneRegistry() {
    assertThatThrownBy(() -> ReloaderMetrics.register(registry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reloader_");
  }

  @Test
  void listener_blank() {
    assertThatThrownBy(() -> metrics.listener(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("watcherName");
  }

  @Test
  void listener_nameInUse() {
    metrics.listener("app");
    assertThatThrownBy(() -> metrics.listener("app"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(app) is already used");
  }

  @Test
  void listener_nameFreeAgainAfterClose() {
    WatcherMetrics first = metrics.listener("app");
    first.close();
    first.close(); // idempotent
    assertThat(metrics.listener("app")).isNotSameAs(first);
  }

  @Test
  void track_anotherWatcher() {
    WatcherMetrics app = metrics.listener("app");
    ReloadWatcher one = watcher();
    app.track(one).track(one); // the same again: nothing happens
    assertThatThrownBy(() -> app.track(watcher()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already track");
  }

  @Test
  void track_afterClose() {
    WatcherMetrics app = metrics.listener("app");
    app.close();
    assertThatThrownBy(() -> app.track(watcher()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void untracked_reportsDurationsOnly() {
    WatcherMetrics app = metrics.listener("app");
    app.onReloaded(event("default"), Duration.ofMillis(30));

    Exposition scraped = Exposition.of(registry);

    assertThat(scraped.value(target("reloadwatch_reload_duration_seconds_count", "app",
        "default"))).isEqualTo(1);
    assertThat(scraped.value(target("reloadwatch_reload_duration_seconds_bucket", "app",
        "default").replace("}", ",le=\"0.025\"}"))).isZero();
    assertThat(scraped.value(target("reloadwatch_reload_duration_seconds_bucket", "app",
        "default").replace("}", ",le=\"0.05\"}"))).isEqualTo(1);
    assertThat(scraped.text()).doesNotContain("reloader_reloads_total");
  }

  @Test
  void trackedButNotStarted_reportsTheWatcherButNoTargetsYet() {
    metrics.listener("app").track(watcher());

    Exposition scraped = Exposition.of(registry);

    assertThat(scraped.value("reloader_watches{watcher=\"app\"}")).isEqualTo(1);
    assertThat(scraped.value("reloadwatch_problem{condition=\"PATH_MISSING\",watcher=\"app\"}"))
        .isZero();
    assertThat(scraped.text()).doesNotContain("reloader_reloads_total{");
  }

  @Test
  void close_removesTheWatchersSeries() {
    WatcherMetrics app = metrics.listener("app").track(watcher());
    metrics.listener("other").track(watcher());
    app.onReloaded(event("default"), Duration.ofMillis(1));

    app.close();
    app.onReloaded(event("default"), Duration.ofMillis(1)); // ignored after close

    Exposition scraped = Exposition.of(registry);
    assertThat(scraped.text()).doesNotContain("watcher=\"app\"").contains("watcher=\"other\"");
  }

  @Test
  void onReloaded_neverThrows() {
    WatcherMetrics app = metrics.listener("app");
    assertThatCode(() -> app.onReloaded(event("default"), Duration.ofMillis(-5)))
        .doesNotThrowAnyException();
    assertThat(Exposition.of(registry).value(
        target("reloadwatch_reload_duration_seconds_sum", "app", "default"))).isZero();
  }

  @Test
  void help_andTypes_asPrometheusExpectsThem() {
    metrics.listener("app").track(watcher());
    metrics.listener("app2").onReloaded(event("default"), Duration.ofMillis(1));

    String text = Exposition.of(registry).text();

    assertThat(text)
        .contains("# TYPE reloader_watches gauge")
        .contains("# TYPE reloadwatch_problem gauge")
        .contains("# TYPE reloadwatch_reload_duration_seconds histogram")
        .contains("# TYPE reloader_watch_events_total counter");
  }
}
