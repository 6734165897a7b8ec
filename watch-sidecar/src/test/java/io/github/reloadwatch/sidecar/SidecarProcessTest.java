package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar as a real process: reloads, health, metrics, SIGTERM, bad input. */
class SidecarProcessTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private HttpServer target;
  private final AtomicInteger reloads = new AtomicInteger();
  private Process sidecar;
  private Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startTarget() throws IOException {
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext("/-/reload", exchange -> {
      reloads.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    target.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (sidecar != null && sidecar.isAlive()) {
      sidecar.destroyForcibly();
      sidecar.waitFor(10, TimeUnit.SECONDS);
    }
    target.stop(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Process launch(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        Sidecar.class.getName()));
    command.addAll(List.of(args));
    log = tmp.resolve("sidecar-" + System.nanoTime() + ".log");
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reloadsOnASwap_servesHealthAndMetrics_andExitsZeroOnSigterm() throws Exception {
    ConfigMapFixture mount =
        ConfigMapFixture.create(tmp.resolve("config"), Map.of("prometheus.yml", "v1"));
    int port = freePort();
    sidecar = launch("--watch", mount.dir().toString(),
        "--url", "http://127.0.0.1:" + target.getAddress().getPort() + "/-/reload",
        "--debounce", "50ms", "--listen-address", "127.0.0.1:" + port);

    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

    mount.swap(Map.of("prometheus.yml", "v2"));
    await().atMost(WAIT).until(() -> reloads.get() == 1);

    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("reloader_reloads_total 1.0")
        .contains("reloader_reloads_failed_total 0.0")
        .contains("reloader_last_reload_successful 1.0")
        .contains("reloader_watches 1.0")
        .containsPattern("reloader_watch_events_total [1-9]")
        .contains("reloadwatch_reload_duration_seconds_count 1"));

    long signalled = System.nanoTime();
    sidecar.destroy(); // SIGTERM
    assertThat(sidecar.waitFor(5, TimeUnit.SECONDS)).as("exits within 5 s").isTrue();
    assertThat(sidecar.exitValue()).isZero();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled)).isLessThan(5);
    assertThat(Files.readString(log)).contains("reloaded (change: modified prometheus.yml");
  }

  @Test
  void jsonLogs_areOneObjectPerLine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("json"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    int port = freePort();
    sidecar = launch("--log-format", "json", "--watch", dir.toString(), "--debounce", "50ms",
        "--url", "http://127.0.0.1:" + target.getAddress().getPort() + "/-/reload",
        "--listen-address", "127.0.0.1:" + port);
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(port, "/readyz").statusCode() == 200);
    Files.writeString(dir.resolve("a.yml"), "v2");
    await().atMost(WAIT).until(() -> reloads.get() == 1);
    await().atMost(WAIT).untilAsserted(() -> assertThat(Files.readAllLines(log))
        .anySatisfy(line -> assertThat(line)
            .startsWith("{\"time\":\"")
            .contains("\"level\":\"INFO\"", "\"logger\":\"io.github.reloadwatch.ReloadWatcher\"",
                "\"message\":\"reloaded (change: modified a.yml")
            .endsWith("}")));
    assertThat(Files.readAllLines(log)).allSatisfy(line -> assertThat(line).startsWith("{"));
  }

  @Test
  void missingWatchDirectory_isAClearErrorWithExitOne() throws Exception {
    Path missing = tmp.resolve("nope");
    sidecar = launch("--watch", missing.toString(), "--listen-address", "127.0.0.1:0",
        "--url", "http://127.0.0.1:1/-/reload");
    assertThat(sidecar.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(sidecar.exitValue()).isEqualTo(1);
    assertThat(Files.readString(log)).contains(missing.toString()).contains("does not exist");
  }

  @Test
  void waitForDirs_waitsForTheDirectoryToAppear() throws Exception {
    Path later = tmp.resolve("later");
    int port = freePort();
    sidecar = launch("--watch", later.toString(), "--wait-for-dirs", "60s",
        "--listen-address", "127.0.0.1:" + port,
        "--url", "http://127.0.0.1:" + target.getAddress().getPort() + "/-/reload");
    await().atMost(WAIT).until(() -> Files.readString(log).contains("waiting up to 60 s"));
    Files.createDirectories(later);
    Files.writeString(later.resolve("a.yml"), "v1");
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(port, "/readyz").statusCode() == 200);
  }

  @Test
  void renderAndValidate_writeTheOutputAndRejectInvalidContent() throws Exception {
    Path templates = Files.createDirectories(tmp.resolve("templates"));
    Path template = Files.writeString(templates.resolve("app.conf"), "version: 1\nkey: ${file:"
        + Files.writeString(tmp.resolve("key"), "s3cr3t\n") + "}\n");
    Path output = tmp.resolve("out/app.conf");
    int port = freePort();
    sidecar = launch("--watch", templates.toString(), "--debounce", "50ms",
        "--render", template + ":" + output, "--render-allow-file", tmp.resolve("key").toString(),
        "--validate-command", "grep -q ^version: {file}", "--validate-file", output.toString(),
        "--url", "http://127.0.0.1:" + target.getAddress().getPort() + "/-/reload",
        "--listen-address", "127.0.0.1:" + port);
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(Files.readString(output)).isEqualTo("version: 1\nkey: s3cr3t\n");

    Files.writeString(template, "no version line\n");
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("reloadwatch_reloads_rejected_total 1.0"));
    assertThat(Files.readString(output)).startsWith("version: 1");
    assertThat(reloads.get()).isZero();
    assertThat(Files.readString(log)).doesNotContain("s3cr3t");
  }

  @Test
  void environmentVariables_configureTheSidecar() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("env"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Sidecar.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    log = tmp.resolve("env.log");
    pb.redirectOutput(log.toFile());
    pb.environment().put("RELOADWATCH_WATCH", dir.toString());
    pb.environment().put("RELOADWATCH_URL",
        "http://127.0.0.1:" + target.getAddress().getPort() + "/-/reload");
    pb.environment().put("RELOADWATCH_RELOAD_ON_START", "true");
    pb.environment().put("RELOADWATCH_LISTEN_ADDRESS", "127.0.0.1:" + port);
    sidecar = pb.start();
    await().atMost(WAIT).until(() -> reloads.get() == 1); // RELOADWATCH_RELOAD_ON_START
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(port, "/readyz").statusCode() == 200); // RELOADWATCH_LISTEN_ADDRESS
  }
}
