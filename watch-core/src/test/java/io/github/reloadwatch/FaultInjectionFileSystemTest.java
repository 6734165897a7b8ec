package io.github.reloadwatch;

import io.github.reloadwatch.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.RecordingAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real file system with the real adapter ({@code directory-watcher} over the JDK's
 * inotify {@code WatchService}), where the fake backend cannot show them.
 */
@Tag("filesystem")
class FaultInjectionFileSystemTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private final RecordingAction action = new RecordingAction();

  /**
   * Regression (found by this suite, fixed in 1773249): moving a watched directory away makes
   * inotify report only {@code IN_MOVE_SELF} on it, which the JDK {@code WatchService} drops, so
   * without a watch on the parent nothing reached the engine and the replacement was not watched
   * until the resync.
   */
  @Test
  void watchedDirectoryMovedAwayAndReplaced_isWatchedAgain() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = dir.resolve("app.yml");
    Files.writeString(file, "v1");
    try (ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(dir).debounce(Duration.ofMillis(20)).addAction(action).build()) {
      watcher.start();
      // replaced in one go, as `mv dir dir.old && mkdir dir` does: a new inode
      Files.move(dir, tmp.resolve("plain.old"));
      Files.createDirectory(dir);
      Files.writeString(file, "v2");
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsExactly(Map.entry(file, "v2")));
      // and it is watched, not just rescanned once
      Files.writeString(file, "v3");
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsExactly(Map.entry(file, "v3")));
    }
  }

  /**
   * Regression (found by this suite, fixed in 1773249): ext4 hands a directory deleted and created
   * again at once the same inode number, so a check by directory file key saw nothing to register,
   * while the old inotify watch died with the old directory (directory-watcher drops the invalid
   * key with only a DEBUG line). The first change was still found by the scan the deletion events
   * triggered; every later one was missed until the resync.
   */
  @Test
  void watchedDirectoryDeletedAndRecreatedAtOnce_isWatchedAgain() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = dir.resolve("app.yml");
    Files.writeString(file, "v1");
    // a second watched directory keeps directory-watcher's loop alive; with a single one the
    // loop ends when the directory goes, and the engine does register again
    Path other = Files.createDirectory(tmp.resolve("other"));
    Files.writeString(other.resolve("other.yml"), "o1");
    Object inodeBefore = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    try (ReloadWatcher watcher = ReloadWatcher.builder().addPath(dir).addPath(other)
        .debounce(Duration.ofMillis(20)).addAction(action).build()) {
      watcher.start();
      // rm -rf dir && mkdir dir, as a deploy script or `cp -r` over a fresh directory does
      ConfigMapFixture.deleteTree(dir);
      Files.createDirectory(dir);
      Files.writeString(file, "v2");
      Object inodeAfter = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsEntry(file, "v2"));
      Files.writeString(file, "v3");
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent())
              .as("deaf after re-creation; same inode before and after: %s",
                  inodeBefore.equals(inodeAfter))
              .containsEntry(file, "v3"));
    }
  }

  @Test
  void watchedDirectoryDeletedAndRecreatedAfterTheWatcherNoticed_isWatchedAgain()
      throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = dir.resolve("app.yml");
    Files.writeString(file, "v1");
    Path other = Files.createDirectory(tmp.resolve("other"));
    Files.writeString(other.resolve("other.yml"), "o1");
    try (LogCapture log = new LogCapture();
        ReloadWatcher watcher = ReloadWatcher.builder().addPath(dir).addPath(other)
            .debounce(Duration.ofMillis(20)).addAction(action).build()) {
      watcher.start();
      ConfigMapFixture.deleteTree(dir);
      await().atMost(WAIT).until(() -> log.text().contains("missing, so no reload"));
      Files.createDirectory(dir);
      Files.writeString(file, "v2");
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsEntry(file, "v2"));
      Files.writeString(file, "v3");
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsEntry(file, "v3"));
    }
  }
}
