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
 * <h2>What an attempt's outcome means</h2>
 *
 * <p>Each {@link HttpReloadAction#reload} call is one attempt; the watcher owns retries.
 *
 * <table class="striped">
 *   <caption>What an attempt's outcome means</caption>
 *   <thead>
 *     <tr><th>outcome</th><th>thrown</th><th>the watcher</th><th>circuit breaker</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><td>the expected status (any 2xx by default), verified if asked</td><td>nothing</td>
 *         <td>done</td><td>closes</td></tr>
 *     <tr><td>connection refused, reset or closed before any response; unknown host (a
 *         Service not created yet); no route; a preset's readiness endpoint answering 502 or 503
 *         (starting up)</td>
 *         <td>{@link HttpReloadException}, {@linkplain HttpReloadException.Kind#TRANSIENT
 *         transient}, {@link HttpReloadException#targetUnavailable() targetUnavailable()}
 *         true</td>
 *         <td>retries every {@link io.github.reloadwatch.RetryPolicy#unavailableInterval()}
 *         (1 s, jittered) while it lasts</td><td>not counted</td></tr>
 *     <tr><td>timeouts (connect, response, attempt), 408, 429, 502, 503, 504, a response
 *         broken off midway</td>
 *         <td>{@link HttpReloadException}, transient; {@code Retry-After} (408, 429, 502-504)
 *         as its {@linkplain HttpReloadException#retryAfter() hint}</td>
 *         <td>exponential backoff, no sooner than the hint</td><td>counted</td></tr>
 *     <tr><td>500 and other 5xx outside the reject statuses (a plain action at Prometheus gets
 *         500 for a bad config); a verification that cannot confirm the reload</td>
 *         <td>{@link HttpReloadException}, transient</td><td>exponential backoff</td>
 *         <td>closes (it answered)</td></tr>
 *     <tr><td>a status listed by {@link HttpReloadAction.Builder#rejectStatus(int...)} (500 for the Prometheus
 *         and Alertmanager presets): the target refused the content</td>
 *         <td>{@link io.github.reloadwatch.ReloadRejectedException} (cause: {@link HttpReloadException})</td>
 *         <td>not retried until the content changes</td><td>closes</td></tr>
 *     <tr><td>401, 403, 404, 405, other 4xx, redirects, TLS failures</td>
 *         <td>{@link HttpReloadException}, {@linkplain
 *         HttpReloadException.Kind#MISCONFIGURATION misconfiguration}: the message says what to
 *         fix</td>
 *         <td>backoff, so fixing the target (such as restarting Prometheus with {@code
 *         --web.enable-lifecycle}) heals without a content change</td><td>closes</td></tr>
 *     <tr><td>an unreadable credential or TLS file: nothing sent</td>
 *         <td>{@link HttpReloadException}, misconfiguration</td><td>backoff</td>
 *         <td>not counted</td></tr>
 *     <tr><td>a retry while the circuit breaker is open: nothing sent</td>
 *         <td>{@link CircuitOpenException}, its hint the time left</td>
 *         <td>backoff, no sooner than the hint</td><td>stays open</td></tr>
 *   </tbody>
 * </table>
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.http;
