package io.github.reloadwatch;

import java.time.Duration;
import java.util.Optional;

/**
 * Keeps the values substituted into rendered outputs out of what the watcher logs, shows in
 * {@code status()} and passes to listeners: a validator ({@code promtool}) or a command that
 * quotes the rendered config would otherwise print a password read with {@code ${file:...}}.
 */
final class Redaction {

  private Redaction() {}

  /** The rejection, or a copy whose message has the snapshot's secrets replaced. */
  static ReloadRejectedException redact(ReloadRejectedException rejection, Snapshot snapshot) {
    String message = String.valueOf(rejection.getMessage());
    String redacted = snapshot.redact(message);
    return redacted.equals(message) && clean(rejection.getCause(), snapshot)
        ? rejection : new ReloadRejectedException(redacted);
  }

  /**
   * The failure, or a {@link ReloadFailedException} with the secrets replaced in its message and
   * its hints kept; the cause is dropped then, since its message may hold them too.
   */
  static Throwable redact(Throwable failure, Snapshot snapshot) {
    if (failure instanceof ReloadRejectedException rejection) {
      return redact(rejection, snapshot);
    }
    String message = String.valueOf(failure.getMessage());
    String redacted = snapshot.redact(message);
    if (redacted.equals(message) && clean(failure.getCause(), snapshot)) {
      return failure;
    }
    Optional<Duration> hint = ReloadFailedException.retryAfterOf(failure);
    return new ReloadFailedException(failure.getClass().getSimpleName() + ": " + redacted, null,
        hint.orElse(null), ReloadFailedException.isTargetUnavailable(failure));
  }

  private static boolean clean(Throwable cause, Snapshot snapshot) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (!snapshot.redact(message).equals(message)) {
        return false;
      }
    }
    return true;
  }
}
