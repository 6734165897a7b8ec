package io.github.reloadwatch.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * The checks a certificate chain and key pass before they are published: the key belongs to the
 * leaf (sign, then verify), each certificate is issued by the next, and each is valid now.
 */
final class Certificates {

  private static final SecureRandom random = new SecureRandom();

  private Certificates() {}

  /** What a validity check found: refusals stop publication (with REJECT), warnings do not. */
  record Validity(List<String> problems, List<String> warnings) {}

  /** The key algorithm family, so that {@code EdDSA}, {@code Ed25519} and {@code Ed448} match. */
  static String keyAlgorithm(String algorithm) {
    return switch (algorithm) {
      case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
      default -> algorithm;
    };
  }

  /** A certificate for a message: its subject and serial, public facts only. */
  static String describe(X509Certificate certificate) {
    return "subject '" + certificate.getSubjectX500Principal().getName(X500Principal.RFC2253)
        + "', serial 0x" + certificate.getSerialNumber().toString(16);
  }

  /**
   * Checks that {@code key} belongs to the leaf: same algorithm, and a signature made with the key
   * verifies with the leaf's public key.
   */
  static void checkKeyMatches(PrivateKey key, X509Certificate leaf, String keyFile,
      String certFile) throws TlsMaterialException {
    PublicKey publicKey = leaf.getPublicKey();
    String keyAlgorithm = keyAlgorithm(key.getAlgorithm());
    String certAlgorithm = keyAlgorithm(publicKey.getAlgorithm());
    if (!keyAlgorithm.equals(certAlgorithm)) {
      throw new TlsMaterialException(keyFile, "[" + keyFile + "] is an " + keyAlgorithm
          + " key but the certificate in [" + certFile + "] (" + describe(leaf) + ") holds an "
          + certAlgorithm + " public key: the files come from different pairs");
    }
    byte[] challenge = new byte[32];
    random.nextBytes(challenge);
    boolean verified;
    try {
      Signature signer = signature(keyAlgorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signed = signer.sign();
      Signature verifier = signature(keyAlgorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      verified = verifier.verify(signed);
    } catch (GeneralSecurityException e) {
      verified = false;
    }
    if (!verified) {
      throw new TlsMaterialException(keyFile, "[" + keyFile + "] does not belong to the"
          + " certificate in [" + certFile + "] (" + describe(leaf) + "): a signature made with"
          + " the key does not verify with the certificate's public key: the two files come from"
          + " different versions or pairs; the previous identity keeps serving");
    }
  }

  private static Signature signature(String keyAlgorithm) throws GeneralSecurityException {
    return switch (keyAlgorithm) {
      case "RSA" -> Signature.getInstance("SHA256withRSA");
      case "EC" -> Signature.getInstance("SHA256withECDSA");
      case "EdDSA" -> Signature.getInstance("EdDSA");
      case "RSASSA-PSS" -> {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        yield pss;
      }
      case "DSA" -> Signature.getInstance("SHA256withDSA");
      default -> throw new GeneralSecurityException("unsupported key algorithm " + keyAlgorithm);
    };
  }

  /** Checks that every certificate is issued, and signed, by the one after it. */
  static void checkChainOrder(List<X509Certificate> chain, String certFile)
      throws TlsMaterialException {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      boolean ok = child.getIssuerX500Principal().equals(parent.getSubjectX500Principal());
      if (ok) {
        try {
          child.verify(parent.getPublicKey());
        } catch (GeneralSecurityException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new TlsMaterialException(certFile, "[" + certFile + "] is not a chain in order:"
            + " certificate " + (i + 2) + " (" + describe(parent) + ") did not issue certificate "
            + (i + 1) + " (" + describe(child) + ", issuer '"
            + child.getIssuerX500Principal().getName(X500Principal.RFC2253) + "'): list the"
            + " leaf first, then each issuer, and nothing else");
      }
    }
  }

  /**
   * Checks each certificate's dates against {@code now}: expired and not yet valid are problems,
   * expiring within {@code warning} a warning.
   */
  static Validity checkValidity(List<X509Certificate> chain, String certFile, Instant now,
      Duration warning) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      String which = "[" + certFile + "] certificate " + (i + 1) + " (" + describe(certificate)
          + ")";
      Instant notBefore = certificate.getNotBefore().toInstant();
      Instant notAfter = certificate.getNotAfter().toInstant();
      if (now.isBefore(notBefore)) {
        problems.add(which + " is not valid yet: valid from " + notBefore + ", now is " + now
            + "; check the clocks of this host and the issuer");
      } else if (now.isAfter(notAfter)) {
        problems.add(which + " expired at " + notAfter + ", now is " + now
            + "; check that the issuer (cert-manager?) renews it");
      } else if (Duration.between(now, notAfter).compareTo(warning) < 0) {
        warnings.add(which + " expires soon, at " + notAfter + " (in "
            + Duration.between(now, notAfter).withNanos(0) + "); check that it is renewed");
      }
    }
    return new Validity(List.copyOf(problems), List.copyOf(warnings));
  }
}
