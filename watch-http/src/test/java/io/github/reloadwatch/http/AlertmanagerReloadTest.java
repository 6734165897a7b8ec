package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.testing.ConfigMapFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against a real Alertmanager whose config lives in a kubelet-style ConfigMap folder,
 * verified through its own metrics ({@code alertmanager_config_hash}, {@code
 * alertmanager_config_last_reload_*}). Needs {@code prometheus-alertmanager} (skipped without it,
 * failing when {@code CI} is set).
 */
@Tag("alertmanager")
class AlertmanagerReloadTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String HASH = "alertmanager_config_hash";
  private static final String SUCCESSFUL = "alertmanager_config_last_reload_successful";
  private static final String SUCCESS_TIME =
      "alertmanager_config_last_reload_success_timestamp_seconds";

  @TempDir Path tmp;
  private ConfigMapFixture mount;
  private AlertmanagerProcess alertmanager;
  private ReloadWatcher watcher;
  private final List<String> outcomes = new CopyOnWriteArrayList<>();

  static String config(String receiver) {
    return "route:\n  receiver: " + receiver + "\nreceivers:\n  - name: " + receiver + "\n";
  }

  @BeforeEach
  void setUp() throws Exception {
    AlertmanagerProcess.binary(); // skip (or fail on CI) before doing anything
    mount = ConfigMapFixture.create(tmp.resolve("config"), Map.of("alertmanager.yml", config("v1")));
    alertmanager = AlertmanagerProcess.start(mount.path("alertmanager.yml"), tmp);
    watcher = ReloadWatcher.builder()
        .addPath(mount.dir())
        .debounce(Duration.ofMillis(50))
        .retry(RetryPolicy.builder().initialBackoff(Duration.ofMillis(200))
            .maxBackoff(Duration.ofSeconds(1)).unavailableInterval(Duration.ofMillis(200)).build())
        .addAction(AlertmanagerReload.at(alertmanager.base()).verify(true).build())
        .listener(new ReloadListener() {
          @Override
          public void onReloaded(ReloadEvent event, Duration took) {
            outcomes.add("reloaded");
          }

          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            outcomes.add((error instanceof HttpReloadException e && e.targetUnavailable()
                ? "unavailable: " : "failed: ") + error.getMessage());
          }

          @Override
          public void onRejected(ReloadEvent event, ReloadRejectedException error) {
            outcomes.add("rejected: " + error.getMessage());
          }
        })
        .build();
    watcher.start();
  }

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  @Test
  void aChangeIsLoadedAndVerified_andTheConfigHashChanges() throws Exception {
    // given
    Double before = alertmanager.metric(HASH);
    Instant changed = Instant.now();

    // when
    mount.swap(Map.of("alertmanager.yml", config("v2")));

    // then
    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).containsExactly("reloaded"));
    assertThat(alertmanager.loadedConfig()).contains("receiver: v2");
    assertThat(alertmanager.metric(HASH)).isNotNull().isNotEqualTo(before);
    assertThat(alertmanager.metric(SUCCESSFUL)).isEqualTo(1.0);
    assertThat(alertmanager.metric(SUCCESS_TIME))
        .isGreaterThanOrEqualTo(changed.getEpochSecond() - 1.0);
  }

  @Test
  void anInvalidConfigIsRejected_theOldOneStays_untilAValidOneLoads() throws Exception {
    // given
    Double before = alertmanager.metric(HASH);

    // when: a route to a receiver that does not exist
    mount.swap(Map.of("alertmanager.yml", "route:\n  receiver: nope\nreceivers:\n  - name: v1\n"));

    // then: rejected with Alertmanager's words; its hash and config are the old ones
    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).singleElement().asString()
        .startsWith("rejected: ").contains("answered 500").contains("undefined receiver"));
    assertThat(alertmanager.metric(HASH)).isEqualTo(before);
    assertThat(alertmanager.metric(SUCCESSFUL)).isEqualTo(0.0);
    assertThat(alertmanager.loadedConfig()).contains("receiver: v1");
    assertThat(watcher.status().failing()).isTrue();

    // when: a valid config follows
    mount.swap(Map.of("alertmanager.yml", config("v3")));

    // then
    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).hasSize(2).last()
        .isEqualTo("reloaded"));
    assertThat(alertmanager.loadedConfig()).contains("receiver: v3");
    assertThat(alertmanager.metric(SUCCESSFUL)).isEqualTo(1.0);
    assertThat(alertmanager.metric(HASH)).isNotEqualTo(before);
  }

  @Test
  void aChangeWhileItIsDown_isRetriedCheaply_andSentAndVerifiedWhenItIsBack() throws Exception {
    // given
    alertmanager.stop();

    // when: the content changes while it is down, and it comes back on the same port
    mount.swap(Map.of("alertmanager.yml", config("while-down")));
    await().atMost(WAIT).until(() -> outcomes.size() >= 3);
    assertThat(outcomes).allMatch(o -> o.startsWith("unavailable: ") && o.contains("cannot connect"));
    Instant restarted = Instant.now();
    alertmanager.start();

    // then: a retry (no further file change) sends the reload, and verifies it
    await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes).last().isEqualTo("reloaded"));
    assertThat(alertmanager.loadedConfig()).contains("receiver: while-down");
    assertThat(alertmanager.metric(SUCCESSFUL)).isEqualTo(1.0);
    assertThat(alertmanager.metric(SUCCESS_TIME))
        .isGreaterThanOrEqualTo(restarted.getEpochSecond() - 1.0);
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
  }
}
