package io.github.reloadwatch.examples.tls;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.reloadwatch.tls.TlsReloader;
import io.github.reloadwatch.tls.TlsStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * TLS example 1: an HTTPS server (the JDK's {@code HttpsServer}) whose certificate comes from a
 * mounted {@code kubernetes.io/tls} Secret and is renewed without a restart. The {@code
 * SSLContext} is made once; cert-manager's renewals reach new connections within the debounce.
 * {@code GET /} answers with the served certificate's generation and subject; {@code GET
 * /healthz} answers 503 while a renewed Secret is refused (the old certificate keeps serving).
 *
 * <pre>
 * java -cp watch-examples.jar io.github.reloadwatch.examples.tls.TlsServerExample /etc/tls 8443
 * </pre>
 */
public final class TlsServerExample implements AutoCloseable {

  private final TlsReloader tls;
  private final HttpsServer server;
  private final ExecutorService executor;

  /**
   * Loads the identity, starts watching the Secret and starts serving.
   *
   * @param secretDir the Secret's mount directory ({@code tls.crt}, {@code tls.key})
   * @param address where to listen; port 0 picks a free port
   * @throws IOException if the Secret holds no valid identity or the port cannot be bound
   */
  public TlsServerExample(Path secretDir, InetSocketAddress address) throws IOException {
    tls = TlsReloader.builder()
        .directory(secretDir)
        .debounce(Duration.ofMillis(100))
        .build();
    tls.start(); // throws, naming the file, if the Secret is not a valid identity
    executor = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "tls-example-server");
      thread.setDaemon(true);
      return thread;
    });
    try {
      server = HttpsServer.create(address, 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext())); // once, never again
      server.setExecutor(executor);
      server.createContext("/", exchange -> {
        TlsStatus status = tls.status();
        byte[] body = ("generation " + status.generation() + ", "
            + status.subject().orElse("none") + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.createContext("/healthz", exchange -> {
        TlsStatus status = tls.status();
        byte[] body = status.pendingRejection().orElse("ok").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status.pendingRejection().isEmpty() ? 200 : 503,
            body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Returns what is served, for metrics: generation, serial, expiry, pending rejection.
   *
   * @return the status
   */
  public TlsStatus status() {
    return tls.status();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    tls.close();
  }

  /**
   * Runs the example until interrupted.
   *
   * @param args the Secret directory and the port
   * @throws Exception on start-up failure
   */
  public static void main(String[] args) throws Exception {
    try (TlsServerExample example = new TlsServerExample(Path.of(args[0]),
        new InetSocketAddress(Integer.parseInt(args[1])))) {
      System.out.println("serving https on port " + example.port() + ": " + example.status());
      Thread.currentThread().join();
    }
  }
}
