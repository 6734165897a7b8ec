package io.github.reloadwatch.kubernetes;

import java.io.IOException;

/**
 * A ConfigMap or Secret that cannot be projected into files, where kubelet would fail the volume
 * update too: a key or item path that breaks kubelet's path rules (absolute, a {@code ..} element,
 * a name starting with {@code ..}, too long), a key listed in {@code items} that the object lacks,
 * a key in both {@code data} and {@code binaryData}, or a value that is not valid base64. Nothing
 * is written; the last good version stays in place. The message names the object and the key,
 * never a value.
 *
 * @since 0.1.0
 */
public final class InvalidPayloadException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and how to fix it; must not contain values
   */
  public InvalidPayloadException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong and how to fix it; must not contain values
   * @param cause the underlying failure
   */
  public InvalidPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
