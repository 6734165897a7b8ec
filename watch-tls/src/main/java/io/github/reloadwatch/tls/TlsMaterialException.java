package io.github.reloadwatch.tls;

import java.io.IOException;
import java.util.Objects;

/**
 * Certificates or a private key that cannot be used: not PEM, an encrypted or unsupported key, a
 * key that does not belong to the certificate, a chain out of order, a certificate outside its
 * validity (with {@link ExpiryPolicy#REJECT}), or a file missing from the Secret.
 *
 * <pre>{@code
 * try {
 *   PrivateKey key = PemReader.privateKey(bytes, "client.key");
 * } catch (TlsMaterialException e) {
 *   logger.warn("client key refused: {}", e.getMessage());   // names the file, never the key
 * }
 * }</pre>
 *
 * <p>The message names the file and says what to do; it never contains key material, and no
 * cause that could is attached. An {@link IOException} so that callers that read files already
 * handle it, as the JDK's {@code KeyStore.load} reports a malformed keystore.
 *
 * @since 0.1.0
 */
public class TlsMaterialException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The file (or name) the message is about. */
  private final String file;

  /**
   * Creates an exception.
   *
   * @param file the name of the file at fault, such as {@code tls.key}, as given to {@link
   *     PemReader}
   * @param message what is wrong and what to do; must not contain key material
   * @throws NullPointerException if an argument is null
   */
  public TlsMaterialException(String file, String message) {
    super(Objects.requireNonNull(message, "message cannot be null"));
    this.file = Objects.requireNonNull(file, "file cannot be null");
  }

  /**
   * Returns the name of the file at fault.
   *
   * @return the name given to {@link PemReader}, such as {@code tls.key}, or the path of the
   *     file in a Secret directory
   */
  public String file() {
    return file;
  }
}
