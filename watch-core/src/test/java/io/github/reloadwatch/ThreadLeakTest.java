package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.testing.RecordingAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() stops every thread the watcher started, including a blocked reload. */
@Tag("filesystem")
class ThreadLeakTest {

  @TempDir Path tmp;

  static List<String> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(Threads.PREFIX))
        .toList();
  }

  @Test
  void close_leavesNoLibraryThread() throws Exception {
    Files.writeString(tmp.resolve("a.yml"), "v1");
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(tmp).addAction(event -> {}).reloadOnStart(true).build();
    watcher.start();
    assertThat(libraryThreads()).anyMatch(n -> n.startsWith("reloadwatch-watch-"))
        .anyMatch(n -> n.startsWith("reloadwatch-reload-"));
    watcher.close();
    assertThat(libraryThreads()).isEmpty();
  }

  @Test
  void close_interruptsAReloadStuckPastTheCloseTimeout() throws Exception {
    Files.writeString(tmp.resolve("a.yml"), "v1");
    RecordingAction stuck = new RecordingAction().block();
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(tmp)
        .addAction(stuck)
        .reloadOnStart(true)
        .closeTimeout(Duration.ofMillis(200))
        .build();
    watcher.start();
    assertThat(stuck.awaitEntered(Duration.ofSeconds(10))).isTrue();
    watcher.close(); // the action waits on a latch and is interrupted after 200 ms
    await().atMost(Duration.ofSeconds(10)).until(() -> libraryThreads().isEmpty());
    assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CLOSED);
  }

  @Test
  void close_waitsForAnInFlightReload() throws Exception {
    Files.writeString(tmp.resolve("a.yml"), "v1");
    RecordingAction slow = new RecordingAction().block();
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(tmp).addAction(slow).reloadOnStart(true).build();
    watcher.start();
    assertThat(slow.awaitEntered(Duration.ofSeconds(10))).isTrue();
    Thread releaser = new Thread(() -> {
      // release only once close() has begun, so close() must wait for the reload to end
      await().atMost(Duration.ofSeconds(10))
          .until(() -> watcher.status().state() == WatchStatus.State.CLOSED);
      slow.release();
    }, "test-releaser");
    releaser.start();
    watcher.close(); // returns once the reload finished, well within the 10 s default
    releaser.join();
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    assertThat(libraryThreads()).isEmpty();
  }
}
