package io.github.reloadwatch;

import io.github.reloadwatch.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected through the engine's seams ({@link FakeBackend}, {@link FakeScheduler}, the
 * {@link ContentHasher} read hook) and through the file system itself: event overflow, a lost
 * watch loop, a watch that cannot be registered again, inotify watch and instance exhaustion, a
 * file vanishing between listing and hashing, an unreadable file, a scheduler shut down under the
 * watcher, a listener that throws on the watch thread.
 */
class FaultInjectionTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);

  @TempDir Path tmp;
  private Path dir;
  private Path file;
  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeBackend backend = new FakeBackend();
  private final RecordingAction action = new RecordingAction();
  private final List<Exception> watchErrors = new ArrayList<>();
  private final AtomicInteger skipped = new AtomicInteger();
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
        .retry(RetryPolicy.builder().initialBackoff(Duration.ofMillis(100)).jitter(0).build())
        .listener(new ReloadListener() {
          @Override
          public void onWatchError(Exception error) {
            watchErrors.add(error);
          }

          @Override
          public void onSkipped(Snapshot snapshot) {
            skipped.incrementAndGet();
          }
        });
  }

  private void start(ReloadWatcher.Builder builder) throws IOException {
    watcher = builder.build();
    watcher.start();
    scheduler.runDue();
  }

  // -------------------------------------------------------------------------------------------
  // OVERFLOW

  @Test
  void overflow_aChangeWithoutItsOwnEvent_isFoundByTheRescan() throws IOException {
    // given
    start(builder());
    // when: the OS dropped the change's events and reports an overflow instead
    Files.writeString(file, "dropped");
    Files.writeString(dir.resolve("new.yml"), "also dropped");
    backend.overflow();
    scheduler.advance(DEBOUNCE);
    // then
    assertThat(action.events()).singleElement().satisfies(e -> assertThat(e.changes())
        .containsExactly(
            new FileChange(file, FileChange.Kind.MODIFIED),
            new FileChange(dir.resolve("new.yml"), FileChange.Kind.ADDED)));
    assertThat(watcher.status().watchErrors()).isEqualTo(1);
  }

  @Test
  void overflowStorm_withNothingChanged_isOneSkippedScan() throws IOException {
    start(builder());
    for (int i = 0; i < 500; i++) {
      backend.overflow();
    }
    scheduler.advance(DEBOUNCE);
    assertThat(action.count()).isZero();
    assertThat(skipped).hasValue(1);
    assertThat(watcher.status().watchErrors()).isEqualTo(500);
    scheduler.assertIdle();
  }

  @Test
  void overflowDuringASlowReload_runsExactlyOneFollowUpWithTheNewestContent() throws IOException {
    ReloadAction slow = new ReloadAction() {
      int calls;

      @Override
      public void reload(ReloadEvent event) throws IOException {
        if (calls++ == 0) {
          Files.writeString(file, "written during the reload, events dropped");
          for (int i = 0; i < 3; i++) {
            backend.overflow();
            scheduler.advance(DEBOUNCE);
          }
        }
      }
    };
    start(builder().addAction(slow));
    Files.writeString(file, "v2");
    backend.event(file);
    scheduler.advance(DEBOUNCE);
    scheduler.advance(DEBOUNCE);
    assertThat(action.contents()).extracting(m -> m.get(file))
        .containsExactly("v2", "written during the reload, events dropped");
    assertThat(action.maxConcurrent()).isEqualTo(1);
    scheduler.assertIdle();
  }

  // -------------------------------------------------------------------------------------------
  // watch loop lost, watch cannot be registered again

  @Test
  void watchLoopLost_whileTheDirectoryStillExists_isRegisteredAgain() throws IOException {
    start(builder());
    backend.lose(new IOException("watch key cancelled"));
    scheduler.advance(DEBOUNCE);
    assertThat(backend.starts).hasSize(2);
    assertThat(backend.closed).isEqualTo(1);
    assertThat(watchErrors).singleElement().satisfies(e ->
        assertThat(e).hasMessage("watch key cancelled"));
    assertThat(action.count()).isZero();
    // the new registration delivers again
    Files.writeString(file, "after the loss");
    backend.event(file);
    scheduler.advance(DEBOUNCE);
    assertThat(action.lastContent()).containsEntry(file, "after the loss");
  }

  @Test
  void watchLostAndNotRegisteredAgain_recoversAtTheResyncAtTheLatest() throws IOException {
    start(builder().resyncInterval(Duration.ofMinutes(3)));
    backend.lose(new IOException("watch key cancelled"));
    backend.failNextStart(new IOException("Permission denied"));
    scheduler.advance(DEBOUNCE); // re-registration fails: no backend, no events
    assertThat(backend.starts).hasSize(1);
    Files.writeString(file, "changed while deaf");
    scheduler.advance(Duration.ofMinutes(3));
    assertThat(backend.starts).hasSize(2);
    assertThat(action.lastContent()).containsEntry(file, "changed while deaf");
  }

  @Test
  void watchLostAndNotRegisteredAgain_isRetriedWithoutWaitingForAResync() throws IOException {
    start(builder()); // resync disabled
    backend.lose(new IOException("watch key cancelled"));
    backend.failNextStart(new IOException("Permission denied"));
    scheduler.advance(DEBOUNCE);
    Files.writeString(file, "changed while deaf");
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(backend.starts).as("registration retried").hasSizeGreaterThan(1);
    assertThat(action.lastContent()).containsEntry(file, "changed while deaf");
  }

  // -------------------------------------------------------------------------------------------
  // inotify exhaustion, simulated at the adapter seam

  @Test
  void inotifyWatchLimitAtStart_fallsBackToPollingWithAWarnNamingTheSysctl() throws IOException {
    backend.failNextStart(new IOException("User limit of inotify watches reached"));
    try (LogCapture log = new LogCapture()) {
      start(builder());
      assertThat(log.text())
          .contains("WARN")
          .contains("User limit of inotify watches reached")
          .contains("fs.inotify.max_user_watches")
          .contains("scanning every " + WatchSupervisor.POLL_FALLBACK_INTERVAL.toMillis() + " ms");
    }
    assertThat(watchErrors).hasSize(1);
    assertThat(backend.starts).isEmpty();
    for (int i = 2; i <= 4; i++) { // every change is found by polling, without any event
      Files.writeString(file, "polled " + i);
      scheduler.advance(WatchSupervisor.POLL_FALLBACK_INTERVAL);
      assertThat(action.lastContent()).containsEntry(file, "polled " + i);
    }
    assertThat(action.count()).isEqualTo(3);
  }

  @Test
  void inotifyInstanceLimitAtStart_fallsBackToPolling() throws IOException {
    backend.failNextStart(
        new IOException("User limit of inotify instances reached or too many open files"));
    try (LogCapture log = new LogCapture()) {
      start(builder());
      assertThat(log.text()).contains("fs.inotify.max_user_instances");
    }
    Files.writeString(file, "polled");
    scheduler.advance(WatchSupervisor.POLL_FALLBACK_INTERVAL);
    assertThat(action.lastContent()).containsEntry(file, "polled");
  }

  @Test
  void inotifyWatchLimitWhenRegisteringAgain_fallsBackToPolling() throws IOException {
    start(builder());
    backend.lose(new IOException("watch key cancelled"));
    backend.failNextStart(new IOException("User limit of inotify watches reached"));
    try (LogCapture log = new LogCapture()) {
      scheduler.advance(DEBOUNCE);
      assertThat(log.text()).contains("fs.inotify.max_user_watches");
    }
    Files.writeString(file, "polled after the loss");
    scheduler.advance(WatchSupervisor.POLL_FALLBACK_INTERVAL);
    assertThat(action.lastContent()).containsEntry(file, "polled after the loss");
  }

  @Test
  void otherRegistrationFailureAtStart_failsStartAndNamesThePaths() {
    backend.failNextStart(new IOException("Permission denied"));
    watcher = builder().build();
    assertThatThrownBy(watcher::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot watch [" + dir + "]")
        .hasMessageContaining("Permission denied");
    assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CLOSED);
  }

  // -------------------------------------------------------------------------------------------
  // files vanishing or changing between listing and hashing

  @Test
  void fileDeletedRightAfterItWasRead_isNotHashed() throws IOException {
    ContentHasher hasher = new ContentHasher(() -> delete(file));
    assertThatThrownBy(() -> hasher.hash(file)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void fileGrownRightAfterItWasRead_isReportedAsChangedWhileHashing() throws IOException {
    ContentHasher hasher = new ContentHasher(() -> write(file, "v1 and a torn tail"));
    assertThatThrownBy(() -> hasher.hash(file))
        .isInstanceOf(ContentHasher.ChangedWhileHashingException.class)
        .hasMessageContaining("changed while it was being read");
  }

  @Test
  void filesVanishingWhileScanning_neverFailTheScanOrLoseAStableFile() throws Exception {
    // given: 40 stable files, and a thread creating and deleting others as fast as it can
    for (int i = 0; i < 40; i++) {
      Files.writeString(dir.resolve("stable" + i + ".yml"), "stable");
    }
    String stable = ContentHasher.hex(ContentHasher.newSha256()
        .digest("stable".getBytes(StandardCharsets.UTF_8)));
    SnapshotScanner scanner = new SnapshotScanner(
        List.of(WatchedPath.directory(dir)), false, List.of(), List.of());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger churned = new AtomicInteger();
    Thread churn = new Thread(() -> {
      for (int i = 0; !stop.get() && i < 1_000_000; i++) {
        Path p = dir.resolve("churn" + (i % 8) + ".yml");
        try {
          if (Files.exists(p)) {
            Files.delete(p);
          } else {
            Files.writeString(p, "churn");
          }
          churned.incrementAndGet();
        } catch (IOException e) {
          // raced with ourselves: fine
        }
      }
    }, "test-churn");
    churn.start();
    int scans = 0;
    int retried = 0;
    try {
      // when
      for (; scans < 300; scans++) {
        SnapshotScanner.Result result;
        try {
          result = scanner.scan();
        } catch (ContentHasher.ChangedWhileHashingException e) {
          retried++; // five vanishings in a row: the engine waits for a quiet period
          continue;
        }
        // then: every stable file is there with its content, whatever vanished around it
        assertThat(result.complete()).isTrue();
        for (int i = 0; i < 40; i++) {
          assertThat(result.snapshot().digests()).containsEntry(
              dir.resolve("stable" + i + ".yml"), stable);
        }
      }
    } finally {
      stop.set(true);
      churn.join();
    }
    assertThat(churned.get()).as("the churn really ran during the scans").isGreaterThan(100);
    assertThat(retried).isLessThan(scans);
  }

  // -------------------------------------------------------------------------------------------
  // unreadable files

  @Test
  void unreadableFile_evenForRoot_warnsOnceAndReloadsNothingUntilItIsGone() throws IOException {
    // chmod 000 does not stop root (CI runs as root), but /proc/self/mem fails every read at
    // offset 0 with EIO for anyone
    Path mem = Path.of("/proc/self/mem");
    assumeTrue(Files.isRegularFile(mem), "needs Linux /proc");
    start(builder());
    Path bad = dir.resolve("secret.yml");
    Files.createSymbolicLink(bad, mem);
    Files.writeString(file, "v2");
    try (LogCapture log = new LogCapture()) {
      backend.event(bad);
      scheduler.advance(DEBOUNCE);
      backend.event(bad); // the same problem again: not logged twice
      scheduler.advance(DEBOUNCE);
      assertThat(log.text()).containsOnlyOnce("cannot read the watched files, so no reload");
    }
    assertThat(action.count()).as("never a reload without the unreadable file").isZero();
    assertThat(watcher.status().lastError()).hasValueSatisfying(e ->
        assertThat(e).contains("Input/output error"));
    assertThat(watchErrors).hasSizeGreaterThanOrEqualTo(1);
    // when the file is removed, the pending change is applied
    Files.delete(bad);
    backend.event(bad);
    scheduler.advance(DEBOUNCE);
    assertThat(action.lastContent()).containsExactly(java.util.Map.entry(file, "v2"));
  }

  @Test
  void unreadableFile_warningNamesTheFile() throws IOException {
    Path mem = Path.of("/proc/self/mem");
    assumeTrue(Files.isRegularFile(mem), "needs Linux /proc");
    start(builder());
    Path bad = dir.resolve("secret.yml");
    Files.createSymbolicLink(bad, mem);
    try (LogCapture log = new LogCapture()) {
      backend.event(bad);
      scheduler.advance(DEBOUNCE);
      assertThat(log.text()).contains("cannot read the watched files").contains(bad.toString());
    }
  }

  // -------------------------------------------------------------------------------------------
  // misuse and listener faults

  @Test
  void schedulerShutDownUnderTheWatcher_isReportedAsAnError() throws IOException {
    start(builder());
    scheduler.shutdown();
    try (LogCapture log = new LogCapture()) {
      backend.event(file);
      assertThat(log.text()).contains("ERROR").contains("do not shut down a scheduler");
    }
  }

  @Test
  void listenerThrowingOnTheWatchThread_doesNotLoseTheEvent() throws IOException {
    start(builder().listener(new ReloadListener() {
      @Override
      public void onWatchEvent() {
        throw new IllegalStateException("listener bug");
      }
    }));
    Files.writeString(file, "v2");
    backend.event(file);
    scheduler.advance(DEBOUNCE);
    assertThat(action.lastContent()).containsEntry(file, "v2");
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(Path p, String content) {
    try {
      Files.writeString(p, content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
