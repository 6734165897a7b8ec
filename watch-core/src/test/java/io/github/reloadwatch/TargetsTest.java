package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.RecordingAction;
import io.github.reloadwatch.testing.RecordingAction.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Independent targets (issue #16): one target being down never holds back another. */
class TargetsTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);

  @TempDir Path tmp;
  private Path dir;
  private Path file;
  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeBackend backend = new FakeBackend();
  private final RecordingAction prometheus = new RecordingAction();
  private final RecordingAction alertmanager = new RecordingAction();
  private ReloadWatcher watcher;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("config"));
    file = Files.writeString(dir.resolve("app.yml"), "v1");
  }

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private ReloadWatcher.Builder builder() {
    return FakeWatchers.builder(scheduler, backend).addPath(dir).debounce(DEBOUNCE)
        .addTarget("prometheus", prometheus).addTarget("alertmanager", alertmanager)
        .retry(RetryPolicy.builder().initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(8)).jitter(0).build());
  }

  private void start(ReloadWatcher.Builder builder) throws IOException {
    watcher = builder.build();
    watcher.start();
    scheduler.runDue();
  }

  private void change(String content) throws IOException {
    Files.writeString(file, content);
    backend.event(file);
    scheduler.advance(DEBOUNCE);
  }

  private WatchStatus.Target target(String name) {
    return watcher.status().targets().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow();
  }

  @Test
  void aTargetThatIsDown_retriesAlone_andNeverHoldsBackTheOther() throws IOException {
    // given: Prometheus down for a while
    prometheus.alwaysOutcome(Outcome.FAIL);
    start(builder());
    // when
    change("v2");
    change("v3");
    // then: Alertmanager got every change at once
    assertThat(alertmanager.count()).isEqualTo(2);
    assertThat(alertmanager.lastContent()).containsEntry(file, "v3");
    assertThat(alertmanager.events()).extracting(ReloadEvent::target)
        .containsOnly("alertmanager");
    assertThat(target("prometheus").failing()).isTrue();
    assertThat(target("alertmanager").failing()).isFalse();
    assertThat(watcher.status().failing()).isTrue();
    assertThat(watcher.status().appliedDigest()).as("the targets disagree").isEmpty();
    // and the retries go to Prometheus only
    int before = prometheus.count();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(prometheus.count()).isGreaterThan(before);
    assertThat(alertmanager.count()).isEqualTo(2);
    // when Prometheus is back, it converges; Alertmanager is not bothered
    prometheus.alwaysOutcome(Outcome.SUCCEED);
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(prometheus.lastContent()).containsEntry(file, "v3");
    assertThat(alertmanager.count()).isEqualTo(2);
    assertThat(watcher.status().failing()).isFalse();
    assertThat(watcher.status().appliedDigest()).isEqualTo(watcher.status().currentDigest());
  }

  @Test
  void aRejectionIsTheRejectingTargetsOnly() throws IOException {
    prometheus.thenOutcomes(Outcome.REJECT);
    start(builder());
    change("v2");
    assertThat(target("prometheus").reloadsRejected()).isEqualTo(1);
    assertThat(target("prometheus").lastError()).hasValueSatisfying(
        e -> assertThat(e).contains("scripted rejection"));
    assertThat(target("alertmanager").reloadsSucceeded()).isEqualTo(1);
    assertThat(watcher.status().reloadsRejected()).isEqualTo(1);
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    assertThat(watcher.status().lastError()).hasValueSatisfying(
        e -> assertThat(e).startsWith("prometheus: pending invalid content"));
    change("v2"); // touched: rejected for one, applied for the other, so nothing to do
    assertThat(prometheus.count()).isEqualTo(1);
    assertThat(alertmanager.count()).isEqualTo(1);
  }

  @Test
  void contentIsValidatedOnceForAllTargets_andSkippedOnceWhenUnchanged() throws IOException {
    AtomicInteger validations = new AtomicInteger();
    start(builder().addValidator(context -> validations.incrementAndGet()));
    change("v2");
    assertThat(validations).hasValue(1);
    change("v2");
    assertThat(watcher.status().skippedUnchanged()).isEqualTo(1);
    assertThat(watcher.status().targets()).extracting(WatchStatus.Target::name)
        .containsExactly("prometheus", "alertmanager");
  }

  @Test
  void defaultActionsAndTargets_mix_andTheDefaultComesFirst() throws IOException {
    RecordingAction plain = new RecordingAction();
    start(builder().addAction(plain));
    change("v2");
    assertThat(watcher.status().targets()).extracting(WatchStatus.Target::name)
        .containsExactly(ReloadEvent.DEFAULT_TARGET, "prometheus", "alertmanager");
    assertThat(plain.events()).extracting(ReloadEvent::target)
        .containsExactly(ReloadEvent.DEFAULT_TARGET);
  }

  @Test
  void addTarget_names() {
    ReloadWatcher.Builder builder = ReloadWatcher.builder().addTarget("a", event -> {});
    assertThatThrownBy(() -> builder.addTarget("a", event -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be unique");
    assertThatThrownBy(() -> builder.addTarget(" ", event -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.addTarget(ReloadEvent.DEFAULT_TARGET, event -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.addPath(tmp).build()).isNotNull(); // a target alone is enough
  }
}
