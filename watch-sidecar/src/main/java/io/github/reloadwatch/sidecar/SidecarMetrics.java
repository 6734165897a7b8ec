package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.Snapshot;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns watcher outcomes into Prometheus metrics with the names existing alerts use (the Thanos
 * reloader's {@code reloader_*}), plus reloadwatch's own. Thread-safe.
 */
public final class SidecarMetrics implements ReloadListener {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Clock clock;
  private final Counter reloads;
  private final Counter reloadsFailed;
  private final Counter reloadsRejected;
  private final Counter skipped;
  private final Gauge lastSuccessful;
  private final Gauge lastSuccessTimestamp;
  private final Counter watchEvents;
  private final Counter watchErrors;
  private final Gauge watches;
  private final Histogram duration;

  /**
   * Creates the metrics.
   *
   * @param watchedPaths how many paths are watched, for {@code reloader_watches}
   * @param clock the clock for the last success timestamp
   */
  public SidecarMetrics(int watchedPaths, Clock clock) {
    this.clock = clock;
    reloads = Counter.builder().name("reloader_reloads_total")
        .help("Reload attempts, successful or not").register(registry);
    reloadsFailed = Counter.builder().name("reloader_reloads_failed_total")
        .help("Reload attempts that failed or were rejected").register(registry);
    reloadsRejected = Counter.builder().name("reloadwatch_reloads_rejected_total")
        .help("Reload attempts the target rejected as invalid content").register(registry);
    skipped = Counter.builder().name("reloadwatch_changes_skipped_unchanged_total")
        .help("Changes skipped because the content equalled the applied one").register(registry);
    lastSuccessful = Gauge.builder().name("reloader_last_reload_successful")
        .help("1 if the last reload attempt succeeded, 0 otherwise").register(registry);
    lastSuccessTimestamp = Gauge.builder().name("reloader_last_reload_success_timestamp_seconds")
        .help("Unix time of the last successful reload").register(registry);
    watchEvents = Counter.builder().name("reloader_watch_events_total")
        .help("File system events received").register(registry);
    watchErrors = Counter.builder().name("reloader_watch_errors_total")
        .help("Watch errors: lost directories, dropped events, unreadable files").register(registry);
    watches = Gauge.builder().name("reloader_watches")
        .help("Paths being watched").register(registry);
    duration = Histogram.builder().name("reloadwatch_reload_duration_seconds")
        .help("How long successful reloads took")
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
        .register(registry);
    watches.set(watchedPaths);
    lastSuccessful.set(1); // nothing has failed yet; the initial content is taken as applied
  }

  /**
   * Returns the registry to expose.
   *
   * @return the registry holding every metric
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void onWatchEvent() {
    watchEvents.inc();
  }

  @Override
  public void onWatchError(Exception error) {
    watchErrors.inc();
  }

  @Override
  public void onSkipped(Snapshot snapshot) {
    skipped.inc();
  }

  @Override
  public void onReloaded(ReloadEvent event, Duration took) {
    reloads.inc();
    lastSuccessful.set(1);
    lastSuccessTimestamp.set(clock.millis() / 1000.0);
    duration.observe(took.toNanos() / 1e9);
  }

  @Override
  public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
    reloads.inc();
    reloadsFailed.inc();
    lastSuccessful.set(0);
  }

  @Override
  public void onRejected(ReloadEvent event, ReloadRejectedException error) {
    reloads.inc();
    reloadsFailed.inc();
    reloadsRejected.inc();
    lastSuccessful.set(0);
  }
}
