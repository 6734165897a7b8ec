package io.github.reloadwatch.tls;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One version of the Secret, parsed and validated: the chain and key to serve, the CA bundle to
 * trust, and the warnings to log. Building one is the whole "validate before publishing" step;
 * nothing is published unless it succeeds.
 */
final class Material {

  /** The bytes of one version; {@code null} for a file the version does not have. */
  record Files(byte[] certificate, byte[] key, byte[] ca) {}

  /** How messages name the files: their paths. */
  record Names(String directory, String certificate, String key, String ca) {}

  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final List<X509Certificate> cas;
  private final String identityDigest;
  private final String caDigest;
  private final List<String> warnings;

  private Material(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas,
      String identityDigest, String caDigest, List<String> warnings) {
    this.chain = chain;
    this.key = key;
    this.cas = cas;
    this.identityDigest = identityDigest;
    this.caDigest = caDigest;
    this.warnings = warnings;
  }

  static Material parse(Files files, Names names, Instant now, Duration expiryWarning,
      ExpiryPolicy policy) throws TlsMaterialException {
    if (files.certificate() == null && files.key() == null) {
      throw new TlsMaterialException(names.certificate(), "[" + names.directory() + "] holds"
          + " neither [" + names.certificate() + "] nor [" + names.key() + "]: the Secret is"
          + " empty or not issued yet (is its type kubernetes.io/tls, did cert-manager issue"
          + " it?); the previous identity, if any, keeps serving");
    }
    if (files.certificate() == null) {
      throw missing(names.certificate(), names, "certificateFile");
    }
    if (files.key() == null) {
      throw missing(names.key(), names, "keyFile");
    }
    List<X509Certificate> chain = PemReader.certificates(files.certificate(), names.certificate());
    PrivateKey key = PemReader.privateKey(files.key(), names.key());
    Certificates.checkKeyMatches(key, chain.get(0), names.key(), names.certificate());
    Certificates.checkChainOrder(chain, names.certificate());
    List<String> warnings = new ArrayList<>();
    Certificates.Validity validity =
        Certificates.checkValidity(chain, names.certificate(), now, expiryWarning);
    if (!validity.problems().isEmpty() && policy == ExpiryPolicy.REJECT) {
      throw new TlsMaterialException(names.certificate(), validity.problems().get(0)
          + " (refused by ExpiryPolicy.REJECT; the previous identity keeps serving)");
    }
    warnings.addAll(validity.problems());
    warnings.addAll(validity.warnings());
    List<X509Certificate> cas = List.of();
    if (files.ca() != null) {
      cas = PemReader.certificates(files.ca(), names.ca());
      // an expired CA in an overlapping bundle is normal at the end of a rotation: warn only
      warnings.addAll(Certificates.checkValidity(cas, names.ca(), now, Duration.ZERO).problems());
    }
    return new Material(chain, key, cas, digest(files.certificate(), files.key()),
        files.ca() == null ? "" : digest(files.ca()), List.copyOf(warnings));
  }

  private static TlsMaterialException missing(String file, Names names, String option) {
    return new TlsMaterialException(file, "[" + file + "] is missing from [" + names.directory()
        + "]: the Secret lacks that key, or set " + option + "(...) to the name it uses; the"
        + " previous identity, if any, keeps serving");
  }

  List<X509Certificate> chain() {
    return chain;
  }

  PrivateKey key() {
    return key;
  }

  /** The CA certificates to trust; empty when the version has no CA file. */
  List<X509Certificate> cas() {
    return cas;
  }

  /** A digest over the certificate and key files: equal digests, same identity. */
  String identityDigest() {
    return identityDigest;
  }

  /** A digest over the CA file, or empty when there is none. */
  String caDigest() {
    return caDigest;
  }

  List<String> warnings() {
    return warnings;
  }

  private static String digest(byte[]... parts) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
        sha256.update(part);
      }
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK offers no SHA-256", e);
    }
  }
}
