package io.github.reloadwatch;

/**
 * Thrown by a {@link ReloadAction} when the target refused the content itself, for example
 * Prometheus answering {@code 500} to {@code POST /-/reload} because the new configuration does not
 * parse.
 *
 * <p>A rejected snapshot is not retried: retrying the same bad content cannot succeed. The watcher
 * waits for the content to change again, and then reloads even if the new content equals what was
 * applied before the rejection (so a revert heals a target left in a failed state).
 *
 * @since 0.1.0
 */
public class ReloadRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what the target objected to.
   *
   * @param message what was rejected and why; must not contain secrets
   */
  public ReloadRejectedException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what was rejected and why; must not contain secrets
   * @param cause the underlying failure, for example an HTTP error
   */
  public ReloadRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
