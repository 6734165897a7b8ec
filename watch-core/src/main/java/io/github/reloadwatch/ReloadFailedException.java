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
 * <p>{@link #targetUnavailable(String, Throwable)} makes the other kind: the target is not there
 * yet (connection refused, no such process), which costs it nothing. Such a failure is retried every
 * {@link RetryPolicy#unavailableInterval()} for as long as it lasts, instead of backing off, so a
 * reload follows a restarting target within about a second; only the first of a run is logged at
 * WARN.
 *
 * <pre>{@code
 * ReloadAction reload = event -> {
 *   try {
 *     client.reload();
 *   } catch (ConnectException e) {
 *     throw ReloadFailedException.targetUnavailable("target not listening yet", e);
 *   }
 * };
 * }</pre>
 *
 * @since 0.1.0
 */
public class ReloadFailedException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The hint; nullable because exceptions are serializable and Optional is not. */
  private final Duration retryAfter;

  private final boolean targetUnavailable;

  private final boolean targetCalled;

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
    this(message, cause, retryAfter, false);
  }

  /**
   * Creates an exception, for subclasses that may say the target is unavailable.
   *
   * @param message what failed; must not contain secrets
   * @param cause the underlying failure, or null
   * @param retryAfter the least time to wait before the next attempt, or null for no hint
   * @param targetUnavailable whether the target is not there yet (see {@link
   *     #targetUnavailable(String, Throwable)})
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  protected ReloadFailedException(
      String message, Throwable cause, Duration retryAfter, boolean targetUnavailable) {
    this(message, cause, retryAfter, targetUnavailable, true);
  }

  /**
   * Creates an exception, for subclasses that may say the target was not called at all.
   *
   * @param message what failed; must not contain secrets
   * @param cause the underlying failure, or null
   * @param retryAfter the least time to wait before the next attempt, or null for no hint
   * @param targetUnavailable whether the target is not there yet
   * @param targetCalled false if the action held the call back (an open circuit breaker): then
   *     the retry waits for the hint and the backoff does not grow, since the target was spared
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  protected ReloadFailedException(String message, Throwable cause, Duration retryAfter,
      boolean targetUnavailable, boolean targetCalled) {
    super(message, cause);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter (" + retryAfter + ") must not be negative");
    }
    this.retryAfter = retryAfter;
    this.targetUnavailable = targetUnavailable;
    this.targetCalled = targetCalled;
  }

  /**
   * Returns a failure that says the target is not there yet: refusing connections, not started,
   * no such process. The watcher retries it every {@link RetryPolicy#unavailableInterval()} for as
   * long as it lasts.
   *
   * @param message what failed; must not contain secrets
   * @param cause the underlying failure, or null
   * @return the exception
   */
  public static ReloadFailedException targetUnavailable(String message, Throwable cause) {
    return new ReloadFailedException(message, cause, null, true);
  }

  /**
   * Returns whether the action called the target at all; false when it held the call back, as
   * an open circuit breaker does.
   *
   * @return false if nothing was sent
   */
  public boolean targetCalled() {
    return targetCalled;
  }

  /**
   * Returns whether the target was not there: cheap to retry, and retried soon.
   *
   * @return true for a {@link #targetUnavailable(String, Throwable)} failure
   */
  public boolean targetUnavailable() {
    return targetUnavailable;
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

  /** Whether the first {@code ReloadFailedException} in a cause chain says nothing was sent. */
  static boolean isNotCalled(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ReloadFailedException e) {
        return !e.targetCalled;
      }
    }
    return false;
  }

  /** Whether the first {@code ReloadFailedException} in a cause chain says the target is gone. */
  static boolean isTargetUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ReloadFailedException e) {
        return e.targetUnavailable;
      }
    }
    return false;
  }
}
