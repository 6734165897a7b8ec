package io.github.reloadwatch.kubernetes;

/**
 * The ConfigMap or Secret does not exist and the materializer is not {@code optional}, so there is
 * nothing to write: thrown by {@link KubernetesMaterializer#syncOnce()}, where kubelet would fail
 * to mount the volume. A running materializer does not throw it: it keeps the last files and
 * reports the object as missing in {@link MaterializerStatus#degradedReason()}.
 *
 * @since 0.1.0
 */
public final class KubernetesNotFoundException extends KubernetesApiException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which object is missing and what to do
   */
  public KubernetesNotFoundException(String message) {
    super(message, 404, null);
  }
}
