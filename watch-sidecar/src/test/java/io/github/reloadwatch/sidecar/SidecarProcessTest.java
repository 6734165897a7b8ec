package io.github.reloadwatch.sidecar;

import static io.github.reloadwatch.sidecar.SidecarProcess.WAIT;
import static io.github.reloadwatch.sidecar.SidecarProcess.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar as a real process: reloads, health, metrics, logs, SIGTERM, bad input. */
class SidecarProcessTest {

  @TempDir Path tmp;
  private ReloadTarget target;
  private SidecarProcess sidecar;

  @BeforeEach
  void startTarget() throws Exception {
    target = new ReloadTarget();
  }

  @AfterEach
  void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    target.close();
  }

  @Test
  void reloadsAtStartAndOnASwap_servesHealthAndMetrics_andExitsZeroOnSigterm() throws Exception {
    ConfigMapFixture mount =
        ConfigMapFixture.create(tmp.resolve("config"), Map.of("prometheus.yml", "v1"));
    sidecar = SidecarProcess.launch(tmp, "--watch", mount.dir().toString(), "--url", target.url(),
        "--debounce", "50ms", "--listen-address", "127.0.0.1:0");
    int port = sidecar.port();

    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> target.reloads.get() == 1); // at start

    mount.swap(Map.of("prometheus.yml", "v2"));
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);

    String webhook = "webhook=\"http://127.0.0.1:" + target.port() + "/-/reload\"";
    String targetLabel = "target=\"http://127.0.0.1:" + target.port() + "/-/reload\"";
    String label = "{" + targetLabel + ",watcher=\"sidecar\"}";
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("reloader_reloads_total" + label + " 2.0")
        .contains("reloader_reloads_failed_total" + label + " 0.0")
        .contains("reloader_last_reload_successful" + label + " 1.0")
        .contains("reloader_watches{watcher=\"sidecar\"} 1.0")
        .containsPattern("reloader_watch_events_total\\{watcher=\"sidecar\"} [1-9]")
        .contains("reloadwatch_reload_duration_seconds_count" + label + " 2")
        .contains("reloadwatch_http_circuit_state{state=\"closed\","
            + targetLabel + "} 1.0")
        .contains("reloadwatch_http_circuit_state{state=\"open\","
            + targetLabel + "} 0.0")
        .contains("configmap_reload_success_reloads_total{" + webhook + "} 2.0")
        .contains("configmap_reload_last_reload_error{" + webhook + "} 0.0")
        .contains("configmap_reload_requests_total{status_code=\"2xx\"," + webhook + "} 2.0")
        .contains("reloadwatch_problem{condition=\"PATH_MISSING\",watcher=\"sidecar\"} 0.0")
        .contains("reloadwatch_sidecar_build_info{java_version=")
        .contains("process_cpu_seconds_total")
        .contains("jvm_memory_used_bytes"));

    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(sidecar.log()).contains("reloaded (change: modified prometheus.yml")
        .contains("INFO  Sidecar - ready (reloadwatch front end)");
  }

  @Test
  void jsonLogs_areLogbackJsonObjects_oneALine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("json"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    sidecar = SidecarProcess.launch(tmp, "--log-format", "json", "--watch", dir.toString(),
        "--debounce", "50ms", "--url", target.url(), "--listen-address", "127.0.0.1:0");
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    Files.writeString(dir.resolve("a.yml"), "v2");
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    await().atMost(WAIT).untilAsserted(() -> assertThat(Files.readAllLines(sidecar.log))
        .anySatisfy(line -> assertThat(line)
            .startsWith("{\"timestamp\":")
            .contains("\"level\":\"INFO\"", "\"loggerName\":\"io.github.reloadwatch.ReloadWatcher\"",
                "\"formattedMessage\":\"reloaded (change: modified a.yml")
            .endsWith("}")));
    assertThat(Files.readAllLines(sidecar.log)).allSatisfy(line -> assertThat(line).startsWith("{"));
  }

  @Test
  void logfmtLogs() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("logfmt"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    sidecar = SidecarProcess.launch(tmp, "--log-format=logfmt", "--watch", dir.toString(),
        "--url", target.url(), "--listen-address", "127.0.0.1:0");
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    await().atMost(WAIT).untilAsserted(() -> assertThat(Files.readAllLines(sidecar.log))
        .anySatisfy(line -> assertThat(line).startsWith("ts=")
            .contains(" level=info logger=io.github.reloadwatch.sidecar.Sidecar msg=\"ready (")));
  }

  @Test
  void missingWatchDirectory_isAClearErrorWithExitOne() throws Exception {
    Path missing = tmp.resolve("nope");
    sidecar = SidecarProcess.launch(tmp, "--watch", missing.toString(), "--listen-address",
        "127.0.0.1:0", "--url", "http://127.0.0.1:1/-/reload");
    assertThat(sidecar.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(sidecar.process.exitValue()).isEqualTo(1);
    assertThat(sidecar.log()).contains(missing.toString()).contains("does not exist");
  }

  /** #14 item 10: probes are served while waiting, and SIGTERM then exits with 0, not 143. */
  @Test
  void waitForDirs_servesProbesWhileWaiting_andExitsZeroOnSigterm() throws Exception {
    Path later = tmp.resolve("later");
    sidecar = SidecarProcess.launch(tmp, "--watch", later.toString(), "--wait-for-dirs", "60s",
        "--listen-address", "127.0.0.1:0", "--url", target.url());
    int port = sidecar.port();
    await().atMost(WAIT).until(() -> sidecar.log().contains("waiting up to 60 s"));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
      assertThat(get(port, "/readyz").body()).contains("waiting for [" + later + "]");
    });
    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
  }

  @Test
  void waitForDirs_waitsForTheDirectoryToAppear() throws Exception {
    Path later = tmp.resolve("later");
    sidecar = SidecarProcess.launch(tmp, "--watch", later.toString(), "--wait-for-dirs", "60s",
        "--listen-address", "127.0.0.1:0", "--url", target.url());
    int port = sidecar.port();
    await().atMost(WAIT).until(() -> sidecar.log().contains("waiting up to 60 s"));
    Files.createDirectories(later);
    Files.writeString(later.resolve("a.yml"), "v1");
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
  }

  @Test
  void renderAndValidate_writeTheOutputAndRejectInvalidContent() throws Exception {
    Path templates = Files.createDirectories(tmp.resolve("templates"));
    Path template = Files.writeString(templates.resolve("app.conf"), "version: 1\nkey: ${file:"
        + Files.writeString(tmp.resolve("key"), "s3cr3t\n") + "}\n");
    Path output = tmp.resolve("out/app.conf");
    sidecar = SidecarProcess.launch(tmp, "--watch", templates.toString(), "--debounce", "50ms",
        "--render", template + ":" + output, "--render-allow-file", tmp.resolve("key").toString(),
        "--validate-command", "grep -q ^version: {file}", "--validate-file", output.toString(),
        "--url", target.url(), "--listen-address", "127.0.0.1:0");
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(Files.readString(output)).isEqualTo("version: 1\nkey: s3cr3t\n");
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);

    Files.writeString(template, "no version line\n");
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("reloadwatch_reloads_rejected_total{target=\"" + target.url()
            + "\",watcher=\"sidecar\"} 1.0"));
    assertThat(Files.readString(output)).startsWith("version: 1");
    assertThat(target.reloads.get()).isEqualTo(1);
    assertThat(sidecar.log()).doesNotContain("s3cr3t");
  }

  /**
   * Per-target wiring: each target has its own retries, so one that keeps failing (given first, so
   * that a combined action would stop at it) never holds back the other; the metrics say which.
   */
  private static String labels(ReloadTarget t) {
    return "{target=\"" + t.url() + "\",watcher=\"sidecar\"}";
  }

  @Test
  void aFailingTarget_neverHoldsBackTheOther() throws Exception {
    ReloadTarget down = new ReloadTarget();
    try {
      down.status = 503;
      Path dir = Files.createDirectories(tmp.resolve("two"));
      Files.writeString(dir.resolve("a.yml"), "v1");
      sidecar = SidecarProcess.launch(tmp, "--watch", dir.toString(), "--url", down.url(),
          "--url", target.url(), "--debounce", "50ms", "--listen-address", "127.0.0.1:0");
      int port = sidecar.port();
      await().atMost(WAIT).until(() -> target.reloads.get() == 1);
      Files.writeString(dir.resolve("a.yml"), "v2");
      await().atMost(WAIT).until(() -> target.reloads.get() == 2);
      assertThat(down.reloads.get()).isZero();
      assertThat(down.methods).isNotEmpty();
      await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
          .contains("reloader_last_reload_successful" + labels(down) + " 0.0")
          .contains("reloader_last_reload_successful" + labels(target) + " 1.0")
          .contains("reloader_reloads_total" + labels(target) + " 2.0")
          .containsPattern("reloader_reloads_failed_total" + Pattern.quote(labels(down))
              + " [1-9]"));
      assertThat(sidecar.log()).contains("targets [" + down.url() + ", " + target.url() + "]");
    } finally {
      down.close();
    }
  }

  /** #14 item 10: RELOADWATCH_VERBOSE was ignored. */
  @Test
  void environmentVariables_configureTheSidecar_verboseIncluded() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("env"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    sidecar = SidecarProcess.launch(tmp, Map.of(
        "RELOADWATCH_WATCH", dir.toString(),
        "RELOADWATCH_URL", target.url(),
        "RELOADWATCH_VERBOSE", "true",
        "RELOADWATCH_LISTEN_ADDRESS", "127.0.0.1:0"));
    int port = sidecar.port();
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(sidecar.log()).contains(" DEBUG ");
  }
}
