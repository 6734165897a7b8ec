package io.github.reloadwatch.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of the mock API server, to make outages: {@link #cut()} closes
 * every connection and refuses new ones until {@link #restore()}. Its threads are named {@code
 * test-proxy-*}, daemons, and stop on {@link #close()}.
 */
final class FlakyProxy implements AutoCloseable {

  private static final AtomicInteger counter = new AtomicInteger();

  private final int upstreamPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean cut;
  private volatile boolean closed;

  FlakyProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = thread("accept", this::acceptLoop);
  }

  /** The URL clients should use instead of the server's. */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/";
  }

  /** Resets every open connection (a TCP RST, as a dropped network) and refuses new ones. */
  void cut() {
    cut = true;
    for (Socket s : sockets) {
      reset(s);
    }
    sockets.clear();
  }

  /** Accepts and forwards connections again. */
  void restore() {
    cut = false;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
        sockets.add(client);
        sockets.add(upstream);
        thread("up", () -> pump(client, upstream));
        thread("down", () -> pump(upstream, client));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private Thread thread(String role, Runnable body) {
    Thread t = new Thread(body, "test-proxy-" + role + "-" + counter.incrementAndGet());
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  /** Closes with a TCP reset, as a dropped network or a killed server does. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    cut();
    try {
      for (Thread t : threads) {
        t.join(5_000);
      }
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
