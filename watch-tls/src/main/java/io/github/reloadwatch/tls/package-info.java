/**
 * watch-tls: serve a TLS identity from a mounted Kubernetes Secret and follow its renewals
 * without a restart or a new {@link javax.net.ssl.SSLContext}. Start at {@link
 * io.github.reloadwatch.tls.TlsReloader}.
 *
 * <p>Public types:
 *
 * <ul>
 *   <li>{@link io.github.reloadwatch.tls.TlsReloader} and its {@link
 *       io.github.reloadwatch.tls.TlsReloader.Builder}: the reloading key and trust managers, fed
 *       by a {@link io.github.reloadwatch.ReloadWatcher} (or an action of yours);
 *   <li>{@link io.github.reloadwatch.tls.TlsStatus}: the served certificate's generation,
 *       serial, expiry, and any pending rejection;
 *   <li>{@link io.github.reloadwatch.tls.ExpiryPolicy}: serve or refuse a certificate outside
 *       its validity;
 *   <li>{@link io.github.reloadwatch.tls.PemReader}: PEM certificates and PKCS#8, PKCS#1 and
 *       SEC1 private keys, from bytes, with the JDK only;
 *   <li>{@link io.github.reloadwatch.tls.TlsMaterialException}: unusable certificates or keys,
 *       with a message that names the file and never holds key material.
 * </ul>
 *
 * <p>Everything else is package-private, one concern per file: {@code ReloadingKeyManager}
 * (aliases name generations), {@code Generations} (which generations resolve, for how long),
 * {@code ReloadingTrustManager} (the CA bundle), {@code Material} and {@code Certificates} (what
 * is validated before publishing), {@code Publisher} (how a valid version becomes what is
 * served, and the last rejection), {@code SecretFiles} (one version of the files), {@code Pkcs8}
 * and {@code Der} (traditional keys to PKCS#8).
 *
 * <p>Logging: every line is logged under {@code TlsReloader}; certificates appear by subject and
 * serial, never a key.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.tls;
