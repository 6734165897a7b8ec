package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadFailedException;
import java.time.Duration;

/**
 * Thrown instead of retrying a target whose circuit breaker is open: no request was sent. Only
 * retries of the same content are held back; new content is always sent. A listener can tell
 * "not called" from "called and failed" ({@link HttpReloadException}) by type, as Resilience4j's
 * {@code CallNotPermittedException} does.
 *
 * <pre>{@code
 * public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
 *   if (error instanceof CircuitOpenException) {
 *     skipped.inc();                    // the target was left alone
 *   } else {
 *     failures.inc();
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #retryAfter()} is the time left until the circuit lets one probe through. Only {@link
 * HttpReloadAction} creates these; see {@link HttpReloadAction.Builder#circuitOpenDuration(Duration)}.
 * Instances are immutable.
 *
 * @since 0.1.0
 */
public final class CircuitOpenException extends ReloadFailedException {

  private static final long serialVersionUID = 1L;

  CircuitOpenException(String message, Duration retryAfter) {
    super(message, null, retryAfter, false, false);
  }
}
