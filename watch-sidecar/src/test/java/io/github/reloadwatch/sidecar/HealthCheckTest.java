package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.WatchStatus.Condition;
import io.github.reloadwatch.WatchStatus.Problem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the probes answer; the parts that need a running watcher are in FaultSuiteTest. */
class HealthCheckTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void beforeTheWatcherRuns_aliveButNotReady() {
    assertThat(HealthCheck.liveness(null, List.of(Path.of("/etc/x")), NOW, BOUND).ok()).isTrue();
    HealthCheck.Verdict ready = HealthCheck.readiness(null, List.of(Path.of("/etc/x")));
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("waiting for [/etc/x] to appear\n");
  }

  private static HealthCheck.Verdict live(Problem... problems) {
    return HealthCheck.liveness(WatchStatus.State.RUNNING, List.of(problems), NOW, BOUND);
  }

  @Test
  void running_withoutProblems_isHealthy() {
    assertThat(live()).isEqualTo(new HealthCheck.Verdict(200, "ok\n"));
  }

  @Test
  void aProblem_isTolerated_untilItOutlastsTheBound() {
    Problem young = new Problem(Condition.PATH_MISSING, NOW.minusSeconds(59), "[/etc/x]");
    Problem old = new Problem(Condition.SCAN_FAILING, NOW.minusSeconds(61), "permission denied");
    assertThat(live(young).status()).isEqualTo(200);
    assertThat(live(young).body()).contains("PATH_MISSING for 59 s");
    HealthCheck.Verdict red = live(young, old);
    assertThat(red.status()).isEqualTo(503);
    assertThat(red.body()).startsWith("unhealthy\n").contains("SCAN_FAILING for 61 s")
        .doesNotContain("PATH_MISSING");
  }

  @Test
  void cycleFailing_isUnhealthyAtOnce_pollingNever() {
    assertThat(live(new Problem(Condition.CYCLE_FAILING, NOW, "OutOfMemoryError")).status())
        .isEqualTo(503);
    assertThat(live(new Problem(Condition.POLLING, NOW.minusSeconds(3600), "inotify")).status())
        .isEqualTo(200);
    assertThat(live(new Problem(Condition.WATCH_FAILING, NOW.minusSeconds(61), "x")).status())
        .isEqualTo(503);
  }

  @Test
  void closedWatcher_isUnhealthy() {
    assertThat(HealthCheck.liveness(WatchStatus.State.CLOSED, List.of(), NOW, BOUND).status())
        .isEqualTo(503);
  }

  @Test
  void describe_namesConditionDurationAndDetail() {
    Problem missing = new Problem(Condition.PATH_MISSING, NOW.minusSeconds(75), "[/etc/x] is gone");
    assertThat(HealthCheck.describe(List.of(missing), NOW))
        .isEqualTo("PATH_MISSING for 75 s (since 2026-12-01T09:58:45Z): [/etc/x] is gone\n");
  }

  // the --from-* objects (#10)

  private static HealthCheck.Source source(boolean ready, Instant unhealthySince, String detail) {
    return new HealthCheck.Source("configmap prod/app", ready, unhealthySince, detail);
  }

  @Test
  void readiness_waitsForEveryObject_beforeTheWatcher() {
    HealthCheck.Verdict pending = HealthCheck.readiness(null, List.of(),
        List.of(source(true, null, null), new HealthCheck.Source("secret prod/creds", false,
            null, null)));
    assertThat(pending.status()).isEqualTo(503);
    assertThat(pending.body())
        .isEqualTo("materializing secret prod/creds: no version written yet\n");
    // every object written: the watcher decides (here: not started yet)
    assertThat(HealthCheck.readiness(null, List.of(), List.of(source(true, null, null))).body())
        .isEqualTo("starting\n");
  }

  @Test
  void liveness_anUnhealthyObject_isTolerated_untilItOutlastsTheBound() {
    HealthCheck.Verdict young = HealthCheck.liveness(null, List.of(),
        List.of(source(true, NOW.minusSeconds(59), "the watch is disconnected")), NOW, BOUND);
    assertThat(young.status()).isEqualTo(200);
    assertThat(young.body()).isEqualTo("starting\nconfigmap prod/app unhealthy for 59 s (since"
        + " 2026-12-01T09:59:01Z): the watch is disconnected\n");

    HealthCheck.Verdict old = HealthCheck.liveness(null, List.of(),
        List.of(source(true, NOW.minusSeconds(61), "the watch is disconnected")), NOW, BOUND);
    assertThat(old.status()).isEqualTo(503);
    assertThat(old.body()).isEqualTo("unhealthy\nconfigmap prod/app unhealthy for 61 s (since"
        + " 2026-12-01T09:58:59Z): the watch is disconnected\n");
  }

  @Test
  void liveness_aDeletedObject_isReportedButAlive() {
    HealthCheck.Verdict kept = HealthCheck.liveness(null, List.of(),
        List.of(source(true, null, "configmap prod/app does not exist; keeping the last files")),
        NOW, BOUND);
    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.body()).contains("configmap prod/app: configmap prod/app does not exist");
  }

  @Test
  void liveness_theWatchersVerdictStillCounts_withObjects() {
    assertThat(HealthCheck.liveness(null, List.of(), List.of(source(true, null, null)), NOW,
        BOUND)).isEqualTo(new HealthCheck.Verdict(200, "starting\n"));
  }
}
