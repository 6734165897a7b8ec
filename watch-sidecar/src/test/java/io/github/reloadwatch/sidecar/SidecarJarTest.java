package io.github.reloadwatch.sidecar;

import static io.github.reloadwatch.sidecar.SidecarProcess.DOCKERFILE_FLAGS;
import static io.github.reloadwatch.sidecar.SidecarProcess.WAIT;
import static io.github.reloadwatch.sidecar.SidecarProcess.freePort;
import static io.github.reloadwatch.sidecar.SidecarProcess.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as it ships ({@code java -jar target/reloadwatch-sidecar.jar} with deploy/
 * Dockerfile's JVM flags), run by the {@code jar-test} execution once the package phase built it:
 * fabric8 works from it (its {@code META-INF/services} merged), a sidecar without {@code --from-*}
 * never loads a Kubernetes class and one without HTTP target no HTTP class, the image's AppCDS
 * archive maps and serves, and the whole path against a real Prometheus.
 */
@Tag("jar")
@Tag("filesystem")
class SidecarJarTest {

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

  private static List<String> flags(String... more) {
    List<String> flags = new ArrayList<>(DOCKERFILE_FLAGS);
    flags.addAll(List.of(more));
    return flags;
  }

  @Test
  void javaJar_fromConfigMap_materializesAndReloads() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("app", Map.of("a.yml", "v1"));
    ReloadTarget target = closeLater(new ReloadTarget());
    Path dir = tmp.resolve("config");
    SidecarProcess sidecar = closeLater(SidecarProcess.launchJar(tmp, api.environment(tmp),
        flags(), "--from-configmap", "app", "--materialize", dir.toString(), "--url",
        target.url(), "--debounce", "50ms", "--listen-address", "127.0.0.1:0"));
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(Files.readString(dir.resolve("a.yml"))).isEqualTo("v1");
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);

    api.putConfigMap("app", Map.of("a.yml", "v2"));
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    assertThat(Files.readString(dir.resolve("a.yml"))).isEqualTo("v2");
    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(sidecar.log()).doesNotContain("ERROR").doesNotContain("Exception");
  }

  /** Start-up time and memory: fabric8 and watch-kubernetes load only for --from-*. */
  @Test
  void withoutFromOptions_noKubernetesClassIsEverLoaded() throws Exception {
    ReloadTarget target = closeLater(new ReloadTarget());
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    Path classes = tmp.resolve("classes-plain.log");
    SidecarProcess sidecar = closeLater(SidecarProcess.launchJar(tmp, Map.of(),
        flags("-Xlog:class+load=info:file=" + classes), "--watch", dir.toString(), "--url",
        target.url(), "--debounce", "50ms", "--listen-address", "127.0.0.1:0"));
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    Files.writeString(dir.resolve("a.yml"), "v2");
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    // every code path of a running sidecar: both probes and a scrape
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(port, "/metrics").body()).doesNotContain("reloadwatch_kubernetes_");
    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();

    assertThat(Files.readAllLines(classes))
        .anyMatch(line -> line.contains(" io.github.reloadwatch.sidecar.SidecarRun "))
        .noneMatch(line -> line.contains(" io.fabric8."))
        .noneMatch(line -> line.contains(" io.github.reloadwatch.kubernetes."))
        .noneMatch(line -> line.contains(" io.github.reloadwatch.sidecar.KubernetesSources"))
        .noneMatch(line -> line.contains(" io.github.reloadwatch.sidecar.KubernetesMetrics"));

    // and with --from-configmap they are (the check above can fail)
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("app", Map.of("a.yml", "v1"));
    Path withApi = tmp.resolve("classes-api.log");
    SidecarProcess fromApi = closeLater(SidecarProcess.launchJar(tmp, api.environment(tmp),
        flags("-Xlog:class+load=info:file=" + withApi), "--from-configmap", "app",
        "--materialize", tmp.resolve("config").toString(), "--url", target.url(),
        "--listen-address", "127.0.0.1:0"));
    int apiPort = fromApi.port();
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(apiPort, "/readyz").statusCode() == 200);
    assertThat(fromApi.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(Files.readAllLines(withApi))
        .anyMatch(line -> line.contains(" io.fabric8.kubernetes.client."))
        .anyMatch(line -> line.contains(" io.github.reloadwatch.sidecar.KubernetesSources "));
  }

  /** What a sidecar without HTTP target must never load (#15): watch-http, HttpClient, the JDK's. */
  private static final List<String> HTTP_CLASSES = List.of(" org.apache.hc.",
      " io.github.reloadwatch.http.", " io.github.reloadwatch.sidecar.HttpTargets ",
      " java.net.http.", " jdk.internal.net.http.");

  /** Start-up and memory: a signal or command sidecar loads no HTTP class, even when it fails. */
  @Test
  void signalOrCommandOnly_noHttpClassIsEverLoaded() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    // a process that ignores SIGHUP (the disposition survives exec), to be signalled
    Process ignoresHup = new ProcessBuilder("sh", "-c", "trap '' HUP; exec sleep 600").start();
    closeLater(ignoresHup::destroyForcibly);
    Path signalClasses = tmp.resolve("classes-signal.log");
    SidecarProcess signal = closeLater(SidecarProcess.launchJar(tmp, Map.of(),
        flags("-Xlog:class+load=info:file=" + signalClasses), "--watch", dir.toString(),
        "--signal", "HUP", "--pid", Long.toString(ignoresHup.pid()), "--debounce", "50ms",
        "--listen-address", "127.0.0.1:0"));
    int port = signal.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    await().atMost(WAIT).until(() -> signal.log().contains("reloaded (start"));
    Files.writeString(dir.resolve("a.yml"), "v2");
    await().atMost(WAIT).until(() -> signal.log().contains("reloaded (change"));
    assertThat(get(port, "/metrics").body()).contains("configmap_reload_success_reloads_total")
        .doesNotContain("reloadwatch_http_circuit_state");
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    assertThat(signal.terminate(Duration.ofSeconds(10))).isZero();

    // a command that fails: the failure and retry paths
    Path commandClasses = tmp.resolve("classes-command.log");
    SidecarProcess command = closeLater(SidecarProcess.launchJar(tmp, Map.of(),
        flags("-Xlog:class+load=info:file=" + commandClasses), "--watch", dir.toString(),
        "--listen-address", "127.0.0.1:0", "--", "sh", "-c", "exit 3"));
    int commandPort = command.port();
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> get(commandPort, "/readyz").statusCode() == 200);
    await().atMost(WAIT).until(() -> command.log().contains("reload failed"));
    assertThat(get(commandPort, "/metrics").body())
        .contains("configmap_reload_request_errors_total");
    assertThat(command.terminate(Duration.ofSeconds(10))).isZero();

    for (Path classes : List.of(signalClasses, commandClasses)) {
      List<String> lines = Files.readAllLines(classes);
      assertThat(lines).as(classes.toString())
          .anyMatch(line -> line.contains(" io.github.reloadwatch.sidecar.TargetAction "));
      for (String http : HTTP_CLASSES) {
        assertThat(lines).as(classes + ": " + http).noneMatch(line -> line.contains(http));
      }
    }
  }

  /**
   * The image's AppCDS archive as deploy/Dockerfile makes it (cds-training.sh with the
   * ENTRYPOINT's flags), here with this JDK: -Xshare:on refuses to start on an archive it cannot
   * map, and the sidecar's, commons-cli's and watch-http's classes come out of it.
   */
  @Test
  void appCdsArchive_fromTheTrainingScript_isMappedAndUsed() throws Exception {
    assumeTrue(onPath("curl") && onPath("sh"), "cds-training.sh needs sh and curl");
    Path archive = tmp.resolve("reloadwatch-sidecar.jsa");
    List<String> training = new ArrayList<>(List.of("sh",
        DockerfileTest.ROOT.resolve("watch-sidecar/cds-training.sh").toString(), java(),
        SidecarProcess.JAR.toString(), archive.toString()));
    training.addAll(DOCKERFILE_FLAGS);
    ProcessBuilder pb = new ProcessBuilder(training).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("training.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RELOADWATCH_"));
    pb.environment().put("CDS_TRAINING_PORT", Integer.toString(freePort()));
    Process train = pb.start();
    closeLater(train::destroyForcibly);
    assertThat(train.waitFor(3, TimeUnit.MINUTES)).as("training finished").isTrue();
    assertThat(train.exitValue()).as(Files.readString(tmp.resolve("training.log"))).isZero();
    assertThat(archive).isNotEmptyFile();

    ReloadTarget target = closeLater(new ReloadTarget());
    Path dir = Files.createDirectories(tmp.resolve("config"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    Path classes = tmp.resolve("classes-cds.log");
    SidecarProcess sidecar = closeLater(SidecarProcess.launchJar(tmp, Map.of(),
        flags("-XX:SharedArchiveFile=" + archive, "-Xshare:on",
            "-Xlog:class+load=info:file=" + classes),
        "--watch", dir.toString(), "--url", target.url(), "--debounce", "50ms",
        "--listen-address", "127.0.0.1:0"));
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    Files.writeString(dir.resolve("a.yml"), "v2");
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(Files.readAllLines(classes))
        .anyMatch(line -> line.contains(" io.github.reloadwatch.sidecar.SidecarRun source: shared"))
        .anyMatch(line -> line.contains(" org.apache.commons.cli.DefaultParser source: shared"))
        .anyMatch(line -> line.contains(" io.github.reloadwatch.http.HttpReloadAction source:"
            + " shared"));
  }

  /** The jlink'ed runtime of deploy/Dockerfile has every module jdeps finds the jar using. */
  @Test
  void jlinkModules_coverWhatJdepsFinds() throws Exception {
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    assumeTrue(Files.isExecutable(jdeps), "no jdeps in this Java");
    assumeTrue(Files.isRegularFile(SidecarProcess.JAR), "the jar is not built");
    Process p = new ProcessBuilder(jdeps.toString(), "--ignore-missing-deps",
        "--print-module-deps", "--multi-release", "17", SidecarProcess.JAR.toString())
        .redirectErrorStream(true).start();
    closeLater(p::destroyForcibly);
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    String[] lines = output.strip().split("\n");
    List<String> needed = List.of(lines[lines.length - 1].strip().split(","));
    assertThat(DockerfileTest.jlinkModules()).containsAll(needed).contains("jdk.crypto.ec");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static boolean onPath(String program) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }

  private static String prometheusConfig(String job) {
    return "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: " + job + "\n"
        + "    static_configs:\n      - targets: ['127.0.0.1:9']\n";
  }

  /**
   * The deploy/kubernetes/prometheus-from-api.yaml pod on one machine: the sidecar jar fills a
   * directory from the (mock) API and is ready before Prometheus starts on it; every real
   * ConfigMap change reloads Prometheus exactly once, an update that changes no file never.
   */
  @Test
  void realPrometheus_followsTheConfigMap_oneReloadPerRealChange() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("prometheus-config", Map.of("prometheus.yml", prometheusConfig("v1")));
    int prometheusPort = freePort();
    Path dir = tmp.resolve("etc-prometheus");
    SidecarProcess sidecar = closeLater(SidecarProcess.launchJar(tmp, api.environment(tmp),
        flags(), "--from-configmap", "prometheus-config", "--materialize", dir.toString(),
        "--prometheus", "http://127.0.0.1:" + prometheusPort, "--verify", "--debounce", "100ms",
        "--listen-address", "127.0.0.1:0"));
    int port = sidecar.port();
    // the native sidecar's startup probe: Prometheus starts only after this
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    PrometheusProcess prometheus = closeLater(PrometheusProcess.start(dir.resolve("prometheus.yml"),
        tmp, null, prometheusPort, PrometheusProcess.binary("prometheus")));
    assertThat(prometheus.loadedConfig()).contains("job_name: v1");
    String reloads = "configmap_reload_success_reloads_total{webhook=\"http://127.0.0.1:"
        + prometheusPort + "/-/reload\"}";
    String target = "{target=\"http://127.0.0.1:" + prometheusPort
        + "/-/reload\",watcher=\"sidecar\"}";
    String object = "{kind=\"configmap\",name=\"prometheus-config\",namespace=\"test\"}";
    // the reload at start waited for Prometheus (refused until it listened): one success
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains(reloads + " 1.0"));
    await().atMost(WAIT).until(() -> loads(prometheus) == 2); // its start, the sidecar's reload

    api.putConfigMap("prometheus-config", Map.of("prometheus.yml", prometheusConfig("v2")));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: v2"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains(reloads + " 2.0")
        .contains("reloadwatch_kubernetes_writes_total" + object + " 2.0"));
    assertThat(loads(prometheus)).isEqualTo(3);

    // an update that changes no file, then a real one: written and reloaded once, for the latter
    api.annotate("prometheus-config", "example.com/owner", "team-a");
    String rv = api.putConfigMap("prometheus-config", Map.of("prometheus.yml",
        prometheusConfig("v3"))).getMetadata().getResourceVersion();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: v3"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("resource_version=\"" + rv + "\"} 1")
        .contains(reloads + " 3.0")
        .contains("reloadwatch_kubernetes_writes_total" + object + " 3.0")
        .contains("reloader_last_reload_successful" + target + " 1.0"));
    assertThat(loads(prometheus)).isEqualTo(4);
    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(loads(prometheus)).as("nothing more after the last change").isEqualTo(4);
  }

  /** How many times Prometheus (re)loaded its configuration, from its own log. */
  private static long loads(PrometheusProcess prometheus) throws Exception {
    return Files.readAllLines(prometheus.log).stream()
        .filter(line -> line.contains("Completed loading of configuration file")).count();
  }
}
