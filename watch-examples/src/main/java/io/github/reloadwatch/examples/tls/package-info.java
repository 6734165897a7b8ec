/**
 * Examples of serving and using a TLS identity from a mounted Kubernetes Secret with watch-tls:
 * {@link io.github.reloadwatch.examples.tls.TlsServerExample} (the JDK's {@code HttpsServer},
 * renewed certificates served without a restart) and {@link
 * io.github.reloadwatch.examples.tls.TlsClientExample} (the JDK's {@code HttpClient} with a
 * client certificate for mutual TLS, rotated the same way).
 */
package io.github.reloadwatch.examples.tls;
