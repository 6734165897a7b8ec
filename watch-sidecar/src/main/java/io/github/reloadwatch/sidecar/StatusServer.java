package io.github.reloadwatch.sidecar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.WatchStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /healthz} (the watcher is running), {@code /readyz} (the initial snapshot is
 * taken) and {@code /metrics} (Prometheus text format) on one small HTTP server.
 */
public final class StatusServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts the server.
   *
   * @param address where to listen
   * @param watcher supplies the watcher once it exists (null before)
   * @param registry the metrics to expose
   * @return the running server
   * @throws IOException if the address cannot be bound
   */
  public static StatusServer start(
      InetSocketAddress address, Supplier<ReloadWatcher> watcher, PrometheusRegistry registry)
      throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + address + " (" + e.getMessage()
          + "): choose another --listen-address", e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "reloadwatch-status");
      t.setDaemon(true);
      return t;
    });
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext("/healthz", exchange -> {
      ReloadWatcher w = watcher.get();
      boolean alive = w != null && w.status().state() == WatchStatus.State.RUNNING;
      reply(exchange, alive ? 200 : 503, alive ? "ok\n" : "not watching\n", "text/plain");
    });
    server.createContext("/readyz", exchange -> {
      ReloadWatcher w = watcher.get();
      boolean ready = w != null && w.status().state() == WatchStatus.State.RUNNING
          && w.status().currentDigest().isPresent();
      reply(exchange, ready ? 200 : 503, ready ? "ready\n" : "starting\n", "text/plain");
    });
    server.createContext("/metrics", exchange -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writer.write(out, registry.scrape());
      reply(exchange, 200, out.toString(StandardCharsets.UTF_8), writer.getContentType());
    });
    server.setExecutor(executor);
    server.start();
    return new StatusServer(server, executor);
  }

  /**
   * Returns the bound port.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
