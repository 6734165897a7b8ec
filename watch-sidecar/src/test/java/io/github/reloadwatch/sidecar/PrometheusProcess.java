package io.github.reloadwatch.sidecar;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * A real Prometheus on a free loopback port with the lifecycle API on. A missing binary skips the
 * test, and fails it when {@code CI} is set (.ci/run installs it).
 */
final class PrometheusProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final Process process;
  final int port;
  final Path log;

  private PrometheusProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Finds an executable on PATH, or skips (fails under CI). */
  static Path binary(String name) {
    Path found = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        found = Path.of(dir, name);
        break;
      }
    }
    if (found == null && System.getenv("CI") != null) {
      fail("'" + name + "' is not installed; .ci/run installs it (apt-get install prometheus curl)");
    }
    assumeTrue(found != null, "'" + name + "' is not installed: skipping (set CI to fail instead)");
    return found;
  }

  /**
   * Starts Prometheus on {@code config}; with {@code runAs} ("65534:65534"), as that user and
   * group, through setpriv (needs root).
   */
  static PrometheusProcess start(Path config, Path workDir, String runAs)
      throws IOException, InterruptedException {
    return start(config, workDir, runAs, SidecarProcess.freePort(), binary("prometheus"));
  }

  /** Starts the given Prometheus binary on a given port. */
  static PrometheusProcess start(Path config, Path workDir, String runAs, int port,
      Path prometheus) throws IOException, InterruptedException {
    Path tsdb = Files.createDirectories(workDir.resolve("tsdb-" + port));
    List<String> command = new ArrayList<>();
    if (runAs != null) {
      String[] ids = runAs.split(":");
      command.addAll(List.of(binary("setpriv").toString(), "--reuid=" + ids[0],
          "--regid=" + ids[1], "--clear-groups", "--"));
      new ProcessBuilder("chown", "-R", runAs, tsdb.toString()).inheritIO().start().waitFor();
    }
    command.addAll(List.of(prometheus.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + tsdb, "--web.enable-lifecycle",
        "--web.listen-address=127.0.0.1:" + port, "--log.level=info"));
    Path log = workDir.resolve("prometheus-" + port + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    PrometheusProcess p = new PrometheusProcess(process, port, log);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> p.get("/-/ready").statusCode() == 200);
    return p;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    if (!process.isAlive()) {
      throw new IllegalStateException("prometheus exited: " + Files.readString(log));
    }
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The configuration Prometheus has loaded, as YAML inside its JSON answer. */
  String loadedConfig() throws IOException, InterruptedException {
    return get("/api/v1/status/config").body();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
