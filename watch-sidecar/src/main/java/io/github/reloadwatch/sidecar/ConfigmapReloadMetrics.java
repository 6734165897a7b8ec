package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * configmap-reload's metrics, with its names and labels, next to reloadwatch's own, so its
 * dashboards and alerts keep working: per target ({@code webhook}, the URL without credentials
 * and with query values replaced; {@code signal:...} or {@code command:...} for other targets)
 * {@code configmap_reload_last_reload_error}, {@code configmap_reload_last_request_duration_seconds},
 * {@code configmap_reload_success_reloads_total}, {@code configmap_reload_request_errors_total}
 * (with {@code reason}), {@code configmap_reload_requests_total} (with {@code status_code}), and
 * {@code configmap_reload_watcher_errors_total}. Thread-safe.
 */
final class ConfigmapReloadMetrics implements ReloadListener {

  private final Gauge lastReloadError;
  private final Gauge requestDuration;
  private final Counter successReloads;
  private final Counter requestErrors;
  private final Counter watcherErrors;
  private final Counter requests;

  ConfigmapReloadMetrics(PrometheusRegistry registry) {
    lastReloadError = Gauge.builder().name("configmap_reload_last_reload_error")
        .help("Whether the last reload resulted in an error (1 for error, 0 for success)")
        .labelNames("webhook").register(registry);
    requestDuration = Gauge.builder().name("configmap_reload_last_request_duration_seconds")
        .help("Duration of last webhook request").labelNames("webhook").register(registry);
    successReloads = Counter.builder().name("configmap_reload_success_reloads_total")
        .help("Total success reload calls").labelNames("webhook").register(registry);
    requestErrors = Counter.builder().name("configmap_reload_request_errors_total")
        .help("Total request errors by reason").labelNames("webhook", "reason").register(registry);
    watcherErrors = Counter.builder().name("configmap_reload_watcher_errors_total")
        .help("Total filesystem watcher errors").register(registry);
    requests = Counter.builder().name("configmap_reload_requests_total")
        .help("Total requests by response status code").labelNames("webhook", "status_code")
        .register(registry);
  }

  /** Registers a target so its series exist (at 0) before its first reload. */
  void register(String target) {
    lastReloadError.labelValues(target).set(0);
    successReloads.labelValues(target);
  }

  /**
   * Records a successful call.
   *
   * @param status the status the target answered with, or null when not HTTP or not known
   */
  void succeeded(String target, String status, Duration took) {
    if (status != null) {
      requests.labelValues(target, status).inc();
    }
    requestDuration.labelValues(target).set(took.toNanos() / 1e9);
    successReloads.labelValues(target).inc();
    lastReloadError.labelValues(target).set(0);
  }

  /**
   * Records a failed or rejected call, with configmap-reload's reasons.
   *
   * @param http whether the target is an HTTP one, whose status code is then counted
   */
  void failed(String target, Throwable error, boolean http) {
    String reason = "client_request_do";
    Optional<Integer> status = http ? HttpTargets.statusCode(error) : Optional.empty();
    if (status.isPresent()) {
      requests.labelValues(target, Integer.toString(status.get())).inc();
      reason = "client_response";
    }
    requestErrors.labelValues(target, reason).inc();
    lastReloadError.labelValues(target).set(1);
  }

  @Override
  public void onWatchError(Exception error) {
    watcherErrors.inc();
  }

  @Override
  public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
    if (retryIn.isZero()) {
      requestErrors.labelValues(event.target(), "retries_exhausted").inc();
    }
  }
}
