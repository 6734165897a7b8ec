package io.github.reloadwatch.prometheus;

import static io.github.reloadwatch.prometheus.Exposition.target;
import static io.github.reloadwatch.prometheus.Exposition.watcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.testing.RecordingAction;
import io.github.reloadwatch.testing.RecordingAction.Outcome;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every series moves as {@link ReloadWatcher#status()} says, through real reloads on a real file
 * system: successes, an identical rewrite, a failing action, a validator's rejection, a recovery,
 * and a watched directory that goes missing. Real time: each step waits (at most 30 s) until the
 * watcher did what the step expects.
 */
@Tag("filesystem")
class ReloaderMetricsStatusTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "s3cr3t-token-in-the-file";

  @TempDir Path tmp;

  @Test
  void everySeries_followsTheStatus_throughSuccessSkipFailureRejectionAndRecovery()
      throws Exception {
    // given: two targets, a validator, no retries (so every count is one attempt)
    Path dir = Files.createDirectories(tmp.resolve("config"));
    Path file = dir.resolve("app.yml");
    Files.writeString(file, "v1 " + SECRET);
    PrometheusRegistry registry = new PrometheusRegistry();
    WatcherMetrics metrics = ReloaderMetrics.register(registry).listener("app");
    RecordingAction prometheus = new RecordingAction();
    RecordingAction alertmanager = new RecordingAction();
    try (ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(dir)
        .debounce(Duration.ofMillis(50))
        .retry(RetryPolicy.never())
        .addValidator(context -> {
          String text = new String(context.snapshot().read(file), StandardCharsets.UTF_8);
          if (text.contains("invalid")) {
            throw new ReloadRejectedException("the content is invalid: " + text);
          }
        })
        .addAction(prometheus)
        .addTarget("alertmanager", alertmanager)
        .addListener(metrics)
        .build()) {
      metrics.track(watcher);
      watcher.start();
      Exposition start = agreed(registry, watcher, s -> true);
      assertThat(start.value(target("reloader_reloads_total", "app", "default"))).isZero();
      assertThat(start.value(target("reloader_last_reload_successful", "app", "alertmanager")))
          .isEqualTo(1);
      assertThat(start.value(target("reloader_last_reload_success_timestamp_seconds", "app",
          "default"))).isZero();
      assertThat(start.value(watcher("reloader_watches", "app"))).isEqualTo(1);

      // when: a change both targets apply
      Files.writeString(file, "v2 " + SECRET);
      Exposition ok = agreed(registry, watcher, s -> s.reloadsSucceeded() == 2);
      assertThat(ok.value(target("reloader_reloads_total", "app", "default"))).isEqualTo(1);
      assertThat(ok.value(target("reloader_reloads_failed_total", "app", "default"))).isZero();
      assertThat(ok.value(target("reloader_last_reload_success_timestamp_seconds", "app",
          "default"))).isPositive();
      assertThat(ok.value(target("reloadwatch_reload_duration_seconds_count", "app",
          "alertmanager"))).isEqualTo(1);
      assertThat(ok.value(watcher("reloader_watch_events_total", "app"))).isPositive();

      // when: the same content again
      long skippedBefore = watcher.status().skippedUnchanged();
      Files.writeString(file, "v2 " + SECRET);
      Exposition skip = agreed(registry, watcher, s -> s.skippedUnchanged() > skippedBefore);
      assertThat(skip.value(target("reloader_reloads_total", "app", "default"))).isEqualTo(1);

      // when: the default target's action fails
      prometheus.thenOutcomes(Outcome.FAIL);
      Files.writeString(file, "v3 " + SECRET);
      Exposition failed = agreed(registry, watcher, s -> s.reloadsFailed() == 1
          && s.reloadsSucceeded() == 3);
      assertThat(failed.value(target("reloader_reloads_total", "app", "default"))).isEqualTo(2);
      assertThat(failed.value(target("reloader_reloads_failed_total", "app", "default")))
          .isEqualTo(1);
      assertThat(failed.value(target("reloader_last_reload_successful", "app", "default")))
          .isZero();
      assertThat(failed.value(target("reloader_last_reload_successful", "app", "alertmanager")))
          .isEqualTo(1);

      // when: the validator rejects the content, for both targets
      Files.writeString(file, "invalid " + SECRET);
      Exposition rejected = agreed(registry, watcher, s -> s.reloadsRejected() == 2);
      assertThat(rejected.value(target("reloader_reloads_total", "app", "default"))).isEqualTo(3);
      assertThat(rejected.value(target("reloader_reloads_failed_total", "app", "default")))
          .isEqualTo(2);
      assertThat(rejected.value(target("reloadwatch_reloads_rejected_total", "app",
          "alertmanager"))).isEqualTo(1);
      assertThat(rejected.value(target("reloader_last_reload_successful", "app",
          "alertmanager"))).isZero();

      // when: good content again
      double lastSuccess = rejected.value(target(
          "reloader_last_reload_success_timestamp_seconds", "app", "alertmanager"));
      Files.writeString(file, "v5 " + SECRET);
      Exposition recovered = agreed(registry, watcher, s -> s.reloadsSucceeded() == 5);
      assertThat(recovered.value(target("reloader_reloads_total", "app", "default")))
          .isEqualTo(4);
      assertThat(recovered.value(target("reloader_last_reload_successful", "app", "default")))
          .isEqualTo(1);
      assertThat(recovered.value(target("reloader_last_reload_success_timestamp_seconds", "app",
          "alertmanager"))).isGreaterThanOrEqualTo(lastSuccess);

      // then: labels name the watcher, the targets and the conditions only
      assertThat(recovered.text()).doesNotContain(SECRET).doesNotContain("scripted")
          .doesNotContain(tmp.toString());
    }
  }

  @Test
  void problemAndWatchErrors_followTheStatus_whenTheWatchedDirectoryGoesAndComesBack()
      throws Exception {
    // given
    Path dir = Files.createDirectories(tmp.resolve("mount"));
    Files.writeString(dir.resolve("a.yml"), "a");
    PrometheusRegistry registry = new PrometheusRegistry();
    WatcherMetrics metrics = ReloaderMetrics.register(registry).listener("mount");
    try (ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(dir)
        .debounce(Duration.ofMillis(50))
        .addAction(new RecordingAction())
        .addListener(metrics)
        .build()) {
      watcher.start();
      metrics.track(watcher); // after start() works too

      // when: the directory is deleted
      Files.delete(dir.resolve("a.yml"));
      Files.delete(dir);

      // then
      Exposition missing = agreed(registry, watcher, s -> s.problems().stream()
          .anyMatch(p -> p.condition() == WatchStatus.Condition.PATH_MISSING));
      assertThat(missing.value(
          "reloadwatch_problem{condition=\"PATH_MISSING\",watcher=\"mount\"}")).isEqualTo(1);
      assertThat(missing.text()).doesNotContain(dir.toString());

      // when: it comes back
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("a.yml"), "a2");
      Exposition back = agreed(registry, watcher, s -> s.problems().isEmpty()
          && s.reloadsSucceeded() == 1);
      assertThat(back.value(
          "reloadwatch_problem{condition=\"PATH_MISSING\",watcher=\"mount\"}")).isZero();
    }
  }

  /** Waits until the status passes {@code until} and the scrape agrees with it. */
  private static Exposition agreed(PrometheusRegistry registry, ReloadWatcher watcher,
      Predicate<WatchStatus> until) {
    Exposition[] last = new Exposition[1];
    await().atMost(WAIT).untilAsserted(() -> {
      WatchStatus status = watcher.status();
      assertThat(until).as("status %s", status).accepts(status);
      Exposition scraped = Exposition.of(registry);
      scraped.assertAgrees(watcherName(scraped), status, watcher.paths().size());
      assertThat(watcher.status()).as("unchanged while scraped").isEqualTo(status);
      last[0] = scraped;
    });
    return last[0];
  }

  private static String watcherName(Exposition scraped) {
    return scraped.samples().keySet().stream()
        .filter(k -> k.startsWith("reloader_watches{watcher=\""))
        .map(k -> k.substring("reloader_watches{watcher=\"".length(), k.length() - 2))
        .findFirst().orElseThrow(() -> new AssertionError("no reloader_watches in "
            + scraped.text()));
  }
}
