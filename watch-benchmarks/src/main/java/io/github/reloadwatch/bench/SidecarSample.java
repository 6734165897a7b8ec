package io.github.reloadwatch.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One start of the sidecar jar as a child process, measured from the benchmark JVM's clock: from
 * just before {@link ProcessBuilder#start()} to the first 200 from {@code /readyz} (polled every
 * millisecond); then the reload at start, if any (not timed); then {@code changes} changes, each written with a rename as kubelet does and timed
 * from just before the rename to the arrival of the POST at a loopback target in this JVM; one
 * scrape of {@code /metrics}, as Prometheus would; an idle pause; then the resident memory from
 * {@code /proc/<pid>/status}; then SIGTERM.
 */
final class SidecarSample {

  /** What one start measured; reload latencies in nanoseconds, in order; memory in KiB. */
  record Result(long readyNanos, List<Long> reloadNanos, long rssKiB, long anonKiB,
      long fileKiB, int exitCode) {}

  private static final Duration WAIT = Duration.ofSeconds(20);

  private SidecarSample() {}

  /** A loopback HTTP target that stamps each request's arrival and answers 200. */
  static final class Target implements AutoCloseable {
    final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
    private final HttpServer server;

    Target() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.createContext("/", exchange -> {
        arrivals.add(System.nanoTime()); // first statement: the arrival
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.setExecutor(Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-sidecar-target");
        t.setDaemon(true);
        return t;
      }));
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

  /** How a configuration makes its changes: a file written in place of the old one, or a PUT. */
  interface Changer {
    /** Makes change number {@code n}; returns {@link System#nanoTime()} right before it. */
    long change(int n) throws Exception;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code java flags -jar jar args --listen-address 127.0.0.1:PORT} and measures it.
   *
   * @param target where the HTTP reloads arrive; null for a configuration without HTTP target
   *     (the reloads are then counted from the sidecar's log)
   */
  static Result run(Path java, List<String> flags, Path jar, SidecarConfigs.Config config,
      int changes, Duration idle, Path log) throws Exception {
    List<String> args = config.args();
    Target target = config.target();
    Changer changer = config.changer();
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(flags);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    command.addAll(List.of("--listen-address", "127.0.0.1:" + port));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RELOADWATCH_")
        || k.startsWith("KUBERNETES_") || k.equals("KUBECONFIG") || k.equals("JAVA_TOOL_OPTIONS")
        || k.equals("JDK_JAVA_OPTIONS"));
    pb.environment().putAll(config.env());
    if (target != null) {
      target.arrivals.clear();
    }
    long started = System.nanoTime();
    Process process = pb.start();
    try {
      long ready = awaitReady(process, port, started, log) - started;
      if (config.reloadsAtStart()) { // the start's own reload, not timed
        if (target != null) {
          awaitArrival(target, log);
        } else {
          awaitLogLines(log, "reloaded (start", 1);
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
      List<Long> reloads = new ArrayList<>();
      for (int n = 1; n <= changes; n++) {
        long before = changer.change(n);
        long arrived = target != null ? awaitArrival(target, log)
            : awaitLogLines(log, "reloaded (change", n);
        reloads.add(arrived - before);
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the reload's response, logs
      }
      get(port, "/metrics");
      LockSupport.parkNanos(idle.toNanos());
      long[] memory = memory(process.pid());
      process.destroy(); // SIGTERM
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the sidecar did not stop within 10 s of SIGTERM");
      }
      return new Result(ready, reloads, memory[0], memory[1], memory[2], process.exitValue());
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Polls {@code /readyz} every millisecond; returns the time of the first 200. */
  private static long awaitReady(Process process, int port, long started, Path log)
      throws Exception {
    while (System.nanoTime() - started < WAIT.toNanos()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the sidecar exited with " + process.exitValue() + ": "
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      try {
        if (get(port, "/readyz") == 200) {
          return System.nanoTime();
        }
      } catch (ConnectException notYet) {
        // not listening yet
      } catch (IOException closedEarly) {
        // listening, but closed the connection while starting: try again
      }
      LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
    }
    throw new IllegalStateException("not ready within " + WAIT + ": "
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  private static long awaitArrival(Target target, Path log) throws Exception {
    Long arrived = target.arrivals.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (arrived == null) {
      throw new IllegalStateException("no reload arrived within " + WAIT + ": "
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    return arrived;
  }

  /** For targets the benchmark cannot see (a signal): the n-th matching line of the log. */
  private static long awaitLogLines(Path log, String needle, int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int count = 0;
      for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
        count++;
      }
      if (count >= n) {
        return System.nanoTime();
      }
      LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
    }
    throw new IllegalStateException("no '" + needle + "' line " + n + " within " + WAIT);
  }

  /**
   * {@code GET path} over a new HTTP/1.0 connection (closed by the server after the response): no
   * pooled connection the sidecar's request timeout could close under it, and no client thread.
   *
   * @return the status code
   * @throws ConnectException while nothing listens on the port
   */
  static int get(int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] response = socket.getInputStream().readAllBytes();
      String status = new String(response, 0, Math.min(response.length, 64),
          StandardCharsets.US_ASCII);
      if (!status.startsWith("HTTP/1.")) {
        throw new IOException("no HTTP response from port " + port + path);
      }
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  /** VmRSS, RssAnon and RssFile (+ RssShmem) of a process, in KiB. */
  static long[] memory(long pid) throws IOException {
    long[] kib = {-1, -1, 0};
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
        StandardCharsets.UTF_8)) {
      long value = line.matches("^(VmRSS|RssAnon|RssFile|RssShmem):.*")
          ? Long.parseLong(line.replaceAll("[^0-9]", "")) : 0;
      if (line.startsWith("VmRSS:")) {
        kib[0] = value;
      } else if (line.startsWith("RssAnon:")) {
        kib[1] = value;
      } else if (line.startsWith("RssFile:") || line.startsWith("RssShmem:")) {
        kib[2] += value;
      }
    }
    return kib;
  }

  /** Writes {@code content} next to {@code file} and renames it over; returns the time before. */
  static long replace(Path file, String content) throws IOException {
    Path staged = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(staged, content, StandardCharsets.UTF_8);
    long before = System.nanoTime();
    Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE);
    return before;
  }
}
