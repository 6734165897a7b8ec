package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadFailedException;
import java.time.Duration;
import java.util.Locale;
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
 * <p>{@link Kind#REJECTED} failures reach the watcher wrapped in a {@link
 * io.github.reloadwatch.ReloadRejectedException}, so they are not retried until the content
 * changes; the other kinds are retried with backoff, no sooner than {@link #retryAfter()}.
 *
 * <p>Instances are immutable.
 *
 * @since 0.1.0
 */
public class HttpReloadException extends ReloadFailedException {

  private static final long serialVersionUID = 1L;

  /** How the watcher should treat a failure. */
  public enum Kind {
    /** May pass by itself: connection refused or reset, timeouts, 429, 502, 503, 504. */
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

  /**
   * Creates an exception.
   *
   * @param message what failed and what to do; must not contain secrets
   * @param kind how the watcher should treat it
   * @param statusCode the HTTP status, or 0 if no response was received
   * @param cause the underlying exception, or null
   * @param retryAfter the least time before the next attempt, or null
   * @throws NullPointerException if {@code kind} is null
   * @throws IllegalArgumentException if {@code statusCode} is neither 0 nor 100-599, or {@code
   *     retryAfter} is negative
   */
  public HttpReloadException(
      String message, Kind kind, int statusCode, Throwable cause, Duration retryAfter) {
    this(message, kind, statusCode, cause, retryAfter,
        statusCode > 0 ? String.valueOf(statusCode) : kind.name().toLowerCase(Locale.ROOT),
        true);
  }

  HttpReloadException(String message, Kind kind, int statusCode, Throwable cause,
      Duration retryAfter, String outcome) {
    this(message, kind, statusCode, cause, retryAfter, outcome, true);
  }

  HttpReloadException(String message, Kind kind, int statusCode, Throwable cause,
      Duration retryAfter, String outcome, boolean requestSent) {
    super(message, cause, retryAfter);
    this.kind = Objects.requireNonNull(kind, "kind cannot be null");
    if (statusCode != 0 && (statusCode < 100 || statusCode > 599)) {
      throw new IllegalArgumentException("statusCode (" + statusCode + ") must be 0 or 100-599");
    }
    this.statusCode = statusCode;
    this.outcome = outcome;
    this.requestSent = requestSent;
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
   * Returns the HTTP status code, or 0 if no response was received.
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
