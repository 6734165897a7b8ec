package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS through a CA rotation: the server's {@code ca.crt} goes from the old client CA, to a
 * bundle of the old and the new, to the new alone, and client certificates of each CA are
 * accepted exactly while their CA is in the bundle. Real handshakes; waits bounded by 30 s.
 */
@Tag("filesystem")
class MutualTlsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void caRotation_overlappingBundle_acceptsClientsOfBothCas() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    // given
    TestPki.Ca serverCa = TestPki.ca("server CA");
    TestPki.Leaf server = TestPki.leaf(serverCa, "localhost");
    TestPki.Ca oldCa = TestPki.ca("client CA 2025");
    TestPki.Ca newCa = TestPki.ca("client CA 2026");
    KeyManager oldClient = TestTls.staticKeyManager(TestPki.leaf(oldCa, "old client"));
    KeyManager newClient = TestTls.staticKeyManager(TestPki.leaf(newCa, "new client"));
    X509TrustManager clientTrust = TestTls.trusting(serverCa.certificate);
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), server.secret(oldCa));
    try (TlsReloader tls = TlsReloader.builder().directory(secret.dir())
        .debounce(Duration.ofMillis(50)).build()) {
      tls.start();
      try (TestTls.Server s = new TestTls.Server(tls.sslContext(), true)) {
        assertThat(accepted(s, clientTrust, oldClient)).isTrue();
        assertThat(accepted(s, clientTrust, newClient)).isFalse();

        // when the bundle holds both CAs
        secret.swap(server.secret(oldCa, newCa));
        await().atMost(WAIT).until(() -> tls.status().trustedCertificates() == 2);

        // then clients of either CA are accepted
        assertThat(accepted(s, clientTrust, oldClient)).isTrue();
        assertThat(accepted(s, clientTrust, newClient)).isTrue();

        // and when the old CA is retired, only the new one's clients are
        secret.swap(server.secret(newCa));
        await().atMost(WAIT).until(() -> tls.status().trustedCertificates() == 1);
        assertThat(accepted(s, clientTrust, oldClient)).isFalse();
        assertThat(accepted(s, clientTrust, newClient)).isTrue();

        assertThat(s.clientCertificates).extracting(c -> c.getSubjectX500Principal().getName())
            .containsExactly("CN=old client", "CN=old client", "CN=new client", "CN=new client");
        assertThat(tls.status().generation()).as("the server identity never changed")
            .isEqualTo(1);
      }
    }
  }

  @Test
  void noCaFile_refusesEveryClient() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    TestPki.Ca serverCa = TestPki.ca("server CA");
    TestPki.Leaf server = TestPki.leaf(serverCa, "localhost");
    TestPki.Ca clientCa = TestPki.ca("client CA");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), server.secret());
    try (TlsReloader tls = TlsReloader.builder().directory(secret.dir()).build()) {
      tls.start();
      try (TestTls.Server s = new TestTls.Server(tls.sslContext(), true)) {
        assertThat(accepted(s, TestTls.trusting(serverCa.certificate),
            TestTls.staticKeyManager(TestPki.leaf(clientCa, "client")))).isFalse();
        await().atMost(WAIT).until(() -> !s.failures.isEmpty()); // the server's side of it
        assertThat(tls.status().trustedCertificates()).isZero();
      }
      assertThatRefusal(tls);
    }
  }

  private static void assertThatRefusal(TlsReloader tls) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tls.trustManager()
        .checkClientTrusted(new java.security.cert.X509Certificate[0], "EC"))
        .isInstanceOf(java.security.cert.CertificateException.class)
        .hasMessageContaining("no CA certificate to check the peer with")
        .hasMessageContaining("ca.crt] is not in the Secret");
  }

  /** Whether a full handshake with this client certificate is accepted (and data flows). */
  private static boolean accepted(TestTls.Server server, X509TrustManager trust,
      KeyManager client) throws GeneralSecurityException {
    try (SSLSocket s = TestTls.connect(server.port(), trust, client)) {
      TestTls.echo(s, 42); // TLS 1.3: the server's verdict on the client arrives after Finished
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
