package io.github.reloadwatch.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny server that behaves like Prometheus where it matters: it reads its config file at start,
 * reloads it on {@code POST /-/reload}, answers 500 with the parse error if the new config is
 * invalid (keeping the old one), and reports what it has loaded on {@code GET /}.
 *
 * <p>Its config is valid when it has a line {@code version: <number>}.
 */
public final class DemoServer implements AutoCloseable {

  private static final Pattern VERSION = Pattern.compile("(?m)^version:\\s*(\\d+)\\s*$");

  private final Path configFile;
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile String loadedVersion;
  private volatile int reloads;

  /**
   * Starts the server on a free loopback port and loads the config.
   *
   * @param configFile the file to load
   * @throws IOException if the port cannot be bound or the initial config is invalid
   */
  public DemoServer(Path configFile) throws IOException {
    this.configFile = configFile;
    this.loadedVersion = parse(Files.readString(configFile));
    if (loadedVersion == null) {
      throw new IOException("the initial config has no 'version: N' line");
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "demo-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/-/reload", this::reload);
    server.createContext("/", exchange -> reply(exchange, 200,
        "loaded version " + loadedVersion + " (" + reloads + " reloads)\n"));
    server.start();
  }

  private void reload(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      reply(exchange, 405, "use POST\n");
      return;
    }
    String version = parse(Files.readString(configFile));
    if (version == null) {
      reply(exchange, 500, "failed to reload config: " + configFile.getFileName()
          + ": no 'version: N' line\n");
      return;
    }
    loadedVersion = version;
    reloads++;
    reply(exchange, 200, "");
  }

  private static String parse(String config) {
    Matcher m = VERSION.matcher(config);
    return m.find() ? m.group(1) : null;
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  /**
   * Returns the base URI, like a Prometheus base URL.
   *
   * @return {@code http://127.0.0.1:<port>}
   */
  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Returns the version the server has loaded.
   *
   * @return the loaded version
   */
  public String loadedVersion() {
    return loadedVersion;
  }

  /**
   * Returns how many reloads succeeded.
   *
   * @return the count
   */
  public int reloads() {
    return reloads;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
