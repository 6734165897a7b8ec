package io.github.reloadwatch.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys from bytes, with the JDK only: X.509 certificates
 * ({@code BEGIN CERTIFICATE}) and RSA or EC private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}), the formats
 * cert-manager, openssl and most CAs write. PKCS#1 and SEC1 keys are converted to PKCS#8 in
 * memory. PKCS#8 Ed25519 and Ed448 keys are read too.
 *
 * <pre>{@code
 * List<X509Certificate> chain = PemReader.certificates(Files.readAllBytes(crt), "tls.crt");
 * PrivateKey key = PemReader.privateKey(Files.readAllBytes(keyFile), "tls.key");
 * }</pre>
 *
 * <p>The {@code name} is only used in messages, so the caller chooses what a reader of a log
 * line should see: a file name, a path, a Secret key. Messages never contain key material.
 * Encrypted keys are refused with a message saying how to store them unencrypted (a mounted
 * Secret is protected by its access control, not by a password next to it). Text around the PEM
 * blocks, such as openssl's {@code Bag Attributes} or {@code -text} output, is ignored; so are
 * blocks of the other kind, so one combined file can hold both the chain and the key.
 *
 * <p>This class is thread-safe: it has no state.
 *
 * @since 0.1.0
 */
public final class PemReader {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private static final String OID_RSA = "1.2.840.113549.1.1.1";
  private static final String OID_RSA_PSS = "1.2.840.113549.1.1.10";
  private static final String OID_EC = "1.2.840.10045.2.1";
  private static final Map<String, String> KEY_ALGORITHMS = Map.of(
      OID_RSA, "RSA", OID_RSA_PSS, "RSASSA-PSS", OID_EC, "EC",
      "1.3.101.112", "Ed25519", "1.3.101.113", "Ed448");

  private PemReader() {}

  /**
   * Reads every certificate of a PEM bundle, in file order: a chain (leaf first) or a CA bundle.
   *
   * @param pem the file's bytes
   * @param name how messages name the file, such as {@code tls.crt}
   * @return the certificates, at least one
   * @throws TlsMaterialException if the bytes hold no {@code CERTIFICATE} block or a block is not
   *     a readable X.509 certificate; the message names the file and the block's position
   * @throws NullPointerException if an argument is null
   */
  public static List<X509Certificate> certificates(byte[] pem, String name)
      throws TlsMaterialException {
    Objects.requireNonNull(pem, "pem cannot be null");
    Objects.requireNonNull(name, "name cannot be null");
    List<Block> blocks = blocks(pem, name);
    CertificateFactory factory = certificateFactory();
    List<X509Certificate> result = new ArrayList<>();
    for (Block block : blocks) {
      if (!block.type.equals("CERTIFICATE")) {
        continue;
      }
      byte[] der = block.decode(name);
      try {
        result.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException | ClassCastException e) {
        throw new TlsMaterialException(name, "[" + name + "] certificate " + (result.size() + 1)
            + " is not a readable X.509 certificate: check the file is not truncated");
      }
    }
    if (result.isEmpty()) {
      throw new TlsMaterialException(name, "[" + name + "] holds no certificate: expected PEM"
          + " '-----BEGIN CERTIFICATE-----' blocks" + found(blocks));
    }
    return List.copyOf(result);
  }

  /**
   * Reads the one private key of a PEM file.
   *
   * @param pem the file's bytes
   * @param name how messages name the file, such as {@code tls.key}
   * @return the key: an {@code RSAPrivateKey}, {@code ECPrivateKey} or EdDSA key
   * @throws TlsMaterialException if the bytes hold no private key, more than one, an encrypted
   *     or unsupported one, or a malformed one; the message names the file, never the key
   * @throws NullPointerException if an argument is null
   */
  public static PrivateKey privateKey(byte[] pem, String name) throws TlsMaterialException {
    Objects.requireNonNull(pem, "pem cannot be null");
    Objects.requireNonNull(name, "name cannot be null");
    List<Block> blocks = blocks(pem, name);
    List<Block> keys = new ArrayList<>();
    for (Block block : blocks) {
      if (block.type.endsWith("PRIVATE KEY")) {
        keys.add(block);
      }
    }
    if (keys.isEmpty()) {
      throw new TlsMaterialException(name, "[" + name + "] holds no private key: expected a PEM"
          + " 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY' block" + found(blocks)
          + (blocks.stream().anyMatch(b -> b.type.equals("CERTIFICATE"))
              ? "; are the certificate and key files swapped?" : ""));
    }
    if (keys.size() > 1) {
      throw new TlsMaterialException(name, "[" + name + "] holds " + keys.size()
          + " private keys: keep exactly one");
    }
    Block key = keys.get(0);
    if (key.type.equals("ENCRYPTED PRIVATE KEY") || key.encryptedHeader()) {
      throw new TlsMaterialException(name, "[" + name + "] holds an encrypted private key, which"
          + " is not supported: store it unencrypted (the Secret's access control protects it),"
          + " for example with 'openssl pkey -in key.pem -out plain.pem'");
    }
    byte[] der = key.decode(name);
    try {
      return switch (key.type) {
        case "PRIVATE KEY" -> pkcs8(der, name);
        case "RSA PRIVATE KEY" -> generate("RSA", Pkcs8.fromPkcs1(der), name, "PKCS#1 RSA");
        case "EC PRIVATE KEY" -> generate("EC", Pkcs8.fromSec1(der), name, "SEC1 EC");
        default -> throw new TlsMaterialException(name, "[" + name + "] holds a '" + key.type
            + "' block, which is not supported: convert it to PKCS#8 with 'openssl pkcs8"
            + " -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
      };
    } catch (Der.MalformedException e) {
      // the message says which field is wrong, never what it holds
      throw new TlsMaterialException(name, "[" + name + "] holds a malformed " + key.type
          + " (" + e.getMessage() + "): check the file is not truncated or corrupted");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static PrivateKey pkcs8(byte[] der, String name)
      throws TlsMaterialException, Der.MalformedException {
    String oid = Pkcs8.algorithmOid(der);
    String algorithm = KEY_ALGORITHMS.get(oid);
    if (algorithm == null) {
      throw new TlsMaterialException(name, "[" + name + "] holds a private key of algorithm "
          + oid + ", which is not supported: use an RSA or EC key");
    }
    return generate(algorithm, der, name, "PKCS#8 " + algorithm);
  }

  private static PrivateKey generate(String algorithm, byte[] pkcs8, String name, String what)
      throws TlsMaterialException {
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      // the provider's message is not attached: it is not ours to promise it quotes no key bytes
      throw new TlsMaterialException(name, "[" + name + "] holds a " + what + " private key"
          + " that the JDK cannot read: check the file is not truncated or corrupted");
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static CertificateFactory certificateFactory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK offers no X.509 certificate factory", e);
    }
  }

  private static String found(List<Block> blocks) {
    if (blocks.isEmpty()) {
      return ", found no PEM block";
    }
    return ", found " + blocks.stream().map(b -> "'" + b.type + "'").distinct().toList();
  }

  /** One {@code -----BEGIN type-----} ... {@code -----END type-----} block. */
  private static final class Block {
    final String type;
    final String body;

    Block(String type, String body) {
      this.type = type;
      this.body = body;
    }

    /** PEM headers of RFC 1421, which only encrypted traditional keys carry. */
    boolean encryptedHeader() {
      return body.contains("Proc-Type:") && body.contains("ENCRYPTED");
    }

    byte[] decode(String name) throws TlsMaterialException {
      StringBuilder base64 = new StringBuilder(body.length());
      for (String line : body.split("\r?\n|\r")) {
        String trimmed = line.strip();
        if (!trimmed.contains(":")) { // skip RFC 1421 headers
          base64.append(trimmed);
        }
      }
      try {
        byte[] der = Base64.getDecoder().decode(base64.toString());
        if (der.length == 0) {
          throw new TlsMaterialException(name, "[" + name + "] has an empty '" + type + "' block");
        }
        return der;
      } catch (IllegalArgumentException e) {
        throw new TlsMaterialException(name, "[" + name + "] has a '" + type + "' block that is"
            + " not valid base64: check the file is not truncated or corrupted");
      }
    }
  }

  private static List<Block> blocks(byte[] pem, String name) throws TlsMaterialException {
    if (pem.length == 0) {
      throw new TlsMaterialException(name, "[" + name + "] is empty");
    }
    // ISO-8859-1 maps every byte to one char: binary (DER) input finds no block, never fails
    String text = new String(pem, StandardCharsets.ISO_8859_1);
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(new Block(m.group(1), m.group(2)));
    }
    if (blocks.isEmpty()) {
      boolean der = (pem[0] & 0xff) == Der.SEQUENCE;
      throw new TlsMaterialException(name, "[" + name + "] is not PEM: expected '-----BEGIN"
          + " ...-----' blocks" + (der ? "; it looks like binary DER, convert it with 'openssl"
          + " x509 -inform der' or 'openssl pkey -inform der'" : ""));
    }
    return blocks;
  }
}
