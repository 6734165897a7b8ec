package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.WatchStatus.Condition;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WatchStatus#problems()}: the watcher says when it cannot do its job, since when, and
 * stops saying it when it can again, so a liveness probe can tell (issue #14: silent deafness).
 */
class HealthTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);

  @TempDir Path tmp;
  private Path dir;
  private Path file;
  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeBackend backend = new FakeBackend();
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

  private void start(ReloadAction action) throws IOException {
    watcher = FakeWatchers.builder(scheduler, backend).addPath(dir).addAction(action)
        .debounce(DEBOUNCE).build();
    watcher.start();
    scheduler.runDue();
  }

  private void change(String content) throws IOException {
    Files.writeString(file, content);
    backend.event(file);
    scheduler.advance(DEBOUNCE);
  }

  private WatchStatus.Problem problem(Condition condition) {
    return watcher.status().problems().stream().filter(p -> p.condition() == condition)
        .findFirst().orElse(null);
  }

  @Test
  void aHealthyWatcher_hasNoProblems() throws IOException {
    start(event -> {});
    change("v2");
    assertThat(watcher.status().problems()).isEmpty();
  }

  @Test
  void unreadableFiles_areAProblemSinceTheFirstFailure_untilTheyAreReadable() throws IOException {
    Path mem = Path.of("/proc/self/mem");
    assumeTrue(Files.isRegularFile(mem), "needs Linux /proc");
    start(event -> {});
    Path bad = dir.resolve("secret.yml");
    Files.createSymbolicLink(bad, mem);
    backend.event(bad);
    scheduler.advance(DEBOUNCE);
    WatchStatus.Problem first = problem(Condition.SCAN_FAILING);
    assertThat(first).isNotNull();
    assertThat(first.detail()).contains(bad.toString());
    scheduler.advance(Duration.ofMinutes(1));
    backend.event(bad);
    scheduler.advance(DEBOUNCE);
    assertThat(problem(Condition.SCAN_FAILING).since()).as("since the first failure")
        .isEqualTo(first.since());
    Files.delete(bad);
    backend.event(bad);
    scheduler.advance(DEBOUNCE);
    assertThat(watcher.status().problems()).isEmpty();
  }

  @Test
  void aMissingFile_isAProblemUntilItIsBack() throws IOException {
    watcher = FakeWatchers.builder(scheduler, backend).addPath(file).addAction(event -> {})
        .debounce(DEBOUNCE).build();
    watcher.start();
    scheduler.runDue();
    Files.delete(file);
    backend.event(file);
    scheduler.advance(DEBOUNCE);
    assertThat(problem(Condition.PATH_MISSING)).isNotNull()
        .extracting(WatchStatus.Problem::detail).asString().contains(file.toString());
    Files.writeString(file, "v2");
    scheduler.advance(Reconciler.MISSING_PATH_POLL);
    assertThat(watcher.status().problems()).isEmpty();
  }

  @Test
  void watchesThatCannotBeRegisteredAgain_areAProblemUntilTheyAre() throws IOException {
    start(event -> {});
    backend.lose(new IOException("watch key cancelled"));
    backend.failNextStart(new IOException("Permission denied"));
    scheduler.advance(DEBOUNCE);
    assertThat(problem(Condition.WATCH_FAILING)).isNotNull()
        .extracting(WatchStatus.Problem::detail).asString().contains("Permission denied");
    scheduler.advance(WatchSupervisor.MISSING_DIR_POLL);
    assertThat(watcher.status().problems()).isEmpty();
  }

  @Test
  void pollingInsteadOfWatching_isReported() throws IOException {
    backend.failNextStart(new IOException("User limit of inotify watches reached"));
    start(event -> {});
    assertThat(problem(Condition.POLLING)).isNotNull()
        .extracting(WatchStatus.Problem::detail).asString().contains("inotify");
  }

  @Test
  void aCycleKilledByOutOfMemory_isLoggedAndAProblem_notSwallowed() throws IOException {
    AtomicBoolean exhausted = new AtomicBoolean(true);
    start(event -> {
      if (exhausted.get()) {
        throw new OutOfMemoryError("simulated: Java heap space");
      }
    });
    try (LogCapture logs = new LogCapture()) {
      change("v2");
      assertThat(logs.text()).contains("ERROR").contains("reload cycle failed unexpectedly")
          .contains("raise the heap");
    }
    assertThat(problem(Condition.CYCLE_FAILING)).isNotNull()
        .extracting(WatchStatus.Problem::detail).asString().contains("Java heap space");
    exhausted.set(false);
    change("v3");
    assertThat(watcher.status().problems()).isEmpty();
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
  }
}
