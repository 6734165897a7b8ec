package io.github.reloadwatch.examples.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS server example serves a renewed Secret without a restart (real time, 30 s bound). */
class TlsServerExampleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void servesTheRenewedCertificate_andReportsARefusedOne() throws Exception {
    ExamplePki pki = ExamplePki.create(tmp.resolve("pki"));
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"),
        pki.issue("v1", "localhost"));
    try (TlsServerExample server = new TlsServerExample(secret.dir(),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      URI root = URI.create("https://localhost:" + server.port() + "/");
      assertThat(get(pki, root).body()).isEqualTo("generation 1, CN=localhost\n");

      // cert-manager renews the Secret
      secret.swap(pki.issue("v2", "localhost"));
      await().atMost(WAIT).until(() -> server.status().generation() == 2);
      assertThat(get(pki, root).body()).isEqualTo("generation 2, CN=localhost\n");

      // a broken renewal is refused and shows in the health check; v2 keeps serving
      Map<String, String> broken = pki.issue("v3", "localhost");
      broken.put("tls.key", secret.files().get("tls.key"));
      secret.swap(broken);
      await().atMost(WAIT).until(() -> server.status().pendingRejection().isPresent());
      HttpResponse<String> health = get(pki, root.resolve("/healthz"));
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("tls.key").contains("does not belong to the certificate");
      assertThat(get(pki, root).body()).isEqualTo("generation 2, CN=localhost\n");
    }
  }

  /** A fresh client per call, trusting the example CA: every call is a new connection. */
  private static HttpResponse<String> get(ExamplePki pki, URI uri) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pki.ca().getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(context).build();
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
