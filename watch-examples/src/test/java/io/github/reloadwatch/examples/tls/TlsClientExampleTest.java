package io.github.reloadwatch.examples.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.tls.TlsReloader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutual-TLS client example presents its renewed client certificate without being rebuilt
 * (real time, 30 s bound). The server answers with the subject of the client certificate it saw.
 */
class TlsClientExampleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void presentsTheRenewedClientCertificate() throws Exception {
    ExamplePki pki = ExamplePki.create(tmp.resolve("pki"));
    ConfigMapFixture serverSecret = ConfigMapFixture.create(tmp.resolve("server"),
        pki.issue("server", "localhost"));
    ConfigMapFixture clientSecret = ConfigMapFixture.create(tmp.resolve("client"),
        pki.issue("client-v1", "client v1"));
    try (TlsReloader serverTls = TlsReloader.builder().directory(serverSecret.dir()).build()) {
      serverTls.start();
      HttpsServer server = HttpsServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(serverTls.sslContext()) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
          ssl.setNeedClientAuth(true); // HttpsParameters.setNeedClientAuth alone is not applied
          params.setSSLParameters(ssl);
        }
      });
      server.createContext("/", exchange -> {
        X509Certificate peer = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
            .getPeerCertificates()[0];
        byte[] body = peer.getSubjectX500Principal().getName().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Connection", "close"); // each request a new connection
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      URI uri = URI.create("https://localhost:" + server.getAddress().getPort() + "/");
      try (TlsClientExample client = new TlsClientExample(clientSecret.dir())) {
        assertThat(client.get(uri)).isEqualTo("CN=client v1");

        clientSecret.swap(pki.issue("client-v2", "client v2"));
        await().atMost(WAIT).until(() -> client.generation() == 2);

        assertThat(client.get(uri)).isEqualTo("CN=client v2");
      } finally {
        server.stop(0);
      }
    }
  }
}
