package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.prometheus.ReloaderMetrics;
import io.github.reloadwatch.prometheus.WatcherMetrics;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;

/**
 * The sidecar's registry: the watcher's metrics from watch-prometheus under the Thanos reloader's
 * names ({@code reloader_*}, {@code reloadwatch_*}, labelled {@code watcher="sidecar"} and, for
 * reloads, {@code target}), plus what only the sidecar has: {@code
 * reloadwatch_sidecar_build_info}, the circuit breaker state of HTTP targets ({@code
 * reloadwatch_http_circuit_state{target,state}}: 1 for the current state, 0 for the others), and
 * the Prometheus Java client's process and JVM metrics ({@code process_*}, {@code jvm_*}, set up
 * at the first scrape).
 * configmap-reload's names ({@link ConfigmapReloadMetrics}) and the Kubernetes sources' join the
 * same registry.
 *
 * <p>Alerts written for the Thanos reloader keep working: {@code
 * max_over_time(reloader_last_reload_successful[5m]) == 0} fires per failing target, and {@code
 * sum without (target, watcher) (...)} gives the old series. Thread-safe.
 */
final class SidecarMetrics {

  /** The {@code watcher} label of the sidecar's one watcher. */
  static final String WATCHER = "sidecar";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final WatcherMetrics watcher;

  SidecarMetrics() {
    watcher = ReloaderMetrics.register(registry).listener(WATCHER);
    Info.builder().name("reloadwatch_sidecar_build_info")
        .help("The sidecar's version and Java runtime, always 1")
        .labelNames("version", "java_version")
        .register(registry)
        .setLabelValues(Conversions.version(), Runtime.version().toString());
    registry.register(new RuntimeMetrics());
  }

  /**
   * The Prometheus Java client's {@code process_*} (as the Go peers export) and JVM memory
   * metrics (heap and non-heap, for the memory limit), set up at the first scrape: their MXBeans
   * cost 20 ms of start-up, before {@code /readyz}, for series nobody reads until then.
   */
  private static final class RuntimeMetrics implements MultiCollector {
    private volatile PrometheusRegistry runtime;

    @Override
    public MetricSnapshots collect() {
      PrometheusRegistry r = runtime;
      if (r == null) {
        synchronized (this) {
          r = runtime;
          if (r == null) {
            r = new PrometheusRegistry();
            ProcessMetrics.builder().register(r);
            JvmMemoryMetrics.builder().register(r);
            runtime = r;
          }
        }
      }
      return r.scrape();
    }
  }

  /** The listener to add to the watcher: it times reloads; {@link #track} does the rest. */
  WatcherMetrics listener() {
    return watcher;
  }

  /** Reads the watcher's status at every scrape from now on. */
  void track(ReloadWatcher built) {
    watcher.track(built);
  }

  /** Exports the circuit breaker state of the HTTP targets, if there are any. */
  void registerTargets(List<TargetAction> targets) {
    List<TargetAction> http = targets.stream().filter(TargetAction::http).toList();
    if (!http.isEmpty()) {
      HttpTargets.registerCircuitGauge(registry, http);
    }
  }

  /** Returns the registry to expose, holding every metric of the sidecar. */
  PrometheusRegistry registry() {
    return registry;
  }
}
