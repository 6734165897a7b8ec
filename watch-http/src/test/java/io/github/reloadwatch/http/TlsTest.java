package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a loopback HTTPS server whose certificates the test makes with openssl. */
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
      java.util.function.UnaryOperator<HttpReloadAction.Builder> options) throws Exception {
    server = TestServer.https(certs.serverContext(), needClientAuth);
    action = options.apply(HttpReloadAction.builder()
        .uri(server.uri("https", host, "/-/reload"))).build();
    return action;
  }

  @Test
  void defaultTrust_rejectsAPrivateCa() throws Exception {
    HttpReloadAction a = start(false, "localhost", b -> b);
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
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
  void insecureSkipVerify_acceptsAnything() throws Exception {
    start(false, "127.0.0.1", HttpReloadAction.Builder::insecureSkipVerify)
        .reload(Events.attempt(1));
    assertThat(server.requests).hasSize(1);
    assertThat(action.toString()).contains("insecureSkipVerify");
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
  void pkcs1Key_isExplainedWithTheConversionCommand() throws Exception {
    Path pkcs1 = pki.resolve("pkcs1.pem");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    HttpReloadAction a = start(false, "localhost",
        b -> b.caCertificate(certs.caCert).clientCertificate(certs.clientCert, pkcs1));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }
}
