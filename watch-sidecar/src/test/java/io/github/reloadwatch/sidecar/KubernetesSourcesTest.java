package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KubernetesSources} in process, against fabric8's mock API server: what the probes and
 * metrics see before and after the first write, how unhealthiness is timed, and that close()
 * leaves no thread behind.
 */
@Tag("filesystem")
class KubernetesSourcesTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  private List<ApiObject> objects(String... args) {
    SidecarOptions o = Sidecar.FrontEnd.NATIVE.parse(args, new PrintWriter(new StringWriter()));
    OptionChecks.check(o);
    return ApiObject.plan(o);
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void notReadyBeforeTheFirstWrite_readyAfter_metricsShowVersionAndContact_noThreadLeft()
      throws Exception {
    try (MockKubernetes api = MockKubernetes.crud()) {
      String rv = api.putConfigMap("app", Map.of("a.yml", "v1")).getMetadata().getResourceVersion();
      Set<Thread> before = live();
      Path dir = tmp.resolve("config");
      KubernetesSources sources = new KubernetesSources(objects("--from-configmap", "app",
          "--materialize", dir.toString(), "--url", "http://h/r"), api::config);
      PrometheusRegistry registry = new PrometheusRegistry();
      sources.registerMetrics(registry);

      // before: red, and no series yet
      assertThat(HealthCheck.readiness(null, List.of(), sources.health(Instant.now())))
          .isEqualTo(new HealthCheck.Verdict(503,
              "materializing configmap app: no version written yet\n"));
      assertThat(scrape(registry)).doesNotContain("kind=\"configmap\"");

      sources.start();

      // after: written, and the watcher decides readiness ("starting": none here)
      assertThat(Files.readString(dir.resolve("a.yml"))).isEqualTo("v1");
      List<HealthCheck.Source> health = sources.health(Instant.now());
      assertThat(health).containsExactly(
          new HealthCheck.Source("configmap test/app", true, null, null));
      assertThat(HealthCheck.readiness(null, List.of(), health).body()).isEqualTo("starting\n");
      assertThat(scrape(registry))
          .contains("reloadwatch_kubernetes_materialized_info{kind=\"configmap\",name=\"app\","
              + "namespace=\"test\",resource_version=\"" + rv + "\"} 1")
          .containsPattern("reloadwatch_kubernetes_last_api_contact_timestamp_seconds\\{kind="
              + "\"configmap\",name=\"app\",namespace=\"test\"} 1\\.[0-9]+E9")
          .contains("reloadwatch_kubernetes_drift_repairs_total{kind=\"configmap\",name=\"app\","
              + "namespace=\"test\"} 0.0");
      assertThat(Threads.ours()).anyMatch(n -> n.startsWith("reloadwatch-kubernetes-"));

      sources.close();
      sources.close(); // idempotent

      assertThat(Threads.ours()).isEmpty();
      // the client's threads go too; see watch-kubernetes' LifecycleTest for the ones excluded
      await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
          assertThat(live().stream().filter(t -> !before.contains(t)).map(Thread::getName)
              .filter(n -> !n.matches("HttpClient-\\d+-SelectorManager"))
              .filter(n -> !n.startsWith("CachedSingleThreadScheduler-"))
              .filter(n -> !n.startsWith("awaitility"))
              .filter(n -> !n.startsWith("test-watch-closer"))
              .filter(n -> !n.startsWith("vert.x-")) // the mock server's
              .sorted().toList()).isEmpty());
      assertThat(Files.readString(dir.resolve("a.yml"))).as("the files stay").isEqualTo("v1");
    }
  }

  @Test
  void unhealthy_isTimedFromTheFirstProbeThatSawIt_andNamesWhy() throws Exception {
    try (MockKubernetes api = MockKubernetes.crud()) {
      api.putConfigMap("app", Map.of("a.yml", "v1"));
      try (KubernetesSources sources = new KubernetesSources(objects("--from-configmap", "app",
          "--materialize", tmp.resolve("config").toString(), "--url", "http://h/r"),
          api::config)) {
        sources.start();
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(sources.health(t0).get(0).unhealthySince()).isNull();

        api.server.shutdown();
        await().atMost(WAIT).until(() -> sources.health(t0).get(0).unhealthySince() != null);

        HealthCheck.Source later = sources.health(t0.plusSeconds(90)).get(0);
        assertThat(later.unhealthySince()).isEqualTo(t0);
        assertThat(later.detail()).startsWith("the watch is disconnected");
        assertThat(HealthCheck.liveness(null, List.of(), List.of(later), t0.plusSeconds(90),
            Duration.ofSeconds(60)).status()).isEqualTo(503);
      }
    }
  }

  @Test
  void startFailure_closesWhatStarted_andNamesTheObject() throws Exception {
    try (MockKubernetes api = MockKubernetes.crud()) {
      api.putConfigMap("app", Map.of("a.yml", "v1"));
      KubernetesSources sources = new KubernetesSources(objects("--from-configmap",
          "app,missing", "--materialize", tmp.resolve("config").toString(), "--url",
          "http://h/r"), api::config);
      assertThatThrownBy(sources::start).isInstanceOf(IOException.class)
          .hasMessage("configmap test/missing not found: create configmap missing in namespace"
              + " test, or fix --from-configmap (NAMESPACE/NAME for another namespace)");
      assertThat(Threads.ours()).isEmpty();
      assertThat(sources.statuses()).allSatisfy(s -> assertThat(s.state().name())
          .isEqualTo("CLOSED"));
    }
  }

  private static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  /** The live threads this library started. */
  static final class Threads {
    static List<String> ours() {
      return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
          .map(Thread::getName).filter(n -> n.startsWith("reloadwatch-")).sorted().toList();
    }
  }
}
