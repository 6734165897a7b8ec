package io.github.reloadwatch.kubernetes;

import java.io.IOException;

/**
 * A request to the Kubernetes API failed: the server answered with an error status, or could not
 * be reached. The message names the request (verb, resource, namespace, name) and the status;
 * it never quotes a response body, which could hold Secret data.
 *
 * @since 0.1.0
 */
public class KubernetesApiException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int code;

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do; must not contain secrets
   * @param code the HTTP status, or 0 if the server was not reached
   * @param cause the underlying failure, or null
   */
  public KubernetesApiException(String message, int code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /**
   * Returns the HTTP status the API server answered with.
   *
   * @return the status, such as 401 or 503, or 0 if the server was not reached
   */
  public int code() {
    return code;
  }
}
