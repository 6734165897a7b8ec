package io.github.reloadwatch.sidecar;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback HTTP target that records every call to {@code /-/reload}. */
final class ReloadTarget implements AutoCloseable {

  final HttpServer server;
  final AtomicInteger reloads = new AtomicInteger();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<String> methods = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  /** What each successful call saw, if {@link #observe} is set: read while the call is served. */
  final List<String> observed = new CopyOnWriteArrayList<>();
  volatile java.util.function.Supplier<String> observe;

  ReloadTarget() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/-/reload", exchange -> {
      methods.add(exchange.getRequestMethod());
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      exchange.getRequestBody().readAllBytes();
      if (status == 200) {
        java.util.function.Supplier<String> o = observe;
        if (o != null) {
          observed.add(o.get());
        }
        reloads.incrementAndGet();
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + port() + "/-/reload";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
