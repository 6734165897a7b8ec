package io.github.reloadwatch.sidecar;

import static io.github.reloadwatch.sidecar.SidecarProcess.WAIT;
import static io.github.reloadwatch.sidecar.SidecarProcess.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --from-configmap}, {@code --from-secret} and {@code --materialize} (#10), with the
 * sidecar as a real process (this module's classes) and fabric8's mock API server on loopback,
 * found through a kubeconfig in a temporary directory.
 */
@Tag("filesystem")
class FromApiTest {

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

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SidecarProcess sidecar(MockKubernetes api, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--debounce", "50ms", "--listen-address", "127.0.0.1:0"));
    return closeLater(SidecarProcess.launch(tmp, api.environment(tmp), all.toArray(new String[0])));
  }

  @Test
  void configMapUpdate_isWrittenWhole_reloadsOncePerRealChange_probesAndMetricsFollow()
      throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("app", Map.of("a.yml", "v1", "b.yml", "v1"));
    ReloadTarget target = closeLater(new ReloadTarget());
    Path dir = tmp.resolve("config");
    // every call sees one whole version: both files of the same update
    target.observe = () -> read(dir.resolve("a.yml")) + "+" + read(dir.resolve("b.yml"));
    CountDownLatch slowApi = api.holdGets(MockKubernetes.get("configmaps", "app"));

    SidecarProcess sidecar = sidecar(api, "--from-configmap", "app", "--materialize",
        dir.toString(), "--url", target.url());
    int port = sidecar.port();

    // then: not ready while the API has not answered, and nothing written
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
      var ready = get(port, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).startsWith("materializing configmap ").contains("app: no version");
    });
    assertThat(dir.resolve("a.yml")).doesNotExist();
    assertThat(get(port, "/healthz").statusCode()).as("starting is alive").isEqualTo(200);
    slowApi.countDown();

    // then: ready once written, in kubelet's layout, and reloaded once at start
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(Files.isSymbolicLink(dir.resolve("..data"))).isTrue();
    assertThat(Files.readSymbolicLink(dir.resolve("a.yml"))).isEqualTo(Path.of("..data/a.yml"));
    assertThat(read(dir.resolve("a.yml"))).isEqualTo("v1");
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);

    // when: the ConfigMap changes through the API
    String rv2 = api.putConfigMap("app", Map.of("a.yml", "v2", "b.yml", "v2"))
        .getMetadata().getResourceVersion();

    // then: one reload, which saw the whole new version; one version directory left
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    assertThat(target.observed).containsExactly("v1+v1", "v2+v2");
    assertThat(versions(dir)).hasSize(1);
    String webhook = "target=\"" + target.url() + "\",watcher=\"sidecar\"";
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("reloadwatch_kubernetes_materialized_info{kind=\"configmap\",name=\"app\","
            + "namespace=\"test\",resource_version=\"" + rv2 + "\"} 1")
        .containsPattern("reloadwatch_kubernetes_last_api_contact_timestamp_seconds\\{kind="
            + "\"configmap\",name=\"app\",namespace=\"test\"} 1\\.[0-9]+E9")
        .contains("reloadwatch_kubernetes_writes_total{kind=\"configmap\",name=\"app\","
            + "namespace=\"test\"} 2.0")
        .contains("reloadwatch_kubernetes_drift_repairs_total{kind=\"configmap\",name=\"app\","
            + "namespace=\"test\"} 0.0")
        .contains("reloadwatch_kubernetes_healthy{kind=\"configmap\",name=\"app\","
            + "namespace=\"test\"} 1.0")
        .contains("reloader_reloads_total{" + webhook + "} 2.0")
        .contains("reloader_watches{watcher=\"sidecar\"} 1.0"));

    // when: an update that changes no file (an annotation), then a real one
    api.annotate("app", "example.com/touched", "yes");
    String rv4 = api.putConfigMap("app", Map.of("a.yml", "v3", "b.yml", "v3"))
        .getMetadata().getResourceVersion();

    // then: one more write and one more reload, for the real change only
    await().atMost(WAIT).until(() -> target.reloads.get() == 3);
    await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/metrics").body())
        .contains("resource_version=\"" + rv4 + "\"} 1")
        .contains("reloadwatch_kubernetes_writes_total{kind=\"configmap\",name=\"app\","
            + "namespace=\"test\"} 3.0")
        .contains("reloader_reloads_total{" + webhook + "} 3.0"));
    assertThat(target.observed).containsExactly("v1+v1", "v2+v2", "v3+v3");

    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(sidecar.log()).contains("from the Kubernetes API: [configmap app -> " + dir + "]")
        .contains("reading [configmap app] from the Kubernetes API at " + api.url());
  }

  private static List<Path> versions(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("..")
          && !p.getFileName().toString().equals("..data")
          && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
  }

  @Test
  void severalObjects_eachInItsOwnDirectory_allWatched() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("rules", Map.of("r.yml", "r1"));
    api.putConfigMap("app", Map.of("a.yml", "a1"));
    ReloadTarget target = closeLater(new ReloadTarget());
    Path dir = tmp.resolve("config");
    SidecarProcess sidecar = sidecar(api, "--from-configmap", "app,test/rules",
        "--materialize", dir.toString(), "--url", target.url());
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(read(dir.resolve("app/a.yml"))).isEqualTo("a1");
    assertThat(read(dir.resolve("rules/r.yml"))).isEqualTo("r1");
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);

    api.putConfigMap("rules", Map.of("r.yml", "r2"));
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    assertThat(get(port, "/metrics").body()).contains("reloader_watches{watcher=\"sidecar\"} 2.0");
    assertThat(sidecar.log().split("from the Kubernetes API at ", -1))
        .as("one client for every object").hasSize(2);
  }

  @Test
  void forbidden_exitsOne_namingTheRbacRule() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.scripted());
    api.server.expect().get().withPath(MockKubernetes.get("configmaps", "app"))
        .andReturn(403, MockKubernetes.forbidden("get", "configmaps", "app")).always();
    SidecarProcess sidecar = sidecar(api, "--from-configmap", "app", "--materialize",
        tmp.resolve("config").toString(), "--url", "http://127.0.0.1:1/-/reload");
    assertThat(sidecar.exitValue(WAIT)).isEqualTo(1);
    assertThat(sidecar.log()).contains("cannot start: forbidden (403): cannot get configmaps"
        + " \"app\" in namespace \"test\": grant a Role with apiGroups [\"\"], resources"
        + " [\"configmaps\"], resourceNames [\"app\"], verbs [\"get\", \"list\", \"watch\"] in"
        + " namespace \"test\" and bind it to the service account");
  }

  @Test
  void missingObject_exitsOne_namingItAndTheNamespace() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    SidecarProcess sidecar = sidecar(api, "--from-configmap", "app", "--materialize",
        tmp.resolve("config").toString(), "--url", "http://127.0.0.1:1/-/reload");
    assertThat(sidecar.exitValue(WAIT)).isEqualTo(1);
    assertThat(sidecar.log()).contains("cannot start: configmap test/app not found: create"
        + " configmap app in namespace test, or fix --from-configmap");
  }

  @Test
  void secret_isNeverLogged_evenVerbose_andItsFilesArePrivate() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putSecret("creds", Map.of("password", "hunter2-first"));
    ReloadTarget target = closeLater(new ReloadTarget());
    Path dir = tmp.resolve("secrets");
    SidecarProcess sidecar = sidecar(api, "-v", "--from-secret", "creds", "--materialize",
        dir.toString(), "--url", target.url());
    int port = sidecar.port();
    await().atMost(WAIT).until(() -> target.reloads.get() == 1);
    assertThat(read(dir.resolve("password"))).isEqualTo("hunter2-first");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("password")))).isEqualTo("rw-------");

    api.putSecret("creds", Map.of("password", "hunter2-second"));
    await().atMost(WAIT).until(() -> target.reloads.get() == 2);
    assertThat(get(port, "/metrics").body()).contains("kind=\"secret\",name=\"creds\"")
        .doesNotContain("hunter2");
    assertThat(get(port, "/healthz").body()).doesNotContain("hunter2");
    assertThat(sidecar.terminate(Duration.ofSeconds(10))).isZero();
    assertThat(sidecar.log()).contains(" DEBUG ").contains("wrote secret test/creds")
        .doesNotContain("hunter2").doesNotContain("aHVudGVyM"); // nor its base64
  }

  @Test
  void once_writesEveryObjectAndExitsZero_failureExitsOne() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("app", Map.of("a.yml", "v1"));
    Path dir = tmp.resolve("init");
    SidecarProcess init = sidecar(api, "--once", "--from-configmap", "app", "--materialize",
        dir.toString());
    assertThat(init.exitValue(WAIT)).isZero();
    assertThat(read(dir.resolve("a.yml"))).isEqualTo("v1");
    assertThat(Files.isSymbolicLink(dir.resolve("..data"))).isTrue();
    assertThat(init.log()).as("read once, never watched").doesNotContain("watching by name")
        .contains("--once: the Kubernetes objects are written");

    SidecarProcess missing = sidecar(api, "--once", "--from-configmap", "nope", "--materialize",
        tmp.resolve("init2").toString());
    assertThat(missing.exitValue(WAIT)).isEqualTo(1);
    assertThat(missing.log()).contains("cannot start: configmap test/nope not found: create"
        + " configmap nope in namespace test");
  }

  @Test
  void once_forbidden_exitsOne_namingTheRule() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.scripted());
    api.server.expect().get().withPath(MockKubernetes.get("secrets", "creds"))
        .andReturn(403, MockKubernetes.forbidden("get", "secrets", "creds")).always();
    SidecarProcess init = sidecar(api, "--once", "--from-secret", "creds", "--materialize",
        tmp.resolve("init").toString());
    assertThat(init.exitValue(WAIT)).isEqualTo(1);
    assertThat(init.log()).contains("cannot start: forbidden (403): cannot get secrets \"creds\""
        + " in namespace \"test\": grant a Role with apiGroups [\"\"], resources [\"secrets\"],"
        + " resourceNames [\"creds\"], verbs [\"get\", \"list\", \"watch\"]");
  }

  /** The API goes away: alive for --unhealthy-after, then red naming the object; files kept. */
  @Test
  void apiGone_turnsHealthRedAfterTheBound_namingTheObject() throws Exception {
    MockKubernetes api = closeLater(MockKubernetes.crud());
    api.putConfigMap("app", Map.of("a.yml", "v1"));
    Path dir = tmp.resolve("config");
    SidecarProcess sidecar = sidecar(api, "--from-configmap", "app", "--materialize",
        dir.toString(), "--url", "http://127.0.0.1:1/-/reload", "--unhealthy-after", "1s");
    int port = sidecar.port();
    await().atMost(WAIT).ignoreExceptions().until(() -> get(port, "/readyz").statusCode() == 200);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

    api.server.shutdown();

    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
      var health = get(port, "/healthz");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).startsWith("unhealthy\n")
          .contains("configmap test/app unhealthy for").contains("the watch is disconnected");
    });
    assertThat(get(port, "/readyz").statusCode()).as("the files are still there").isEqualTo(200);
    assertThat(get(port, "/metrics").body()).contains("reloadwatch_kubernetes_healthy{kind="
        + "\"configmap\",name=\"app\",namespace=\"test\"} 0.0");
    assertThat(read(dir.resolve("a.yml"))).isEqualTo("v1");
  }
}
