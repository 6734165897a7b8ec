package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PemReader} against files openssl wrote: every key format the issue names, the ones to
 * refuse, and the messages, which name the file and never hold key material.
 */
class PemReaderTest {

  @TempDir static Path dir;
  static Openssl openssl;

  @BeforeAll
  static void keys() throws Exception {
    openssl = new Openssl(dir);
    openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
        "-out", "rsa.pem");
    openssl.run("pkey", "-in", "rsa.pem", "-traditional", "-out", "rsa-pkcs1.pem");
    openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-out", "ec.pem");
    openssl.run("pkey", "-in", "ec.pem", "-traditional", "-out", "ec-sec1.pem");
    openssl.run("ecparam", "-name", "secp384r1", "-genkey", "-out", "ec384-params.pem");
    openssl.run("genpkey", "-algorithm", "ed25519", "-out", "ed25519.pem");
    openssl.run("pkey", "-in", "rsa.pem", "-aes256", "-passout", "pass:secret",
        "-out", "rsa-encrypted.pem");
    openssl.run("pkey", "-in", "rsa.pem", "-traditional", "-aes256", "-passout", "pass:secret",
        "-out", "rsa-pkcs1-encrypted.pem");
    for (String key : List.of("rsa", "ec", "ec384-params", "ed25519")) {
      openssl.run("req", "-x509", "-key", key + ".pem", "-subj", "/CN=" + key, "-days", "2",
          "-out", key + ".crt");
    }
  }

  private static PrivateKey key(String file) throws Exception {
    return PemReader.privateKey(openssl.read(file), file);
  }

  private static X509Certificate certificate(String file) throws Exception {
    return PemReader.certificates(openssl.read(file), file).get(0);
  }

  @Test
  void pkcs8Rsa_matchesItsCertificate() throws Exception {
    PrivateKey key = key("rsa.pem");
    assertThat(key).isInstanceOf(RSAPrivateCrtKey.class);
    Certificates.checkKeyMatches(key, certificate("rsa.crt"), "rsa.pem", "rsa.crt");
  }

  @Test
  void pkcs1Rsa_isTheSameKeyAsPkcs8() throws Exception {
    assertThat(new String(openssl.read("rsa-pkcs1.pem"), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN RSA PRIVATE KEY-----");
    PrivateKey pkcs1 = key("rsa-pkcs1.pem");
    assertThat(pkcs1.getEncoded()).isEqualTo(key("rsa.pem").getEncoded());
    Certificates.checkKeyMatches(pkcs1, certificate("rsa.crt"), "rsa-pkcs1.pem", "rsa.crt");
  }

  @Test
  void sec1Ec_isTheSameKeyAsPkcs8() throws Exception {
    assertThat(new String(openssl.read("ec-sec1.pem"), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    ECPrivateKey sec1 = (ECPrivateKey) key("ec-sec1.pem");
    assertThat(sec1.getS()).isEqualTo(((ECPrivateKey) key("ec.pem")).getS());
    Certificates.checkKeyMatches(sec1, certificate("ec.crt"), "ec-sec1.pem", "ec.crt");
  }

  @Test
  void sec1Ec_afterAnEcParametersBlock_p384() throws Exception {
    PrivateKey key = key("ec384-params.pem");
    assertThat(((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(384);
    Certificates.checkKeyMatches(key, certificate("ec384-params.crt"), "k", "c");
  }

  @Test
  void pkcs8Ed25519() throws Exception {
    Certificates.checkKeyMatches(key("ed25519.pem"), certificate("ed25519.crt"), "k", "c");
  }

  @Test
  void combinedFile_holdsChainAndKey() throws Exception {
    byte[] combined = concat(openssl.read("ec.crt"), openssl.read("ec.pem"));
    assertThat(PemReader.certificates(combined, "combined.pem")).hasSize(1);
    assertThat(PemReader.privateKey(combined, "combined.pem").getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void certificates_bundleInFileOrder_textAroundAndCrlfIgnored() throws Exception {
    String text = openssl.run("x509", "-in", "rsa.crt", "-text");
    byte[] bundle = concat(("Bag Attributes\r\n" + text.replace("\n", "\r\n"))
        .getBytes(StandardCharsets.US_ASCII), openssl.read("ec.crt"));
    List<X509Certificate> certs = PemReader.certificates(bundle, "bundle.pem");
    assertThat(certs).extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=rsa", "CN=ec");
  }

  @Test
  void encryptedPkcs8_isRefusedWithAWayOut() throws Exception {
    assertRefused("rsa-encrypted.pem", openssl.read("rsa-encrypted.pem"))
        .hasMessageContaining("[rsa-encrypted.pem] holds an encrypted private key")
        .hasMessageContaining("openssl pkey");
  }

  @Test
  void encryptedPkcs1_isRefusedWithAWayOut() throws Exception {
    assertRefused("rsa-pkcs1-encrypted.pem", openssl.read("rsa-pkcs1-encrypted.pem"))
        .hasMessageContaining("holds an encrypted private key");
  }

  @Test
  void notAKey_namesTheFile() throws Exception {
    assertRefused("tls.key", "hello, I am not a key\n".getBytes(StandardCharsets.US_ASCII))
        .hasMessage("[tls.key] is not PEM: expected '-----BEGIN ...-----' blocks");
  }

  @Test
  void certificateInTheKeyFile_suggestsTheFilesAreSwapped() throws Exception {
    assertRefused("tls.key", openssl.read("rsa.crt"))
        .hasMessageContaining("[tls.key] holds no private key")
        .hasMessageContaining("found ['CERTIFICATE']")
        .hasMessageContaining("swapped");
  }

  @Test
  void emptyFile() {
    assertThatThrownBy(() -> PemReader.privateKey(new byte[0], "tls.key"))
        .isInstanceOf(TlsMaterialException.class).hasMessage("[tls.key] is empty");
    assertThatThrownBy(() -> PemReader.certificates(new byte[0], "tls.crt"))
        .isInstanceOf(TlsMaterialException.class).hasMessage("[tls.crt] is empty");
  }

  @Test
  void twoKeys_refused() throws Exception {
    assertRefused("tls.key", concat(openssl.read("rsa.pem"), openssl.read("ec.pem")))
        .hasMessage("[tls.key] holds 2 private keys: keep exactly one");
  }

  @Test
  void binaryDer_saysHowToConvert() throws Exception {
    byte[] der = key("ec.pem").getEncoded();
    assertRefused("tls.key", der).hasMessageContaining("looks like binary DER");
  }

  @Test
  void truncatedKey_saysSoWithoutQuotingIt() throws Exception {
    String pem = new String(openssl.read("rsa-pkcs1.pem"), StandardCharsets.US_ASCII);
    List<String> lines = pem.lines().toList();
    String truncated = String.join("\n", lines.subList(0, lines.size() / 2)) + "\n"
        + lines.get(lines.size() - 1) + "\n";
    assertRefused("tls.key", truncated.getBytes(StandardCharsets.US_ASCII))
        .hasMessageContaining("[tls.key] holds a malformed RSA PRIVATE KEY");
  }

  @Test
  void corruptedBase64() throws Exception {
    String pem = new String(openssl.read("ec.pem"), StandardCharsets.US_ASCII)
        .replaceFirst("\n(.)", "\n!$1");
    assertRefused("tls.key", pem.getBytes(StandardCharsets.US_ASCII))
        .hasMessageContaining("not valid base64");
  }

  @Test
  void unsupportedBlock() {
    byte[] pem = TestPki.pem("OPENSSH PRIVATE KEY", new byte[] {1, 2, 3})
        .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PemReader.privateKey(pem, "id_ed25519"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("[id_ed25519] holds a 'OPENSSH PRIVATE KEY' block, which is not"
            + " supported");
  }

  @Test
  void unsupportedAlgorithm_namesTheOid() {
    byte[] pkcs8 = Der.sequence(Der.integer(0), Der.sequence(Der.oid("1.2.840.10040.4.1")),
        Der.octetString(new byte[] {2, 1, 1}));
    byte[] pem = TestPki.pem("PRIVATE KEY", pkcs8).getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PemReader.privateKey(pem, "dsa.key"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("algorithm 1.2.840.10040.4.1, which is not supported");
  }

  @Test
  void noCertificate_namesWhatWasFound() throws Exception {
    assertThatThrownBy(() -> PemReader.certificates(openssl.read("ec.pem"), "tls.crt"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessage("[tls.crt] holds no certificate: expected PEM '-----BEGIN CERTIFICATE-----'"
            + " blocks, found ['PRIVATE KEY']")
        .satisfies(e -> assertThat(((TlsMaterialException) e).file()).isEqualTo("tls.crt"));
  }

  @Test
  void garbledCertificate() {
    byte[] pem = TestPki.pem("CERTIFICATE", new byte[] {0x30, 3, 2, 1, 1})
        .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PemReader.certificates(pem, "tls.crt"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("[tls.crt] certificate 1 is not a readable X.509 certificate");
  }

  /** Asserts a refusal whose message and causes hold no line of the key file's base64. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String name,
      byte[] pem) {
    String text = new String(pem, StandardCharsets.ISO_8859_1);
    return assertThatThrownBy(() -> PemReader.privateKey(pem, name))
        .isInstanceOf(TlsMaterialException.class)
        .hasNoCause()
        .satisfies(e -> text.lines().filter(l -> l.length() >= 16 && !l.startsWith("-----"))
            .forEach(line -> assertThat(e.getMessage()).doesNotContain(line.strip())));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
