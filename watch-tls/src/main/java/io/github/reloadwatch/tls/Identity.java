package io.github.reloadwatch.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * One generation of the served identity: a private key, the chain it was validated with, and the
 * alias that names exactly this pair. Immutable, so whoever holds an alias gets the key and the
 * chain of one version, whatever was published since.
 */
final class Identity {

  private final long generation;
  private final String alias;
  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final String fingerprint;
  private final String contentDigest;
  private final Instant publishedAt;

  Identity(long generation, PrivateKey key, List<X509Certificate> chain, String contentDigest,
      Instant publishedAt) {
    this.generation = generation;
    this.key = key;
    this.chain = chain.toArray(new X509Certificate[0]);
    this.fingerprint = fingerprint(this.chain[0]);
    // the generation makes the alias unique within this reloader, the fingerprint across
    // reloaders and restarts: a cache keyed by alias (Netty's OpenSSL key material) never
    // returns another pair for it
    this.alias = "reloadwatch-" + generation + "-" + fingerprint.substring(0, 12);
    this.contentDigest = contentDigest;
    this.publishedAt = publishedAt;
  }

  long generation() {
    return generation;
  }

  String alias() {
    return alias;
  }

  PrivateKey key() {
    return key;
  }

  /** The chain, leaf first; a copy, as callers of a key manager may change the array. */
  X509Certificate[] chain() {
    return chain.clone();
  }

  X509Certificate leaf() {
    return chain[0];
  }

  /** The SHA-256 of the leaf's DER encoding in lowercase hex, as {@code openssl x509 -fingerprint}. */
  String fingerprint() {
    return fingerprint;
  }

  /** The digest over the certificate and key files this generation was read from. */
  String contentDigest() {
    return contentDigest;
  }

  Instant publishedAt() {
    return publishedAt;
  }

  /** Whether this identity can serve a peer that asked for {@code keyType}, such as RSA or EC. */
  boolean serves(String keyType) {
    if (keyType == null) {
      return false;
    }
    // TLS 1.2 legacy types are KEY_SIGNATURE, such as EC_RSA: the key's own algorithm comes first
    int underscore = keyType.indexOf('_');
    String wanted = underscore < 0 ? keyType : keyType.substring(0, underscore);
    return Certificates.keyAlgorithm(key.getAlgorithm()).equals(
        Certificates.keyAlgorithm(wanted));
  }

  /** Never the key: the generation, alias and the leaf's public facts. */
  @Override
  public String toString() {
    return "Identity{generation=" + generation + ", alias=" + alias + ", "
        + Certificates.describe(chain[0]) + "}";
  }

  static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint a certificate the JDK just parsed", e);
    }
  }
}
