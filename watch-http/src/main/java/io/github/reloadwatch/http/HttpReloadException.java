package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadFailedException;
import java.time.Duration;
import java.util.Objects;

/**
 * A failed HTTP reload attempt: what kind of failure, the status code if a response came, and a
 * bounded excerpt of the response body in the message. Never contains credentials.
 *
 * <pre>{@code
 * watcher = ReloadWatcher.builder()
 *     .addPath(configDir)
 *     .addAction(PrometheusReload.at(prometheus).build())
 *     .listener(new ReloadListener() {
 *       public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
 *         if (error instanceof HttpReloadException e
 *             && e.kind() == HttpReloadException.Kind.MISCONFIGURATION) {
 *           alerts.raise("reload endpoint misconfigured: " + e.getMessage());
 *         }
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Only {@link HttpReloadAction} creates these. {@link Kind#REJECTED} failures always reach the
 * watcher wrapped in a {@link io.github.reloadwatch.ReloadRejectedException}, so they are not
 * retried until the content changes. A {@link Kind#TRANSIENT} failure whose {@link
 * #targetUnavailable()} is true found the target not there yet (connection refused or reset
 * before any response, unknown host, not ready): it cost the target nothing, so the watcher retries
 * it every {@link io.github.reloadwatch.RetryPolicy#unavailableInterval()} for as long as it
 * lasts. The other failures are retried with exponential backoff, no sooner than {@link
 * #retryAfter()}. An attempt that was not made because the circuit breaker is open fails with a
 * {@link CircuitOpenException} instead.
 *
 * <p>Instances are immutable.
 *
 * @since 0.1.0
 */
public final class HttpReloadException extends ReloadFailedException {

  private static final long serialVersionUID = 1L;

  /** The outcome of a verification that could not confirm the reload. */
  static final String NOT_CONFIRMED = "not confirmed";

  /** How the watcher should treat a failure. */
  public enum Kind {
    /**
     * May pass by itself: connection refused or reset, unknown host, not ready (these with {@link
     * #targetUnavailable()} true), timeouts, 408, 429, 5xx.
     */
    TRANSIENT,
    /** The target refused the content, such as Prometheus answering 500 to a reload. */
    REJECTED,
    /**
     * The request itself is wrong: lifecycle API disabled, credentials refused, wrong URL or
     * method, TLS trust. Retried with backoff, since fixing the target heals it without a change.
     */
    MISCONFIGURATION
  }

  private final Kind kind;
  private final int statusCode;
  /** A short outcome for the attempt's log line, such as "503" or "connection refused". */
  private final String outcome;
  /** False if the attempt failed before a request was sent (credential or TLS files). */
  private final boolean requestSent;

  private HttpReloadException(String message, Kind kind, int statusCode, Throwable cause,
      Duration retryAfter, String outcome, boolean requestSent, boolean targetUnavailable) {
    super(message, cause, retryAfter, targetUnavailable);
    this.kind = Objects.requireNonNull(kind, "kind cannot be null");
    if (statusCode != 0 && (statusCode < 100 || statusCode > 599)) {
      throw new IllegalArgumentException("statusCode (" + statusCode + ") must be 0 or 100-599");
    }
    this.statusCode = statusCode;
    this.outcome = outcome;
    this.requestSent = requestSent;
  }

  /** A failure read from a response's status; {@code retryAfter} may be null. */
  static HttpReloadException answered(
      Kind kind, String message, int statusCode, Duration retryAfter) {
    return new HttpReloadException(message, kind, statusCode, null, retryAfter,
        String.valueOf(statusCode), true, false);
  }

  /**
   * The target is not ready yet: its readiness endpoint did not answer 200. {@code statusCode} is
   * the reload request's status (a 503), or 0 if the reload was not sent.
   */
  static HttpReloadException notReady(String message, int statusCode, String outcome) {
    return new HttpReloadException(message, Kind.TRANSIENT, statusCode, null, null, outcome,
        statusCode != 0, true);
  }

  /** A request that was sent but got no usable response: timeout, TLS, abort, broken response. */
  static HttpReloadException noResponse(
      Kind kind, String message, Throwable cause, String outcome) {
    return new HttpReloadException(message, kind, 0, cause, null, outcome, true, false);
  }

  /** The target is not there: connection refused or reset before any response, unknown host. */
  static HttpReloadException unavailable(String message, Throwable cause, String outcome) {
    return new HttpReloadException(message, Kind.TRANSIENT, 0, cause, null, outcome, true, true);
  }

  /** A failure before any request was sent: an unusable credential or TLS file. */
  static HttpReloadException notSent(String message, Throwable cause, String outcome) {
    return new HttpReloadException(message, Kind.MISCONFIGURATION, 0, cause, null, outcome, false,
        false);
  }

  /** A verification that could not confirm that the target loaded its configuration. */
  static HttpReloadException notConfirmed(String message) {
    return new HttpReloadException("reload not confirmed: " + message, Kind.TRANSIENT, 0, null,
        null, NOT_CONFIRMED, true, false);
  }

  /**
   * Returns how the watcher should treat this failure.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the HTTP status code of the reload request, or 0 if no response was received.
   *
   * @return the status code
   */
  public int statusCode() {
    return statusCode;
  }

  String outcome() {
    return outcome;
  }

  boolean requestSent() {
    return requestSent;
  }
}
