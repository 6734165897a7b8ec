/**
 * Micrometer meters for reloadwatch watchers: {@link
 * io.github.reloadwatch.micrometer.ReloadWatcherMetrics}, a {@code MeterBinder} and {@code
 * ReloadListener} whose names PrometheusMeterRegistry renders as the Thanos reloader's.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.micrometer;
