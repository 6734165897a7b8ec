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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian package {@code prometheus-alertmanager}) on a free loopback port,
 * clustering off, for end-to-end tests. Found through {@code ALERTMANAGER_BIN} or the PATH; when
 * absent the test is skipped with a message, unless {@code CI} is set, where it fails.
 */
final class AlertmanagerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final Path configFile;
  private final Path storage;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  private AlertmanagerProcess(Path binary, Path configFile, Path workDir, int port) {
    this.binary = binary;
    this.configFile = configFile;
    this.storage = workDir.resolve("alertmanager-data");
    this.log = workDir.resolve("alertmanager.log");
    this.port = port;
  }

  /** Starts Alertmanager and waits until it is ready; destroys it if it does not get ready. */
  static AlertmanagerProcess start(Path configFile, Path workDir) throws IOException {
    AlertmanagerProcess a =
        new AlertmanagerProcess(binary(), configFile, workDir, TestServer.freePort());
    a.start();
    return a;
  }

  static Path binary() {
    return Binaries.find("ALERTMANAGER_BIN", "prometheus-alertmanager", "prometheus-alertmanager",
        "alertmanager");
  }

  /** Starts (or restarts, on the same port) and waits until it is ready. */
  void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("alertmanager is already running");
    }
    process = new ProcessBuilder(List.of(
        binary.toString(),
        "--config.file=" + configFile,
        "--storage.path=" + storage,
        "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=", // empty: no clustering, no gossip port
        "--log.level=warn"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    try {
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("alertmanager exited: " + Files.readString(log));
            }
            return get("/-/ready").statusCode() == 200;
          });
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Stops Alertmanager and waits for it to exit. */
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

  /** The value of an unlabelled sample on {@code /metrics}, or null if it is missing. */
  Double metric(String name) throws IOException, InterruptedException {
    return ReloadMetrics.sample(get("/metrics").body(), name);
  }

  /** The configuration Alertmanager has loaded, as its status API shows it (JSON). */
  String loadedConfig() throws IOException, InterruptedException {
    return get("/api/v2/status").body();
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
