package io.github.reloadwatch;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A retryable reload failure that may say when to try again, for example from an HTTP {@code
 * Retry-After} header or an open circuit breaker. Actions may throw any exception to fail a reload;
 * throw this one to pass a delay hint: the watcher waits at least {@link #retryAfter()} before the
 * next attempt, and otherwise follows its {@link RetryPolicy}.
 *
 * @since 0.1.0
 */
public class ReloadFailedException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The hint; nullable because exceptions are serializable and Optional is not. */
  private final Duration retryAfter;

  /**
   * Creates an exception without a delay hint.
   *
   * @param message what failed; must not contain secrets
   * @param cause the underlying failure, or null
   */
  public ReloadFailedException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * Creates an exception with a delay hint.
   *
   * @param message what failed; must not contain secrets
   * @param cause the underlying failure, or null
   * @param retryAfter the least time to wait before the next attempt, or null for no hint
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  public ReloadFailedException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter (" + retryAfter + ") must not be negative");
    }
    this.retryAfter = retryAfter;
  }

  /**
   * Returns the least time to wait before the next attempt, if the target said.
   *
   * @return the delay hint, or empty
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Returns the hint of the first {@code ReloadFailedException} in a cause chain.
   *
   * @param failure what an action threw
   * @return the delay hint, or empty
   */
  static Optional<Duration> retryAfterOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ReloadFailedException e && e.retryAfter != null) {
        return Optional.of(e.retryAfter);
      }
    }
    Objects.requireNonNull(failure, "failure cannot be null");
    return Optional.empty();
  }
}
