package io.github.reloadwatch.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away PKI made in memory at test time with the JDK's key generators and signatures (the
 * certificate structure is written with {@link Der}; the JDK's parser and PKIX validation check
 * it independently). Nothing is written to the repository, so nothing committed ever expires.
 */
final class TestPki {

  private static final AtomicLong serials = new AtomicLong(0x1000);

  /** A certificate authority that issues leaves. */
  static final class Ca {
    final String name;
    final KeyPair keys;
    final X509Certificate certificate;

    private Ca(String name, KeyPair keys, X509Certificate certificate) {
      this.name = name;
      this.keys = keys;
      this.certificate = certificate;
    }

    String pem() {
      return TestPki.pem(certificate);
    }
  }

  /** A leaf certificate, the chain it is served with, and its key. */
  static final class Leaf {
    final X509Certificate certificate;
    final List<X509Certificate> chain;
    final KeyPair keys;

    private Leaf(X509Certificate certificate, List<X509Certificate> chain, KeyPair keys) {
      this.certificate = certificate;
      this.chain = chain;
      this.keys = keys;
    }

    BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /** The chain, leaf first, as {@code tls.crt}. */
    String chainPem() {
      StringBuilder out = new StringBuilder();
      chain.forEach(c -> out.append(pem(c)));
      return out.toString();
    }

    /** The key as PKCS#8, as {@code tls.key}. */
    String keyPem() {
      return TestPki.pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** The files of a {@code kubernetes.io/tls} Secret, with an optional {@code ca.crt}. */
    Map<String, String> secret(Ca... trusted) {
      Map<String, String> files = new LinkedHashMap<>();
      files.put("tls.crt", chainPem());
      files.put("tls.key", keyPem());
      if (trusted.length > 0) {
        StringBuilder bundle = new StringBuilder();
        for (Ca ca : trusted) {
          bundle.append(ca.pem());
        }
        files.put("ca.crt", bundle.toString());
      }
      return files;
    }
  }

  private TestPki() {}

  static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Ca ca(String name) {
    return ca(name, ec());
  }

  static Ca ca(String name, KeyPair keys) {
    Instant now = Instant.now();
    X509Certificate cert = sign(name, name, keys.getPublic().getEncoded(), keys.getPrivate(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), true, null);
    return new Ca(name, keys, cert);
  }

  /** A leaf for localhost, valid from an hour ago for 30 days. */
  static Leaf leaf(Ca ca, String cn) {
    return leaf(ca, cn, ec());
  }

  static Leaf leaf(Ca ca, String cn, KeyPair keys) {
    Instant now = Instant.now();
    return leaf(ca, cn, keys, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
  }

  static Leaf leaf(Ca ca, String cn, KeyPair keys, Instant notBefore, Instant notAfter) {
    X509Certificate cert = sign(cn, ca.name, keys.getPublic().getEncoded(),
        ca.keys.getPrivate(), notBefore, notAfter, false, "localhost");
    return new Leaf(cert, List.of(cert, ca.certificate), keys);
  }

  /** An intermediate CA issued by {@code parent}, and its chain up to the root. */
  static Ca intermediate(Ca parent, String name) {
    KeyPair keys = ec();
    Instant now = Instant.now();
    X509Certificate cert = sign(name, parent.name, keys.getPublic().getEncoded(),
        parent.keys.getPrivate(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)),
        true, null);
    return new Ca(name, keys, cert);
  }

  static String pem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static X509Certificate sign(String subject, String issuer, byte[] subjectPublicKeyInfo,
      PrivateKey issuerKey, Instant notBefore, Instant notAfter, boolean ca, String dnsName) {
    try {
      boolean rsa = issuerKey.getAlgorithm().equals("RSA");
      byte[] algorithm = rsa
          ? Der.sequence(Der.oid("1.2.840.113549.1.1.11"), Der.nullValue())
          : Der.sequence(Der.oid("1.2.840.10045.4.3.2"));
      byte[] extensions = ca
          ? Der.sequence(
              extension("2.5.29.19", true, Der.sequence(Der.tlv(Der.BOOLEAN, new byte[] {-1}))),
              extension("2.5.29.15", true, Der.tlv(Der.BIT_STRING, new byte[] {1, 0x06})))
          : Der.sequence(
              extension("2.5.29.19", false, Der.sequence()),
              extension("2.5.29.15", true, Der.tlv(Der.BIT_STRING, new byte[] {5, (byte) 0xa0})),
              extension("2.5.29.37", false, Der.sequence(
                  Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2"))),
              extension("2.5.29.17", false, Der.sequence(
                  Der.tlv(0x82, dnsName.getBytes(StandardCharsets.US_ASCII)),
                  Der.tlv(0x87, new byte[] {127, 0, 0, 1}))));
      byte[] tbs = Der.sequence(
          Der.explicit(0, Der.integer(2)),
          Der.integer(BigInteger.valueOf(serials.incrementAndGet())),
          algorithm,
          name(issuer),
          Der.sequence(time(notBefore), time(notAfter)),
          name(subject),
          subjectPublicKeyInfo,
          Der.explicit(3, extensions));
      Signature signer = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
      signer.initSign(issuerKey);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1];
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] der = Der.sequence(tbs, algorithm, Der.tlv(Der.BIT_STRING, bits));
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.tlv(Der.BOOLEAN, new byte[] {-1}), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  private static byte[] name(String cn) {
    cn = cn.startsWith("CN=") ? cn.substring(3) : cn;
    return Der.sequence(Der.tlv(Der.SET, Der.sequence(Der.oid("2.5.4.3"),
        Der.tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] time(Instant instant) {
    int year = instant.atZone(ZoneOffset.UTC).getYear();
    if (year >= 1950 && year < 2050) {
      return Der.tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
          .withZone(ZoneOffset.UTC).format(instant).getBytes(StandardCharsets.US_ASCII));
    }
    return Der.tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
        .withZone(ZoneOffset.UTC).format(instant).getBytes(StandardCharsets.US_ASCII));
  }
}
