package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.testing.ConfigMapFixture;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against a real Prometheus whose config lives in a kubelet-style ConfigMap folder.
 * Needs the {@code prometheus} binary (skipped without it, failing when {@code CI} is set).
 */
@Tag("prometheus")
class PrometheusReloadTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private ConfigMapFixture mount;
  private PrometheusProcess prometheus;
  private ReloadWatcher watcher;
  private final List<String> outcomes = new CopyOnWriteArrayList<>();

  static String config(String job) {
    return "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: " + job + "\n"
        + "    static_configs:\n      - targets: ['127.0.0.1:9']\n";
  }

  @BeforeEach
  void setUp() throws Exception {
    PrometheusProcess.binary(); // skip (or fail on CI) before doing anything
    mount = ConfigMapFixture.create(tmp.resolve("config"), Map.of("prometheus.yml", config("v1")));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (watcher != null) {
      watcher.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private void watch(HttpReloadAction action) throws Exception {
    watcher = ReloadWatcher.builder()
        .addPath(mount.dir())
        .debounce(Duration.ofMillis(50))
        .retry(RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(1)).build())
        .addAction(action)
        .listener(new ReloadListener() {
          @Override
          public void onReloaded(ReloadEvent event, Duration took) {
            outcomes.add("reloaded");
          }

          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            outcomes.add("failed: " + error.getMessage());
          }

          @Override
          public void onRejected(ReloadEvent event, ReloadRejectedException error) {
            outcomes.add("rejected: " + error.getMessage());
          }
        })
        .build();
    watcher.start();
  }

  private void startPrometheus(String... args) throws Exception {
    prometheus = PrometheusProcess.start(mount.path("prometheus.yml"), tmp, args);
  }

  /** Also keeps the README's Prometheus snippet (between the markers) compiling and working. */
  @Test
  void aChangeIsLoadedAndVerified() throws Exception {
    startPrometheus("--web.enable-lifecycle");
    Path configDir = mount.dir();
    URI prometheusUrl = prometheus.base();

    // snippet: prometheus
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(configDir)                                // the ConfigMap mount
        .addAction(PrometheusReload.at(prometheusUrl)      // POST /-/reload
            .verify(true)                                  // and confirm it really loaded
            .build())
        .build();
    watcher.start();
    // end snippet

    this.watcher = watcher;
    assertThat(prometheus.loadedConfig()).contains("job_name: v1");

    mount.swap(Map.of("prometheus.yml", config("v2")));

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: v2"));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1));
    assertThat(watcher.status().reloadsFailed()).isZero();
  }

  @Test
  void anInvalidConfigIsRejectedAndTheOldOneStaysUntilAValidOneLoads() throws Exception {
    startPrometheus("--web.enable-lifecycle");
    watch(PrometheusReload.at(prometheus.base()).build());

    mount.swap(Map.of("prometheus.yml", "global:\n  scrape_interval: soon\n"));

    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).singleElement()
        .asString().startsWith("rejected: ").contains("answered 500").contains("not a valid duration string"));
    assertThat(prometheus.loadedConfig()).contains("job_name: v1");
    assertThat(watcher.status().failing()).isTrue();

    mount.swap(Map.of("prometheus.yml", config("v3")));

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(prometheus.loadedConfig()).contains("job_name: v3"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(watcher.status().failing()).isFalse());
    assertThat(outcomes).hasSize(2).last().isEqualTo("reloaded");
  }

  @Test
  void anUpdateWhilePrometheusIsDownIsAppliedWhenItIsBack() throws Exception {
    // given
    startPrometheus("--web.enable-lifecycle");
    watch(PrometheusReload.at(prometheus.base()).verify(true)
        .circuitOpenDuration(Duration.ofSeconds(1)).build());
    prometheus.stop();

    // when: the content changes while Prometheus is down
    mount.swap(Map.of("prometheus.yml", config("while-down")));
    await().atMost(WAIT).until(() -> outcomes.stream().anyMatch(o -> o.contains("cannot connect")));
    assertThat(outcomes).noneMatch(o -> o.startsWith("rejected"));

    // then: once it is back on the same port, a retry (no further file change) reloads and verifies
    prometheus.start();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(prometheus.loadedConfig()).contains("job_name: while-down");
      assertThat(outcomes).last().isEqualTo("reloaded");
    });
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    assertThat(watcher.status().failing()).isFalse();
  }

  @Test
  void withoutTheLifecycleFlagTheMessageSaysHowToEnableIt_andFixingPrometheusHeals()
      throws Exception {
    // given
    startPrometheus();
    watch(PrometheusReload.at(prometheus.base()).build());

    // when
    mount.swap(Map.of("prometheus.yml", config("v2")));

    // then
    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).first().asString()
        .startsWith("failed: ").contains("403").contains("--web.enable-lifecycle"));
    assertThat(prometheus.loadedConfig()).contains("job_name: v1");
    assertThat(watcher.status().failing()).isTrue();

    // when: the operator restarts Prometheus with the flag; the content does not change again
    prometheus.stop();
    prometheus.start("--web.enable-lifecycle");

    // then: the watcher's retries (a misconfiguration is retried) reach it and succeed
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(outcomes).last().isEqualTo("reloaded");
      assertThat(watcher.status().failing()).isFalse();
    });
    assertThat(prometheus.loadedConfig()).contains("job_name: v2");
  }

  @Test
  void aRoutePrefixIsPartOfTheBase() throws Exception {
    startPrometheus("--web.enable-lifecycle", "--web.route-prefix=/prom");
    watch(PrometheusReload.at(prometheus.base().resolve("/prom")).verify(true).build());

    mount.swap(Map.of("prometheus.yml", config("prefixed")));

    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).containsExactly("reloaded"));
    assertThat(prometheus.get("/prom/api/v1/status/config").body()).contains("job_name: prefixed");
  }
}
