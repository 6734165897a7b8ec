/**
 * Metrics of reloadwatch watchers for the Prometheus Java client 1.x: {@link
 * io.github.reloadwatch.prometheus.ReloaderMetrics} registers them in a {@code PrometheusRegistry}
 * under the Thanos reloader's names, and {@link io.github.reloadwatch.prometheus.WatcherMetrics}
 * is one watcher's listener and status reader.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.prometheus;
