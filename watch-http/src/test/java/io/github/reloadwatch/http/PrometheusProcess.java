package io.github.reloadwatch.http;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian package {@code prometheus}) on a free loopback port, for end-to-end
 * tests. Found through {@code PROMETHEUS_BIN} or the PATH; when absent the test is skipped with a
 * message, unless {@code CI} is set, where it fails.
 */
final class PrometheusProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final Path configFile;
  private final Path storage;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private List<String> extraArgs;
  private String prefix = "";
  private Process process;

  private PrometheusProcess(Path binary, Path configFile, Path workDir, int port) {
    this.binary = binary;
    this.configFile = configFile;
    this.storage = workDir.resolve("tsdb");
    this.log = workDir.resolve("prometheus.log");
    this.port = port;
  }

  /**
   * Starts Prometheus and waits until it is ready. If it does not get ready, the process is
   * destroyed before the failure is thrown.
   */
  static PrometheusProcess start(Path configFile, Path workDir, String... extraArgs)
      throws IOException {
    PrometheusProcess p = new PrometheusProcess(binary(), configFile, workDir, freePort());
    p.start(extraArgs);
    return p;
  }

  static Path binary() {
    return Binaries.find("PROMETHEUS_BIN", "prometheus", "prometheus");
  }

  private static int freePort() throws IOException {
    return TestServer.freePort();
  }

  /** Starts (or restarts, on the same port) with these flags and waits until it is ready. */
  void start(String... args) throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("prometheus is already running");
    }
    extraArgs = List.of(args);
    List<String> command = new ArrayList<>(List.of(
        binary.toString(),
        "--config.file=" + configFile,
        "--storage.tsdb.path=" + storage,
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn"));
    command.addAll(extraArgs);
    prefix = extraArgs.stream().filter(a -> a.startsWith("--web.route-prefix="))
        .map(a -> a.substring("--web.route-prefix=".length())).findFirst().orElse("");
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    try {
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("prometheus exited: " + Files.readString(log));
            }
            return get(prefix + "/-/ready").statusCode() == 200;
          });
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Restarts on the same port with the same flags. */
  void start() throws IOException {
    start(extraArgs.toArray(new String[0]));
  }

  /** Stops Prometheus and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base().resolve(path))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The configuration Prometheus has loaded, as YAML (JSON-escaped). */
  String loadedConfig() throws IOException, InterruptedException {
    return get(prefix + "/api/v1/status/config").body();
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
