package io.github.reloadwatch.tls;

/**
 * What {@link TlsReloader} does with a certificate that is not valid now: expired, or not valid
 * yet (a clock skewed against the issuer's, or a certificate issued for later). Either way a WARN
 * names the certificate and its dates.
 *
 * <pre>{@code
 * TlsReloader tls = TlsReloader.builder()
 *     .directory(Path.of("/etc/tls"))
 *     .expiryPolicy(ExpiryPolicy.REJECT)   // keep serving the old certificate instead
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public enum ExpiryPolicy {
  /**
   * Serve it anyway, with a WARN: the default. An expired certificate fails the peers' checks,
   * but the service stays reachable to clients that skip them and the problem is visible; the
   * previous certificate has usually expired too by the time a renewal is late.
   */
  SERVE,
  /**
   * Refuse it like any other invalid content: the previous identity keeps serving, the status
   * shows the pending rejection, and nothing is retried until the Secret changes again. A
   * certificate that expires while it is served is still served.
   */
  REJECT
}
