package io.github.reloadwatch.examples.tls;

import io.github.reloadwatch.tls.TlsReloader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * TLS example 2: a client (the JDK's {@code HttpClient}) that authenticates with a client
 * certificate from a mounted Secret (mutual TLS) and checks the server against the Secret's
 * {@code ca.crt}; both are rotated without rebuilding the client. Sessions are invalidated on
 * rotation, so the next new connection presents the new certificate instead of resuming a
 * session made with the old one. Connections already open keep the certificate they were made
 * with until they close (the client's keep-alive; {@code -Djdk.httpclient.keepalive.timeout}).
 *
 * <pre>
 * java -cp watch-examples.jar io.github.reloadwatch.examples.tls.TlsClientExample \
 *     /etc/client-tls https://api.internal:8443/
 * </pre>
 */
public final class TlsClientExample implements AutoCloseable {

  private final TlsReloader tls;
  private final HttpClient client;

  /**
   * Loads the client identity and trust, and starts watching the Secret.
   *
   * @param secretDir the Secret's mount directory ({@code tls.crt}, {@code tls.key}, {@code
   *     ca.crt})
   * @throws IOException if the Secret holds no valid identity
   */
  public TlsClientExample(Path secretDir) throws IOException {
    tls = TlsReloader.builder()
        .directory(secretDir)
        .debounce(Duration.ofMillis(100))
        .invalidateSessions(true)
        .build();
    tls.start();
    client = HttpClient.newBuilder()
        .sslContext(tls.sslContext()) // client certificate and CA bundle, both reloading
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /**
   * Sends a GET and returns the body.
   *
   * @param uri an {@code https} URI
   * @return the response body
   * @throws IOException if the request fails, or the server answers other than 200
   * @throws InterruptedException if interrupted while waiting
   */
  public String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode());
    }
    return response.body();
  }

  /**
   * Returns the generation of the client certificate in use.
   *
   * @return the generation, from 1
   */
  public long generation() {
    return tls.status().generation();
  }

  @Override
  public void close() {
    tls.close();
  }

  /**
   * Fetches a URI every 10 seconds until interrupted.
   *
   * @param args the Secret directory and the URI
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (TlsClientExample example = new TlsClientExample(Path.of(args[0]))) {
      while (!Thread.currentThread().isInterrupted()) {
        System.out.println("generation " + example.generation() + ": "
            + example.get(URI.create(args[1])).strip());
        Thread.sleep(10_000);
      }
    }
  }
}
