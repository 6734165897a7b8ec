package io.github.reloadwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP(S) server on a free port that answers with a scripted response and records every
 * request it got.
 */
final class TestServer implements AutoCloseable {

  /** A recorded request. */
  record Request(String method, String path, Map<String, List<String>> headers, String body,
      int remotePort, String query) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  /** A scripted response. */
  record Reply(int status, String body, Map<String, String> headers) {
    static Reply of(int status, String body) {
      return new Reply(status, body, Map.of());
    }
  }

  static {
    // the JDK server writes headers and body apart: without TCP_NODELAY every response waits
    // for the client's delayed ACK (40 ms), which the warm-start numbers would measure
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "test-server");
    t.setDaemon(true);
    return t;
  });
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Reply> handler = r -> Reply.of(200, "ok");

  private TestServer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static TestServer http() throws IOException {
    return http(0);
  }

  /** A server on the given loopback port, such as one a test found refusing connections. */
  static TestServer http(int port) throws IOException {
    return new TestServer(HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0));
  }

  /** A loopback port that nothing listens on (just now). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static TestServer https(SSLContext context, boolean needClientAuth) throws IOException {
    HttpsServer server = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        var ssl = context.getDefaultSSLParameters();
        ssl.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(ssl);
      }
    });
    return new TestServer(server);
  }

  TestServer answer(Function<Request, Reply> handler) {
    this.handler = handler;
    return this;
  }

  TestServer answer(int status, String body) {
    return answer(r -> Reply.of(status, body));
  }

  int port() {
    return server.getAddress().getPort();
  }

  URI uri(String scheme, String host, String path) {
    return URI.create(scheme + "://" + host + ":" + port() + path);
  }

  URI uri(String path) {
    return uri("http", "127.0.0.1", path);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), body, exchange.getRemoteAddress().getPort(),
          exchange.getRequestURI().getRawQuery());
      requests.add(request);
      Reply reply = handler.apply(request);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
