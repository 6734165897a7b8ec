package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that rotates its own certificate (mutual TLS) and reuses its {@code SSLContext}
 * resumes its cached TLS 1.3 session, presenting nothing new, unless the rotation invalidates
 * the sessions. Real handshakes; waits bounded by 30 s.
 */
@Tag("filesystem")
class SessionInvalidationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void invalidateSessions_clientPresentsItsNewCertificateAfterRotation() throws Exception {
    assertThat(clientCertificateSeenAfterRotation(true)).isEqualTo("CN=client v2");
  }

  @Test
  void withoutInvalidation_theCachedSessionResumes_withTheOldCertificate() throws Exception {
    assertThat(clientCertificateSeenAfterRotation(false)).isEqualTo("CN=client v1");
  }

  private String clientCertificateSeenAfterRotation(boolean invalidate) throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    TestPki.Ca serverCa = TestPki.ca("server CA");
    TestPki.Ca clientCa = TestPki.ca("client CA");
    TestPki.Leaf server = TestPki.leaf(serverCa, "localhost");
    TestPki.Leaf v1 = TestPki.leaf(clientCa, "client v1");
    TestPki.Leaf v2 = TestPki.leaf(clientCa, "client v2");
    ConfigMapFixture clientSecret = ConfigMapFixture.create(tmp.resolve("client"),
        v1.secret(serverCa));
    SSLContext serverContext = TestTls.context(TestTls.staticKeyManager(server),
        TestTls.trusting(clientCa.certificate));
    try (TlsReloader tls = TlsReloader.builder().directory(clientSecret.dir())
        .debounce(Duration.ofMillis(50)).invalidateSessions(invalidate).build();
        TestTls.Server s = new TestTls.Server(serverContext, true)) {
      tls.start();
      SSLContext client = tls.sslContext(); // one context, reused: sessions are cached
      exchange(client, s.port());
      exchange(client, s.port()); // resumed: the server sees the first session's certificate
      clientSecret.swap(v2.secret(serverCa));
      await().atMost(WAIT).until(() -> tls.status().generation() == 2);
      exchange(client, s.port());
      assertThat(s.clientCertificates).hasSize(3);
      return s.clientCertificates.stream().reduce((a, b) -> b).orElseThrow()
          .getSubjectX500Principal().getName();
    }
  }

  private static void exchange(SSLContext context, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      TestTls.echo(socket, 7); // reading also takes in the server's session ticket
    }
  }
}
