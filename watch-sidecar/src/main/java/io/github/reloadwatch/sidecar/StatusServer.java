package io.github.reloadwatch.sidecar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.reloadwatch.WatchStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves {@code /healthz}, {@code /readyz} (see {@link HealthCheck}) and the metrics (Prometheus
 * text format) on the JDK's HTTP server, hardened for a port every pod can reach: {@value
 * #THREADS} handler threads, and a request must arrive within {@value #MAX_REQUEST_SECONDS} s or
 * its connection is closed, so a peer that opens connections and sends nothing (or half a
 * request) cannot hang the probes and get the sidecar killed by its own liveness probe.
 */
final class StatusServer implements AutoCloseable {

  static final int THREADS = 4;
  static final int MAX_REQUEST_SECONDS = 2;

  private final HttpServer server;
  private final ExecutorService executor;

  /** What the probes look at; written by the run loop, read by the handler threads. */
  static final class State {
    volatile Supplier<WatchStatus> watcher = () -> null;
    volatile List<Path> waitingFor = List.of();
    /** The {@code --from-*} objects as of an instant; none without those options. */
    volatile Function<Instant, List<HealthCheck.Source>> sources = now -> List.of();
  }

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Bounds the JDK server's request reads. Read once, when the JDK's server configuration first
   * loads, so the sidecar calls this before anything creates an HTTP server; an explicit {@code
   * -Dsun.net.httpserver.*} setting wins.
   */
  static void boundRequestTimes() {
    setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
    setIfAbsent("sun.net.httpserver.maxRspTime", "10");
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  static StatusServer start(InetSocketAddress address, String metricsPath, State state,
      PrometheusRegistry registry, Clock clock, Duration unhealthyAfter) throws IOException {
    boundRequestTimes();
    HttpServer server;
    try {
      server = HttpServer.create(address, 64);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + address + " (" + e.getMessage()
          + "): choose another --listen-address", e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "reloadwatch-status-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext("/healthz", exchange -> {
      Instant now = clock.instant();
      reply(exchange, HealthCheck.liveness(state.watcher.get(), state.waitingFor,
          state.sources.apply(now), now, unhealthyAfter));
    });
    server.createContext("/readyz", exchange -> reply(exchange, HealthCheck.readiness(
        state.watcher.get(), state.waitingFor, state.sources.apply(clock.instant()))));
    server.createContext(metricsPath, exchange -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writer.write(out, registry.scrape());
      reply(exchange, 200, out.toByteArray(), writer.getContentType());
    });
    server.setExecutor(executor);
    server.start();
    return new StatusServer(server, executor);
  }

  /** Returns the bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, HealthCheck.Verdict verdict) throws IOException {
    reply(exchange, verdict.status(), verdict.body().getBytes(StandardCharsets.UTF_8),
        "text/plain; charset=utf-8");
  }

  private static void reply(HttpExchange exchange, int status, byte[] body, String type)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().close();
      exchange.getResponseHeaders().set("Content-Type", type);
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
