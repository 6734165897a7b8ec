package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.kubernetes.MaterializerStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.function.Supplier;

/**
 * The metrics of the {@code --from-*} objects, each labelled {@code kind} ({@code configmap} or
 * {@code secret}), {@code namespace} and {@code name}, read from the materializers' statuses at
 * every scrape. Never a value of the object:
 *
 * <ul>
 *   <li>{@code reloadwatch_kubernetes_last_api_contact_timestamp_seconds}: Unix time the API last
 *       answered for the object (its watch or a GET); alert on {@code time() - ... > 300};
 *   <li>{@code reloadwatch_kubernetes_materialized_info}: 1, with the {@code resource_version}
 *       whose files are in the directory;
 *   <li>{@code reloadwatch_kubernetes_writes_total}: versions written since start;
 *   <li>{@code reloadwatch_kubernetes_drift_repairs_total}: times the anti-entropy GET found the
 *       directory out of date (a missed update or delete) and repaired it;
 *   <li>{@code reloadwatch_kubernetes_healthy}: 1 while the watch is open and not silent, else 0.
 * </ul>
 *
 * Thread-safe.
 */
final class KubernetesMetrics {

  static final String[] LABELS = {"kind", "namespace", "name"};

  private KubernetesMetrics() {}

  /**
   * The labels of an object, from {@link MaterializerStatus#source()} ({@code configmap
   * prod/app}; {@code configmap app} before its namespace is resolved).
   */
  record ObjectLabels(String kind, String namespace, String name) {
    static ObjectLabels of(MaterializerStatus status) {
      return new ObjectLabels(status.kind(), status.namespace().orElse(""), status.name());
    }

    String[] values() {
      return new String[] {kind, namespace, name};
    }
  }

  static void register(PrometheusRegistry registry, Supplier<List<MaterializerStatus>> statuses) {
    GaugeWithCallback.builder()
        .name("reloadwatch_kubernetes_last_api_contact_timestamp_seconds")
        .help("Unix time the Kubernetes API last answered for the object (watch or GET)")
        .labelNames(LABELS)
        .callback(callback -> statuses.get().forEach(s -> s.lastApiContact().ifPresent(at ->
            callback.call(at.toEpochMilli() / 1000.0, ObjectLabels.of(s).values()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("reloadwatch_kubernetes_healthy")
        .help("1 while the object's watch is open and not silent, else 0 (see /healthz)")
        .labelNames(LABELS)
        .callback(callback -> statuses.get().forEach(
            s -> callback.call(s.healthy() ? 1 : 0, ObjectLabels.of(s).values())))
        .register(registry);
    CounterWithCallback.builder()
        .name("reloadwatch_kubernetes_writes_total")
        .help("Versions of the object written into its directory since start")
        .labelNames(LABELS)
        .callback(callback -> statuses.get().forEach(
            s -> callback.call(s.writes(), ObjectLabels.of(s).values())))
        .register(registry);
    CounterWithCallback.builder()
        .name("reloadwatch_kubernetes_drift_repairs_total")
        .help("Times the anti-entropy GET found the directory out of date and repaired it")
        .labelNames(LABELS)
        .callback(callback -> statuses.get().forEach(
            s -> callback.call(s.driftRepairs(), ObjectLabels.of(s).values())))
        .register(registry);
    registry.register(new Collector() {
      @Override
      public MetricSnapshot collect() {
        InfoSnapshot.Builder info = InfoSnapshot.builder()
            .name("reloadwatch_kubernetes_materialized")
            .help("The resource version of the object whose files are in the directory, always 1");
        for (MaterializerStatus s : statuses.get()) {
          s.resourceVersion().ifPresent(rv -> {
            ObjectLabels l = ObjectLabels.of(s);
            info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                .labels(io.prometheus.metrics.model.snapshots.Labels.of(
                    "kind", l.kind(), "namespace", l.namespace(), "name", l.name(),
                    "resource_version", rv))
                .build());
          });
        }
        return info.build();
      }
    });
  }
}
