package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.RecordingAction;
import io.github.reloadwatch.testing.RecordingAction.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's decisions, driven by fake time and fake signals over real files: every wait is a
 * {@link FakeScheduler#advance(Duration)}, so these tests never depend on the machine's speed.
 */
class ReloadEngineTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);

  @TempDir Path tmp;
  private Path dir;
  private Path file;
  private final FakeScheduler scheduler =
      new FakeScheduler(Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));
  private final FakeBackend backend = new FakeBackend();
  private final RecordingAction action = new RecordingAction();
  private final List<String> heard = new ArrayList<>();
  private ReloadWatcher watcher;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("config"));
    file = dir.resolve("app.yml");
    Files.writeString(file, "v1");
  }

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private ReloadWatcher.Builder builder() {
    return FakeWatchers.builder(scheduler, backend)
        .addPath(dir)
        .addAction(action)
        .debounce(DEBOUNCE)
        .listener(new ReloadListener() {
          @Override
          public void onSkipped(Snapshot snapshot) {
            heard.add("skipped");
          }

          @Override
          public void onReloaded(ReloadEvent event, Duration took) {
            heard.add("reloaded " + event.reason());
          }

          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            heard.add("failed retryIn=" + retryIn.toMillis());
          }

          @Override
          public void onRejected(ReloadEvent event, ReloadRejectedException error) {
            heard.add("rejected");
          }
        })
        .retry(RetryPolicy.builder()
            .initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(8))
            .jitter(0)
            .build());
  }

  private void start(ReloadWatcher.Builder builder) throws IOException {
    watcher = builder.build();
    watcher.start();
    scheduler.runDue();
  }

  private void write(String content) throws IOException {
    Files.writeString(file, content);
    backend.event(file);
  }

  @Test
  void burstOfEvents_reloadsOnceAfterQuietPeriod() throws IOException {
    // given
    start(builder());
    // when
    for (int i = 2; i <= 5; i++) {
      write("v" + i);
      scheduler.advance(Duration.ofMillis(60));
    }
    assertThat(action.count()).isZero();
    scheduler.advance(DEBOUNCE);
    // then
    assertThat(action.count()).isEqualTo(1);
    assertThat(action.lastContent()).containsEntry(file, "v5");
    assertThat(action.events().get(0).changes())
        .containsExactly(new FileChange(file, FileChange.Kind.MODIFIED));
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
  }

  @Test
  void continuousTrickle_stillReloadsAtMaxDelay() throws IOException {
    start(builder());
    for (int i = 0; i < 20; i++) { // 20 writes 90 ms apart: never 100 ms quiet
      write("trickle " + i);
      scheduler.advance(Duration.ofMillis(90));
    }
    // maxDelay (1 s) forced one reload in the middle of the trickle
    assertThat(action.count()).isEqualTo(1);
    assertThat(action.lastContent()).containsEntry(file, "trickle 11");
    scheduler.advance(DEBOUNCE);
    // and the quiet period after the last write gives the final content
    assertThat(action.count()).isEqualTo(2);
    assertThat(action.lastContent()).containsEntry(file, "trickle 19");
  }

  @Test
  void identicalRewrite_isSkipped() throws IOException {
    start(builder());
    write("v1");
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isZero();
    assertThat(watcher.status().skippedUnchanged()).isEqualTo(1);
    assertThat(heard).containsExactly("skipped");
  }

  @Test
  void addedAndRemovedFiles_areReported() throws IOException {
    start(builder());
    Files.writeString(dir.resolve("rules.yml"), "r1");
    Files.delete(file);
    backend.event(dir);
    scheduler.advance(DEBOUNCE);
    assertThat(action.events()).singleElement().satisfies(e -> assertThat(e.changes())
        .containsExactly(
            new FileChange(file, FileChange.Kind.REMOVED),
            new FileChange(dir.resolve("rules.yml"), FileChange.Kind.ADDED)));
  }

  @Test
  void hiddenAndBackupFiles_areIgnored() throws IOException {
    start(builder());
    Files.writeString(dir.resolve(".app.yml.swp"), "swap");
    Files.writeString(dir.resolve("app.yml~"), "backup");
    backend.event(dir);
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isZero();
  }

  @Test
  void failedReload_isRetriedWithBackoffUntilSuccess() throws IOException {
    action.thenOutcomes(Outcome.FAIL, Outcome.FAIL, Outcome.SUCCEED);
    start(builder());
    write("v2");
    scheduler.advance(DEBOUNCE);
    assertThat(heard).containsExactly("failed retryIn=1000");
    scheduler.advance(Duration.ofMillis(999));
    assertThat(action.count()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(heard).containsExactly("failed retryIn=1000", "failed retryIn=2000");
    scheduler.advance(Duration.ofMillis(2000));
    assertThat(heard).containsExactly(
        "failed retryIn=1000", "failed retryIn=2000", "reloaded RETRY");
    assertThat(action.events()).extracting(ReloadEvent::attempt).containsExactly(1, 2, 3);
    assertThat(watcher.status().failing()).isFalse();
    assertThat(watcher.status().reloadsFailed()).isEqualTo(2);
    scheduler.assertIdle();
  }

  @Test
  void retryAfterHint_delaysTheRetry() throws IOException {
    ReloadAction busy = new ReloadAction() {
      int calls;

      @Override
      public void reload(ReloadEvent event) throws Exception {
        if (calls++ == 0) {
          throw new ReloadFailedException("503", null, Duration.ofSeconds(5));
        }
        action.reload(event);
      }
    };
    start(builder().addAction(busy));
    write("v2");
    scheduler.advance(DEBOUNCE);
    assertThat(heard).containsExactly("failed retryIn=5000");
  }

  @Test
  void newerContent_supersedesAPendingRetry() throws IOException {
    action.thenOutcomes(Outcome.FAIL);
    start(builder());
    write("v2");
    scheduler.advance(DEBOUNCE);
    write("v3");
    scheduler.advance(DEBOUNCE);
    assertThat(action.events()).extracting(ReloadEvent::reason)
        .containsExactly(ReloadReason.CHANGE, ReloadReason.CHANGE);
    assertThat(action.lastContent()).containsEntry(file, "v3");
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(action.count()).as("the cancelled retry never runs").isEqualTo(2);
  }

  @Test
  void rejectedContent_isNotRetriedUntilItChanges() throws IOException {
    action.thenOutcomes(Outcome.REJECT);
    start(builder());
    write("bad");
    scheduler.advance(DEBOUNCE);
    assertThat(heard).containsExactly("rejected");
    assertThat(watcher.status().failing()).isTrue();
    assertThat(watcher.status().lastError()).hasValueSatisfying(e -> assertThat(e)
        .startsWith("pending invalid content since 2026-11-25T00:00:00Z, digest ")
        .endsWith(": scripted rejection"));

    scheduler.advance(Duration.ofMinutes(10));
    write("bad"); // touched, same bad content
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(1);

    write("good");
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(2);
    assertThat(watcher.status().failing()).isFalse();
    assertThat(watcher.status().reloadsRejected()).isEqualTo(1);
  }

  @Test
  void revertAfterRejection_reloadsTheOldContentAgain() throws IOException {
    // prometheus-operator#4708: a reverted bad config must still be reloaded
    action.thenOutcomes(Outcome.REJECT);
    start(builder());
    write("bad");
    scheduler.advance(DEBOUNCE);
    write("v1"); // back to the content applied at start
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(2);
    assertThat(action.lastContent()).containsEntry(file, "v1");
    assertThat(watcher.status().appliedDigest()).isEqualTo(watcher.status().currentDigest());
  }

  @Test
  void retryPolicyNever_waitsForTheNextChange() throws IOException {
    action.thenOutcomes(Outcome.FAIL);
    start(builder().retry(RetryPolicy.never()));
    write("v2");
    scheduler.advance(DEBOUNCE);
    assertThat(heard).containsExactly("failed retryIn=0");
    scheduler.assertIdle();
    write("v3");
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(2);
  }

  @Test
  void changeDuringReload_runsExactlyOneFollowUp() throws IOException {
    // the action itself causes three more events while it runs, as a slow reload would see
    ReloadAction slow = new ReloadAction() {
      int calls;

      @Override
      public void reload(ReloadEvent event) throws Exception {
        if (calls++ == 0) {
          for (int i = 0; i < 3; i++) {
            write("during " + i);
            scheduler.advance(DEBOUNCE); // the debounce fires while the reload runs
          }
        }
      }
    };
    start(builder().addAction(slow));
    write("v2");
    scheduler.advance(DEBOUNCE);
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(2);
    assertThat(action.contents()).extracting(m -> m.get(file)).containsExactly("v2", "during 2");
    assertThat(action.maxConcurrent()).isEqualTo(1);
    scheduler.assertIdle();
  }

  @Test
  void reloadOnStart_reloadsInitialContent() throws IOException {
    start(builder().reloadOnStart(true));
    assertThat(action.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(ReloadReason.START);
      assertThat(e.changes()).containsExactly(new FileChange(file, FileChange.Kind.ADDED));
    });
  }

  @Test
  void reloadNow_reloadsUnchangedContent() throws IOException {
    start(builder());
    watcher.reloadNow();
    scheduler.runDue();
    assertThat(action.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(ReloadReason.MANUAL);
      assertThat(e.changes()).isEmpty();
    });
  }

  @Test
  void resync_catchesAChangeThatWasNotReported() throws IOException {
    start(builder().resyncInterval(Duration.ofMinutes(3)));
    Files.writeString(file, "silent"); // no event delivered
    scheduler.advance(Duration.ofMinutes(3));
    assertThat(action.events()).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(ReloadReason.RESYNC));
  }

  @Test
  void overflow_triggersAFullRescan() throws IOException {
    start(builder());
    Files.writeString(file, "lost event");
    backend.overflow();
    scheduler.advance(DEBOUNCE);
    assertThat(action.lastContent()).containsEntry(file, "lost event");
    assertThat(watcher.status().watchErrors()).isEqualTo(1);
  }

  @Test
  void inotifyExhaustion_fallsBackToPolling() throws IOException {
    backend.failNextStart(new IOException("User limit of inotify watches reached"));
    start(builder());
    assertThat(watcher.status().watchErrors()).isEqualTo(1);
    Files.writeString(file, "polled");
    scheduler.advance(WatchSupervisor.POLL_FALLBACK_INTERVAL);
    assertThat(action.lastContent()).containsEntry(file, "polled");
  }

  @Test
  void watchedDirectoryReplaced_isWatchedAgain() throws IOException {
    start(builder());
    assertThat(backend.starts).hasSize(1);
    // the directory is deleted: the watch loop ends, and no reload happens on the missing content
    Files.delete(file);
    Files.delete(dir);
    backend.lose(new IOException("watch loop ended"));
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isZero();
    // re-created with new content: found by the missing-path poll, watched again, reloaded
    Files.createDirectory(dir);
    Files.writeString(file, "v2");
    scheduler.advance(Reconciler.MISSING_PATH_POLL);
    assertThat(backend.starts.size()).isGreaterThan(1);
    assertThat(action.lastContent()).containsEntry(file, "v2");
    assertThat(action.count()).isEqualTo(1);
  }

  @Test
  void failingListener_doesNotStopTheWatcher() throws IOException {
    start(builder().listener(new ReloadListener() {
      @Override
      public void onReloaded(ReloadEvent event, Duration took) {
        throw new IllegalStateException("listener bug");
      }
    }));
    write("v2");
    scheduler.advance(DEBOUNCE);
    write("v3");
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(2);
  }

  @Test
  void throwingAction_neverKillsTheWatcher() throws IOException {
    ReloadAction buggy = event -> {
      throw new NullPointerException("bug in user code");
    };
    start(builder().addAction(buggy).retry(RetryPolicy.never()));
    write("v2");
    scheduler.advance(DEBOUNCE);
    write("v3");
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isEqualTo(2);
    assertThat(watcher.status().reloadsFailed()).isEqualTo(2);
    assertThat(watcher.status().lastError()).contains("bug in user code");
  }

  @Test
  void close_cancelsTimersAndClosesTheBackendAndActions() throws IOException {
    var closed = new java.util.concurrent.atomic.AtomicBoolean();
    class ClosingAction implements ReloadAction, AutoCloseable {
      @Override
      public void reload(ReloadEvent event) {}

      @Override
      public void close() {
        closed.set(true);
      }
    }
    start(builder().addAction(new ClosingAction()).resyncInterval(Duration.ofMinutes(1)));
    write("v2");
    watcher.close();
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(action.count()).isZero();
    assertThat(backend.closed).isEqualTo(1);
    assertThat(closed).isTrue();
    assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CLOSED);
    assertThat(scheduler.isShutdown()).as("a given scheduler is never shut down").isFalse();
  }

  @Test
  void status_reportsTimesAndDigests() throws IOException {
    start(builder());
    WatchStatus before = watcher.status();
    assertThat(before.state()).isEqualTo(WatchStatus.State.RUNNING);
    assertThat(before.appliedDigest()).isEqualTo(before.currentDigest()).isPresent();
    write("v2");
    scheduler.advance(DEBOUNCE);
    WatchStatus after = watcher.status();
    assertThat(after.watchEvents()).isEqualTo(1);
    assertThat(after.lastSuccess()).contains(Instant.parse("2026-11-25T00:00:00Z"));
    assertThat(after.appliedDigest()).isNotEqualTo(before.appliedDigest());
  }

  @Test
  void actionsArePrepared_onceBeforeTheFirstReload_andAFailureIsNotFatal() throws IOException {
    // given
    List<String> calls = new ArrayList<>();
    ReloadAction prepared = new ReloadAction() {
      @Override
      public void prepare() {
        calls.add("prepare");
        throw new IllegalStateException("no client yet");
      }

      @Override
      public void reload(ReloadEvent event) {
        calls.add("reload");
      }
    };
    // when
    watcher = builder().addAction(prepared).reloadOnStart(true).build();
    watcher.start();
    assertThat(calls).as("start() does not prepare on the caller's thread").isEmpty();
    scheduler.runDue();
    write("v2");
    scheduler.advance(DEBOUNCE);
    // then
    assertThat(calls).containsExactly("prepare", "reload", "reload");
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(2);
  }
}
