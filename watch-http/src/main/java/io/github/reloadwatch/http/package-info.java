/**
 * HTTP reload actions for reloadwatch: {@link io.github.reloadwatch.http.HttpReloadAction} calls a
 * reload endpoint with timeouts, TLS, credentials read from files, outcome classification and a
 * circuit breaker; {@link io.github.reloadwatch.http.PrometheusReload} and {@link
 * io.github.reloadwatch.http.AlertmanagerReload} are presets that can also verify the reload took
 * effect.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.http;
