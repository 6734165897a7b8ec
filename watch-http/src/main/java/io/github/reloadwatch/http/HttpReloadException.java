package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadFailedException;
import java.time.Duration;

/**
 * A failed HTTP reload attempt: what kind of failure, the status code if a response came, and a
 * bounded excerpt of the response body in the message. Never contains credentials.
 *
 * <p>{@link Kind#REJECTED} failures reach the watcher wrapped in a {@link
 * io.github.reloadwatch.ReloadRejectedException}, so they are not retried until the content
 * changes; the other kinds are retried with backoff, no sooner than {@link #retryAfter()}.
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

  /**
   * Creates an exception.
   *
   * @param message what failed and what to do; must not contain secrets
   * @param kind how the watcher should treat it
   * @param statusCode the HTTP status, or 0 if no response was received
   * @param cause the underlying exception, or null
   * @param retryAfter the least time before the next attempt, or null
   */
  public HttpReloadException(
      String message, Kind kind, int statusCode, Throwable cause, Duration retryAfter) {
    super(message, cause, retryAfter);
    this.kind = kind;
    this.statusCode = statusCode;
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
}
