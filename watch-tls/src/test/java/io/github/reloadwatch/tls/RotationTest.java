package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving a Secret across a kubelet rotation, with real handshakes on loopback. Real time: the
 * new certificate must be served within the debounce plus a margin of 10 s, which absorbs a slow,
 * shared machine without hiding a reload that never happens.
 */
@Tag("filesystem")
class RotationTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);
  private static final Duration MARGIN = Duration.ofSeconds(10);

  @TempDir Path tmp;

  @Test
  void rotation_newHandshakesGetTheNewCertificate_establishedConnectionsKeepWorking()
      throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    // given
    TestPki.Ca ca = TestPki.ca("CN=rotation CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "CN=v1");
    TestPki.Leaf v2 = TestPki.leaf(ca, "CN=v2");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    X509TrustManager clientTrust = TestTls.trusting(ca.certificate);
    try (TlsReloader tls = TlsReloader.builder().directory(secret.dir()).debounce(DEBOUNCE)
        .build()) {
      tls.start();
      try (TestTls.Server server = new TestTls.Server(tls.sslContext(), false)) {
        assertThat(TestTls.serverSerial(server.port(), clientTrust)).isEqualTo(v1.serial());
        SSLSocket established = TestTls.connect(server.port(), clientTrust, null);
        TestTls.echo(established, 1);

        // when
        secret.swap(v2.secret(ca));

        // then
        await().atMost(DEBOUNCE.plus(MARGIN)).pollInterval(Duration.ofMillis(20))
            .until(() -> TestTls.serverSerial(server.port(), clientTrust).equals(v2.serial()));
        TestTls.echo(established, 2);
        assertThat(((java.security.cert.X509Certificate)
            established.getSession().getPeerCertificates()[0]).getSerialNumber())
            .isEqualTo(v1.serial());
        established.close();
        assertThat(tls.status().generation()).isEqualTo(2);
        assertThat(tls.status().serialNumber()).contains(v2.serial());
        assertThat(tls.status().notAfter()).contains(v2.certificate.getNotAfter().toInstant());
        assertThat(tls.status().retainedGenerations()).isEqualTo(1);
        assertThat(tls.status().pendingRejection()).isEmpty();
      }
    }
  }

  @Test
  void identicalContent_keepsTheGeneration() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    TestPki.Ca ca = TestPki.ca("CN=same CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "CN=v1");
    TestPki.Ca other = TestPki.ca("CN=other CA");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    try (TlsReloader tls = TlsReloader.builder().directory(secret.dir()).debounce(DEBOUNCE)
        .build()) {
      tls.start();
      String alias = tls.status().alias().orElseThrow();
      // only the CA bundle changes: the trust is rebuilt, the identity keeps its alias
      secret.swap(v1.secret(ca, other));
      await().atMost(MARGIN).until(() -> tls.status().trustedCertificates() == 2);
      assertThat(tls.status().generation()).isEqualTo(1);
      assertThat(tls.status().alias()).contains(alias);
    }
  }
}
