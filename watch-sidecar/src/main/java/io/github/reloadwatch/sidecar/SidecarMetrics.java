package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.http.CircuitState;
import io.github.reloadwatch.prometheus.ReloaderMetrics;
import io.github.reloadwatch.prometheus.WatcherMetrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;

/**
 * The sidecar's registry: the watcher's metrics from watch-prometheus under the Thanos reloader's
 * names ({@code reloader_*}, {@code reloadwatch_*}, labelled {@code watcher="sidecar"} and, for
 * reloads, {@code target}), plus what only the sidecar has: {@code
 * reloadwatch_sidecar_build_info}, the circuit breaker state of HTTP targets ({@code
 * reloadwatch_http_circuit_state{target,state}}: 1 for the current state, 0 for the others), and
 * the Prometheus Java client's process and JVM metrics ({@code process_*}, {@code jvm_*}).
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
        .setLabelValues(Conversions.Version.version(), Runtime.version().toString());
    ProcessMetrics.builder().register(registry); // process_*, as the Go peers export
    JvmMemoryMetrics.builder().register(registry); // heap and non-heap, for the memory limit
  }

  /** The listener to add to the watcher: it times reloads; {@link #track} does the rest. */
  WatcherMetrics listener() {
    return watcher;
  }

  /** Reads the watcher's status at every scrape from now on. */
  void track(ReloadWatcher built) {
    watcher.track(built);
  }

  /** Exports the circuit breaker state of the HTTP targets. */
  void registerTargets(List<TargetAction> targets) {
    List<TargetAction> http = targets.stream().filter(t -> t.circuitState().isPresent()).toList();
    if (http.isEmpty()) {
      return;
    }
    GaugeWithCallback.builder().name("reloadwatch_http_circuit_state")
        .help("1 for the HTTP target's circuit breaker state now, 0 for the others")
        .labelNames("target", "state")
        .callback(callback -> {
          for (TargetAction t : http) {
            CircuitState now = t.circuitState().orElseThrow();
            for (CircuitState state : CircuitState.values()) {
              callback.call(state == now ? 1 : 0, t.name(), state.name().toLowerCase(Locale.ROOT));
            }
          }
        })
        .register(registry);
  }

  /** Returns the registry to expose, holding every metric of the sidecar. */
  PrometheusRegistry registry() {
    return registry;
  }
}
