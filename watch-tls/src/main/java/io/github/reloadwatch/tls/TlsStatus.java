package io.github.reloadwatch.tls;

import io.github.reloadwatch.WatchStatus;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * A point-in-time view of a {@link TlsReloader}, for health checks and metrics: which certificate
 * is served (generation, serial, expiry), whether newer content was refused, and why.
 *
 * <pre>{@code
 * TlsStatus status = tls.status();
 * long generation = status.generation();                        // a gauge
 * long notAfter = status.notAfter().map(Instant::getEpochSecond).orElse(0L);   // alert on it
 * boolean healthy = status.pendingRejection().isEmpty() && status.warnings().isEmpty();
 * }</pre>
 *
 * <p>Obtain one with {@link TlsReloader#status()}; it is not constructed by users, so values can
 * be added without breaking callers. It holds public certificate facts only, never key material.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class TlsStatus {

  private final long generation;
  private final String alias;
  private final X509Certificate leaf;
  private final String fingerprint;
  private final Instant publishedAt;
  private final int retainedGenerations;
  private final int trustedCertificates;
  private final String pendingRejection;
  private final long rejections;
  private final List<String> warnings;
  private final WatchStatus watch;

  private TlsStatus(Identity identity, int retainedGenerations, int trustedCertificates,
      String pendingRejection, long rejections, List<String> warnings, WatchStatus watch) {
    this.generation = identity == null ? 0 : identity.generation();
    this.alias = identity == null ? null : identity.alias();
    this.leaf = identity == null ? null : identity.leaf();
    this.fingerprint = identity == null ? null : identity.fingerprint();
    this.publishedAt = identity == null ? null : identity.publishedAt();
    this.retainedGenerations = retainedGenerations;
    this.trustedCertificates = trustedCertificates;
    this.pendingRejection = pendingRejection;
    this.rejections = rejections;
    this.warnings = List.copyOf(warnings);
    this.watch = watch;
  }

  static TlsStatus of(Identity identity, int retainedGenerations, int trustedCertificates,
      String pendingRejection, long rejections, List<String> warnings, WatchStatus watch) {
    return new TlsStatus(identity, retainedGenerations, trustedCertificates, pendingRejection,
        rejections, Objects.requireNonNull(warnings), watch);
  }

  /**
   * Returns the generation served to new handshakes: 1 for the first identity loaded, one more
   * for every rotation to a different certificate or key.
   *
   * @return the generation, or 0 before the first identity was loaded
   */
  public long generation() {
    return generation;
  }

  /**
   * Returns the key manager alias of the served generation, as {@code chooseServerAlias} returns
   * it, such as {@code reloadwatch-3-5f1c0a7e92b4}.
   *
   * @return the alias, or empty before the first identity was loaded
   */
  public Optional<String> alias() {
    return Optional.ofNullable(alias);
  }

  /**
   * Returns the serial number of the served leaf certificate.
   *
   * @return the serial, or empty before the first identity was loaded
   */
  public Optional<BigInteger> serialNumber() {
    return leaf == null ? Optional.empty() : Optional.of(leaf.getSerialNumber());
  }

  /**
   * Returns the subject of the served leaf certificate, in RFC 2253 form.
   *
   * @return the subject, such as {@code CN=api.example.com}, or empty before the first identity
   */
  public Optional<String> subject() {
    return leaf == null ? Optional.empty()
        : Optional.of(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253));
  }

  /**
   * Returns when the served leaf certificate becomes valid.
   *
   * @return its not-before date, or empty before the first identity was loaded
   */
  public Optional<Instant> notBefore() {
    return leaf == null ? Optional.empty() : Optional.of(leaf.getNotBefore().toInstant());
  }

  /**
   * Returns when the served leaf certificate expires: the value to alert on.
   *
   * @return its not-after date, or empty before the first identity was loaded
   */
  public Optional<Instant> notAfter() {
    return leaf == null ? Optional.empty() : Optional.of(leaf.getNotAfter().toInstant());
  }

  /**
   * Returns the SHA-256 fingerprint of the served leaf certificate, as {@code openssl x509
   * -noout -fingerprint -sha256} prints it but in lowercase hex without colons.
   *
   * @return the fingerprint, or empty before the first identity was loaded
   */
  public Optional<String> fingerprint() {
    return Optional.ofNullable(fingerprint);
  }

  /**
   * Returns when the served generation was published, from the reloader's scheduler.
   *
   * @return the instant, or empty before the first identity was loaded
   */
  public Optional<Instant> publishedAt() {
    return Optional.ofNullable(publishedAt);
  }

  /**
   * Returns how many superseded generations are still resolvable by handshakes that chose them
   * before a rotation (see {@link TlsReloader.Builder#retention}).
   *
   * @return a count
   */
  public int retainedGenerations() {
    return retainedGenerations;
  }

  /**
   * Returns how many CA certificates the trust manager trusts now: more than one while an
   * overlapping bundle rotates a CA.
   *
   * @return a count; 0 when the Secret has no CA file, and every peer is then refused
   */
  public int trustedCertificates() {
    return trustedCertificates;
  }

  /**
   * Returns why the newest content was refused, while the previous identity keeps serving: a key
   * that does not match its certificate, a chain out of order, an unreadable file. Cleared when
   * newer content is accepted. Nothing is retried until the content changes again.
   *
   * @return the message, naming the file; or empty when the newest content is served
   */
  public Optional<String> pendingRejection() {
    return Optional.ofNullable(pendingRejection);
  }

  /**
   * Returns how many versions were refused since the reloader was built.
   *
   * @return a count
   */
  public long rejections() {
    return rejections;
  }

  /**
   * Returns what is wrong with the served identity as of now, from the reloader's clock: a
   * certificate of the chain expiring within the {@linkplain TlsReloader.Builder#expiryWarning
   * warning period}, expired, or not yet valid.
   *
   * @return the warnings, each naming the certificate; empty when all is well
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Returns the status of the watcher that {@link TlsReloader#start()} runs: its state, problems
   * such as a missing directory, and the last error.
   *
   * @return the watcher's status, or empty when the reloader is an action of a watcher of the
   *     caller's, or was not started
   */
  public Optional<WatchStatus> watch() {
    return Optional.ofNullable(watch);
  }

  @Override
  public String toString() {
    return "TlsStatus{generation=" + generation
        + (leaf == null ? "" : ", " + Certificates.describe(leaf) + ", notAfter="
            + leaf.getNotAfter().toInstant())
        + ", retained=" + retainedGenerations + ", trusted=" + trustedCertificates
        + (pendingRejection == null ? "" : ", pendingRejection=" + pendingRejection)
        + ", rejections=" + rejections + (warnings.isEmpty() ? "" : ", warnings=" + warnings)
        + "}";
  }
}
