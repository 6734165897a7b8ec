package io.github.reloadwatch.sidecar;

import static io.github.reloadwatch.sidecar.SidecarProcess.WAIT;
import static io.github.reloadwatch.sidecar.SidecarProcess.freePort;
import static io.github.reloadwatch.sidecar.SidecarProcess.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16: each peer's real argument lines, from its docs and the manifests that run it, against
 * a loopback target and a real Prometheus. Only paths and ports differ from the originals.
 */
class PeerArgumentsTest {

  @TempDir Path tmp;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    closing.add(resource);
    return resource;
  }

  private static String prometheusConfig(String job) {
    return "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: " + job
        + "\n    static_configs:\n      - targets: ['127.0.0.1:9']\n";
  }

  /** The Weaveworks blog post's line: {@code -v -t -p=/etc/prometheus curl -X POST ...}. */
  @Test
  void weaveworksBlogLine_reloadsALoopbackTarget_skippingExcludedFiles() throws Exception {
    String curl = PrometheusProcess.binary("curl").toString();
    ReloadTarget target = closeLater(new ReloadTarget());
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("etc-prometheus"),
        Map.of("prometheus.yml", "v1"));
    Path sub = Files.createDirectories(tmp.resolve("tree/rules"));
    Files.writeString(sub.resolve("a.rules"), "r1");
    SidecarProcess sidecar = closeLater(SidecarProcess.launch(tmp,
        Map.of("RELOADWATCH_LISTEN_ADDRESS", "127.0.0.1:0"),
        "-v", "-t", "-p=" + mount.dir(), "-p", tmp.resolve("tree").toString(), "-x", "\\.swp$",
        curl, "-X", "POST", "--fail", "-o", "-", "-sS", target.url()));
    await().atMost(WAIT).until(() -> target.reloads.get() == 1); // at start

    mount.swap(Map.of("prometheus.yml", "v2"));
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    Files.writeString(sub.resolve("b.rules"), "r2"); // recursive, as weaveworks/watch
    await().atMost(WAIT).until(() -> target.reloads.get() == 3);
    int skipped = count(sidecar.log(), "content unchanged");
    Files.writeString(sub.resolve(".b.rules.swp"), "editor"); // hidden: never a change
    Files.writeString(sub.resolve("b.rules.swp"), "editor"); // excluded by -x: not read
    await().atMost(WAIT).until(() -> count(sidecar.log(), "content unchanged") > skipped);
    assertThat(target.reloads.get()).isEqualTo(3);
    assertThat(target.methods).containsOnly("POST");
    assertThat(sidecar.log()).contains(" DEBUG "); // -v
  }

  @Test
  void weaveworksLine_reloadsARealPrometheus() throws Exception {
    String curl = PrometheusProcess.binary("curl").toString();
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("etc-prometheus"),
        Map.of("prometheus.yml", prometheusConfig("before")));
    PrometheusProcess prometheus = closeLater(
        PrometheusProcess.start(mount.dir().resolve("prometheus.yml"), tmp, null));
    closeLater(SidecarProcess.launch(tmp, Map.of("RELOADWATCH_LISTEN_ADDRESS", "127.0.0.1:0"),
        "-v", "-t", "-p=" + mount.dir(), curl, "-X", "POST", "--fail", "-o", "-", "-sS",
        prometheus.base() + "/-/reload"));
    mount.swap(Map.of("prometheus.yml", prometheusConfig("after-weaveworks")));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: after-weaveworks"));
  }

  /** prometheus-community's chart line, with user info for basic auth and Go-style flags. */
  @Test
  void configmapReloadLine_basicAuthAndItsMetrics() throws Exception {
    ReloadTarget target = closeLater(new ReloadTarget());
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("etc-config"),
        Map.of("alertmanager.yml", "v1"));
    String withCredentials = "http://reloader:s3cr3t@127.0.0.1:" + target.port() + "/-/reload";
    SidecarProcess sidecar = closeLater(SidecarProcess.launch(tmp,
        "--volume-dir=" + mount.dir(), "--webhook-url=" + withCredentials,
        "-webhook-method=POST", "-webhook-status-code=200", "--webhook-retries=3",
        "--web.listen-address=127.0.0.1:0", "--web.telemetry-path=/metrics"));
    int port = sidecar.port();
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    mount.swap(Map.of("alertmanager.yml", "v2"));
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);

    String basic = "Basic " + Base64.getEncoder().encodeToString(
        "reloader:s3cr3t".getBytes(StandardCharsets.UTF_8));
    assertThat(target.authorizations).containsOnly(basic);
    String webhook = "webhook=\"http://127.0.0.1:" + target.port() + "/-/reload\"";
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("configmap_reload_success_reloads_total{" + webhook + "} 2.0")
        .contains("configmap_reload_requests_total{status_code=\"200\"," + webhook + "} 2.0")
        .contains("configmap_reload_last_reload_error{" + webhook + "} 0.0")
        .contains("configmap_reload_last_request_duration_seconds{" + webhook + "}")
        .contains("configmap_reload_watcher_errors_total 0.0")
        .doesNotContain("s3cr3t"));

    target.status = 503;
    mount.swap(Map.of("alertmanager.yml", "v3"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("configmap_reload_last_reload_error{" + webhook + "} 1.0")
        .contains("configmap_reload_request_errors_total{reason=\"client_response\"," + webhook
            + "} 3.0")
        .contains("configmap_reload_request_errors_total{reason=\"retries_exhausted\"," + webhook
            + "} 1.0"));
    assertThat(sidecar.log()).doesNotContain("s3cr3t");
  }

  @Test
  void configmapReloadLine_reloadsARealPrometheus() throws Exception {
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("etc-config"),
        Map.of("prometheus.yml", prometheusConfig("before")));
    PrometheusProcess prometheus = closeLater(
        PrometheusProcess.start(mount.dir().resolve("prometheus.yml"), tmp, null));
    closeLater(SidecarProcess.launch(tmp, "--volume-dir=" + mount.dir(),
        "--webhook-url=" + prometheus.base() + "/-/reload", "--web.listen-address=127.0.0.1:0"));
    mount.swap(Map.of("prometheus.yml", prometheusConfig("after-configmap-reload")));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: after-configmap-reload"));
  }

  /**
   * prometheus-operator's reloader line: a gzipped {@code $(POD_NAME)} template rendered for a
   * real Prometheus that runs as another user (nobody:nogroup) and reads the output.
   */
  @Test
  void prometheusConfigReloaderLine_gzipTemplate_realPrometheusAsAnotherUser() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "running Prometheus as another user needs root");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.createDirectories(tmp.resolve("etc/prometheus/config"));
    Path rules = Files.createDirectories(tmp.resolve("etc/prometheus/rules/prometheus-k8s-rulefiles-0"));
    Path out = Files.createDirectories(tmp.resolve("etc/prometheus/config_out"));
    Path template = secret.resolve("prometheus.yaml.gz");
    writeGzip(template, "global:\n  scrape_interval: 1m\n  external_labels:\n"
        + "    prometheus_replica: $(POD_NAME)\n    shard: '$(SHARD)'\n    untouched: '$(NOT_ALLOWED)'\n"
        + "scrape_configs:\n  - job_name: v1\n    static_configs:\n"
        + "      - targets: ['127.0.0.1:9']\n");
    Path output = out.resolve("prometheus.env.yaml");
    int prometheusPort = freePort();
    SidecarProcess sidecar = closeLater(SidecarProcess.launch(tmp, Map.of("POD_NAME", "prometheus-k8s-1", "SHARD", "0",
            "NOT_ALLOWED", "leaked", "RELOADWATCH_RENDER_OUTPUT_GROUP", "65534"),
        "--listen-address=127.0.0.1:0",
        "--reload-url=http://127.0.0.1:" + prometheusPort + "/-/reload",
        "--config-file=" + template, "--config-envsubst-file=" + output,
        "--watched-dir=" + rules, "--watched-dir=" + secret));
    int port = sidecar.port();
    await().atMost(WAIT).until(() -> Files.exists(output));
    String rendered = Files.readString(output);
    assertThat(rendered).contains("prometheus_replica: prometheus-k8s-1", "shard: '0'",
        "untouched: '$(NOT_ALLOWED)'").doesNotContain("leaked");

    PrometheusProcess prometheus = closeLater(startOn(output, prometheusPort, "65534:65534"));
    assertThat(prometheus.loadedConfig()).contains("prometheus_replica: prometheus-k8s-1");

    writeGzip(template, "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: v2\n"
        + "    static_configs:\n      - targets: ['127.0.0.1:9']\n");
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: v2"));
    assertThat(get(port, "/metrics").body()) // per target, as max_over_time(...) == 0 alerts expect
        .containsPattern("reloader_last_reload_successful\\{target=\"[^\"]+/-/reload\","
            + "watcher=\"sidecar\"} 1.0");
  }

  /** The operator's init container: {@code --watch-interval=0} renders once and exits. */
  @Test
  void prometheusConfigReloaderInitContainerLine_rendersOnceAndExits() throws Exception {
    Path secret = Files.createDirectories(tmp.resolve("config"));
    Path template = secret.resolve("prometheus.yaml.gz");
    writeGzip(template, "global:\n  external_labels:\n    replica: $(POD_NAME)\n");
    Path output = tmp.resolve("config_out/prometheus.env.yaml");
    Files.createDirectories(output.getParent());
    SidecarProcess init = closeLater(SidecarProcess.launch(tmp, Map.of("POD_NAME", "prom-0"),
        "--watch-interval=0", "--listen-address=:0", "--config-file=" + template,
        "--config-envsubst-file=" + output, "--watched-dir=" + secret));
    assertThat(init.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(init.process.exitValue()).as(init.log()).isZero();
    assertThat(Files.readString(output)).contains("replica: prom-0");
  }

  /** {@code --reload-method=signal}: SIGHUP to the process found by its executable's name. */
  @Test
  void prometheusConfigReloaderLine_signalByProcessName() throws Exception {
    Path binary = PrometheusProcess.binary("prometheus");
    Path renamed = tmp.resolve("prom-sig-" + (ProcessHandle.current().pid() % 10000));
    try {
      Files.createLink(renamed, binary.toRealPath());
    } catch (Exception crossDevice) {
      Files.copy(binary.toRealPath(), renamed);
    }
    Path configDir = Files.createDirectories(tmp.resolve("config"));
    Path config = Files.writeString(configDir.resolve("prometheus.yml"), prometheusConfig("before"));
    int prometheusPort = freePort();
    PrometheusProcess prometheus = closeLater(startWithBinary(renamed, config, prometheusPort));
    closeLater(SidecarProcess.launch(tmp, "--reload-method=signal",
        "--process-executable-name=" + renamed.getFileName(),
        "--runtimeinfo-url=" + prometheus.base() + "/api/v1/status/runtimeinfo",
        "--watched-dir=" + configDir, "--listen-address=127.0.0.1:0"));
    Files.writeString(config, prometheusConfig("after-sighup"));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: after-sighup"));
  }

  private PrometheusProcess startOn(Path config, int port, String runAs) throws Exception {
    return PrometheusProcess.start(config, tmp, runAs, port, PrometheusProcess.binary("prometheus"));
  }

  private PrometheusProcess startWithBinary(Path binary, Path config, int port) throws Exception {
    return PrometheusProcess.start(config, tmp, null, port, binary);
  }

  private static void writeGzip(Path file, String text) throws Exception {
    Path staged = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(staged))) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    Files.move(staged, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }
}
