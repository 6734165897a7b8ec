/**
 * HTTP reload actions for reloadwatch.
 *
 * <ul>
 *   <li>{@link io.github.reloadwatch.http.HttpReloadAction} (and its {@link
 *       io.github.reloadwatch.http.HttpReloadAction.Builder Builder}) calls a reload endpoint with
 *       timeouts, TLS, credentials read from files, outcome classification and a circuit breaker;
 *   <li>{@link io.github.reloadwatch.http.PrometheusReload} and {@link
 *       io.github.reloadwatch.http.AlertmanagerReload} are presets that know their server's
 *       endpoint, rejections and hints, and can verify that the reload took effect;
 *   <li>{@link io.github.reloadwatch.http.HttpReloadException} is a failed attempt, with its
 *       {@link io.github.reloadwatch.http.HttpReloadException.Kind Kind}, status code and {@code
 *       Retry-After} hint;
 *   <li>{@link io.github.reloadwatch.http.CircuitOpenException} is an attempt that was not made
 *       because the circuit breaker is open, and {@link io.github.reloadwatch.http.CircuitState}
 *       the breaker's state, for a metric.
 * </ul>
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.http;
