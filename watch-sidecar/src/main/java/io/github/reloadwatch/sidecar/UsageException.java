package io.github.reloadwatch.sidecar;

import java.util.function.Supplier;

/**
 * Bad arguments: the sidecar prints the message (which names the option) and the usage, and exits
 * with 2. Messages never hold a secret value.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  /**
   * Runs builder code for one option and turns its argument errors into a usage error naming the
   * option, so "signal (FOO) is not supported" becomes "--signal: signal (FOO) is not supported".
   */
  static <T> T forOption(String option, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }
}
