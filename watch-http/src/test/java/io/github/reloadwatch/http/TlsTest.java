package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against a loopback HTTPS server whose certificates the test makes with openssl: custom CA,
 * default trust, hostname verification, insecureSkipVerify, mutual TLS, key formats, rotation.
 */
class TlsTest {

  @TempDir static Path pki;
  static TestCertificates certs;

  private TestServer server;
  private HttpReloadAction action;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.create(pki);
  }

  @AfterEach
  void stop() {
    if (action != null) {
      action.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpReloadAction start(boolean needClientAuth, String host,
      UnaryOperator<HttpReloadAction.Builder> options) throws Exception {
    server = TestServer.https(certs.serverContext(), needClientAuth);
    action = options.apply(HttpReloadAction.builder()
        .uri(server.uri("https", host, "/-/reload"))).build();
    return action;
  }

  @Test
  void defaultTrust_rejectsAPrivateCa() throws Exception {
    HttpReloadAction a = start(false, "localhost", b -> b);
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION);
          assertThat(e.targetUnavailable()).isFalse();
        })
        .hasMessageContaining("TLS with POST https://localhost:")
        .hasMessageContaining("check caCertificate(...)");
  }

  @Test
  void customCa_isTrusted() throws Exception {
    start(false, "localhost", b -> b.caCertificate(certs.caCert)).reload(Events.attempt(1));
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void hostnameVerification_isOnByDefault() throws Exception {
    HttpReloadAction a = start(false, "127.0.0.1", b -> b.caCertificate(certs.caCert));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOf(HttpReloadException.class)
        .hasMessageContaining("TLS with POST https://127.0.0.1:");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void insecureSkipVerify_acceptsAnythingAndWarnsOnce() throws Exception {
    HttpReloadAction a = start(false, "127.0.0.1", HttpReloadAction.Builder::insecureSkipVerify);
    String logs;
    try (LogCapture capture = new LogCapture()) {
      a.reload(Events.attempt(1));
      a.reload(Events.attempt(2));
      logs = capture.text();
    }
    assertThat(server.requests).hasSize(2);
    assertThat(action.toString()).contains("insecureSkipVerify");
    assertThat(logs.split("WARN .*verification is OFF", -1)).hasSize(2);
  }

  @Test
  void mutualTls_presentsTheClientCertificate() throws Exception {
    HttpReloadAction without = start(true, "localhost", b -> b.caCertificate(certs.caCert));
    assertThatThrownBy(() -> without.reload(Events.attempt(1)))
        .isInstanceOf(HttpReloadException.class);
    without.close();
    server.close();

    start(true, "localhost", b -> b.caCertificate(certs.caCert)
        .clientCertificate(certs.clientCert, certs.clientKey)).reload(Events.attempt(1));
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void mutualTls_worksWithAnEcKey() throws Exception {
    assertThat(Files.readString(certs.clientKey)).contains("-----BEGIN PRIVATE KEY-----");
    assertThat(Tls.privateKey(certs.clientKey).getAlgorithm()).isEqualTo("EC");
    assertThat(Tls.privateKey(certs.serverKey).getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void rotatedCaBundle_isPickedUpWithoutANewAction() throws Exception {
    // given: a kubelet-style secret mount that first holds the wrong CA
    Path other = TestCertificates.unrelatedCa(pki.resolve("other"));
    ConfigMapFixture secret = ConfigMapFixture.create(pki.resolve("secret-" + System.nanoTime()),
        Map.of("ca.pem", Files.readString(other)));
    HttpReloadAction a = start(false, "localhost", b -> b.caCertificate(secret.path("ca.pem")));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION);
          assertThat(e.targetUnavailable()).isFalse();
        })
        .hasMessageContaining("TLS with POST https://localhost:");

    // when: the secret is updated with the right CA
    secret.swap(Map.of("ca.pem", Files.readString(certs.caCert)));

    // then: the same action trusts it on its next attempt
    a.reload(Events.attempt(2));
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void missingCaFile_isAMisconfigurationNamingTheFile() throws Exception {
    Path missing = pki.resolve("no-such-ca.pem");
    HttpReloadAction a = start(false, "localhost", b -> b.caCertificate(missing));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("cannot read the TLS file [" + missing + "]");
    assertThat(server.requests).isEmpty();
  }

  /** #16: cert-manager writes PKCS#1 RSA keys (and SEC1 EC keys) by default. */
  @Test
  void mutualTls_worksWithAPkcs1RsaKey_andASec1EcKey() throws Exception {
    assertThat(Files.readString(certs.rsaClientKeyPkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY");
    assertThat(Files.readString(certs.clientKeySec1)).startsWith("-----BEGIN EC PRIVATE KEY");

    start(true, "localhost", b -> b.caCertificate(certs.caCert)
        .clientCertificate(certs.rsaClientCert, certs.rsaClientKeyPkcs1)).reload(Events.attempt(1));
    assertThat(server.requests).hasSize(1);
    action.close();
    server.close();

    start(true, "localhost", b -> b.caCertificate(certs.caCert)
        .clientCertificate(certs.clientCert, certs.clientKeySec1)).reload(Events.attempt(1));
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void encryptedKey_isAMisconfigurationNamingTheFile_neverTheKey() throws Exception {
    Path encrypted = pki.resolve("encrypted.pem");
    Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w"
        + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
    HttpReloadAction a = start(false, "localhost",
        b -> b.caCertificate(certs.caCert).clientCertificate(certs.clientCert, encrypted));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("[" + encrypted + "]")
        .hasMessageNotContaining("MIIFHDBOBgkqhkiG9w0BBQ0w");
    assertThat(server.requests).isEmpty();
  }
}
