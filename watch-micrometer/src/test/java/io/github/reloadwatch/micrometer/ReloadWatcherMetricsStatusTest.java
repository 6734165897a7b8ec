package io.github.reloadwatch.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.testing.RecordingAction;
import io.github.reloadwatch.testing.RecordingAction.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every meter moves as {@link ReloadWatcher#status()} says, in a SimpleMeterRegistry and a
 * PrometheusMeterRegistry bound at once, through real reloads on a real file system: success,
 * identical rewrite, failure, a validator's rejection, recovery. Real time: each step waits (at
 * most 30 s) for the watcher.
 */
@Tag("filesystem")
class ReloadWatcherMetricsStatusTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "s3cr3t-in-the-file";

  @TempDir Path tmp;

  private final SimpleMeterRegistry simple = new SimpleMeterRegistry();
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void everyMeter_followsTheStatus_inSimpleAndPrometheusRegistries() throws Exception {
    // given
    Path dir = Files.createDirectories(tmp.resolve("config"));
    Path file = dir.resolve("app.yml");
    Files.writeString(file, "v1 " + SECRET);
    RecordingAction action = new RecordingAction();
    ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app", Tags.of("tier", "edge"));
    try (ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(dir)
        .debounce(Duration.ofMillis(50))
        .retry(RetryPolicy.never())
        .addValidator(context -> {
          if (new String(context.snapshot().read(file), StandardCharsets.UTF_8)
              .contains("invalid")) {
            throw new ReloadRejectedException("invalid content: " + SECRET);
          }
        })
        .addAction(action)
        .addTarget("alertmanager", new RecordingAction())
        .addListener(metrics)
        .build()) {
      metrics.bindTo(simple); // before track(): nothing to register yet
      metrics.track(watcher);
      watcher.start();
      metrics.bindTo(prometheus);

      // when: a change both targets apply (bindTo after start() registered the targets' meters)
      Files.writeString(file, "v2 " + SECRET);
      agreed(watcher, s -> s.reloadsSucceeded() == 2);
      assertThat(simple.get(MeterNames.RELOADS).tags("target", "default", "tier", "edge")
          .functionCounter().count()).isEqualTo(1);

      long skipped = watcher.status().skippedUnchanged();
      Files.writeString(file, "v2 " + SECRET);
      agreed(watcher, s -> s.skippedUnchanged() > skipped);

      action.thenOutcomes(Outcome.FAIL);
      Files.writeString(file, "v3 " + SECRET);
      agreed(watcher, s -> s.reloadsFailed() == 1 && s.reloadsSucceeded() == 3);
      assertThat(prometheus.scrape()).contains(
          "reloader_last_reload_successful{target=\"default\",tier=\"edge\",watcher=\"app\"} 0.0");

      Files.writeString(file, "invalid " + SECRET);
      agreed(watcher, s -> s.reloadsRejected() == 2);
      assertThat(prometheus.scrape()).contains(
          "reloader_reloads_failed_total{target=\"default\",tier=\"edge\",watcher=\"app\"} 2.0");

      Files.writeString(file, "v5 " + SECRET);
      agreed(watcher, s -> s.reloadsSucceeded() == 5);
      assertThat(prometheus.scrape()).contains(
          "reloader_last_reload_successful{target=\"default\",tier=\"edge\",watcher=\"app\"} 1.0")
          .doesNotContain(SECRET).doesNotContain("scripted").doesNotContain(tmp.toString());
    }
  }

  private void agreed(ReloadWatcher watcher, Predicate<WatchStatus> until) {
    await().atMost(WAIT).untilAsserted(() -> {
      WatchStatus status = watcher.status();
      assertThat(until).as("status %s", status).accepts(status);
      assertAgrees(simple, status, watcher.paths().size());
      assertAgrees(prometheus, status, watcher.paths().size());
      assertThat(watcher.status()).as("unchanged while read").isEqualTo(status);
    });
  }

  private static void assertAgrees(MeterRegistry registry, WatchStatus status, int paths) {
    for (WatchStatus.Target t : status.targets()) {
      String[] tags = {"target", t.name(), "watcher", "app"};
      assertThat(registry.get(MeterNames.RELOADS).tags(tags).functionCounter().count())
          .isEqualTo(t.reloadsSucceeded() + t.reloadsFailed() + t.reloadsRejected());
      assertThat(registry.get(MeterNames.RELOADS_FAILED).tags(tags).functionCounter().count())
          .isEqualTo(t.reloadsFailed() + t.reloadsRejected());
      assertThat(registry.get(MeterNames.RELOADS_REJECTED).tags(tags).functionCounter().count())
          .isEqualTo(t.reloadsRejected());
      assertThat(registry.get(MeterNames.LAST_SUCCESSFUL).tags(tags).gauge().value())
          .isEqualTo(t.failing() ? 0 : 1);
      assertThat(registry.get(MeterNames.LAST_SUCCESS_TIME).tags(tags).gauge().value())
          .isEqualTo(t.lastSuccess().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0));
      assertThat(registry.get(MeterNames.DURATION).tags(tags).timer().count())
          .isEqualTo(t.reloadsSucceeded());
    }
    assertThat(registry.get(MeterNames.SKIPPED).tag("watcher", "app").functionCounter().count())
        .isEqualTo(status.skippedUnchanged());
    assertThat(registry.get(MeterNames.WATCH_EVENTS).functionCounter().count())
        .isEqualTo(status.watchEvents());
    assertThat(registry.get(MeterNames.WATCH_ERRORS).functionCounter().count())
        .isEqualTo(status.watchErrors());
    assertThat(registry.get(MeterNames.WATCHES).gauge().value()).isEqualTo(paths);
    for (WatchStatus.Condition c : WatchStatus.Condition.values()) {
      boolean holds = status.problems().stream().anyMatch(p -> p.condition() == c);
      assertThat(registry.get(MeterNames.PROBLEM).tag("condition", c.name()).gauge().value())
          .as("problem %s", c).isEqualTo(holds ? 1 : 0);
    }
  }
}
