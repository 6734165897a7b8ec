package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets an exception that names the path and says what to do. */
class ReloadWatcherInputTest {

  @TempDir Path tmp;

  private static ReloadWatcher watcherOf(Path path) {
    return ReloadWatcher.builder().addPath(path).addAction(event -> {}).build();
  }

  @Test
  void start_missingPath() {
    Path missing = tmp.resolve("nope");
    ReloadWatcher watcher = watcherOf(missing);
    assertThatThrownBy(watcher::start)
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist: create it, or fix the path");
    assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CLOSED);
  }

  @Test
  void start_fileWhereDirectoryExpected() throws IOException {
    Path file = Files.writeString(tmp.resolve("prometheus.yml"), "x");
    ReloadWatcher watcher =
        ReloadWatcher.builder().addDirectory(file).addAction(event -> {}).build();
    assertThatThrownBy(watcher::start)
        .isInstanceOf(NotDirectoryException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("use addPath(...) to watch a single file");
  }

  @Test
  void start_symlinkLoop() throws IOException {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    assertThatThrownBy(watcherOf(a)::start)
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(a.toString())
        .hasMessageContaining("symbolic link loop");
  }

  @Test
  void start_danglingSymlink() throws IOException {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("target"));
    assertThatThrownBy(watcherOf(link)::start)
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(link.toString())
        .hasMessageContaining("symbolic link to a missing target");
  }

  @Test
  void start_twice() throws IOException {
    try (ReloadWatcher watcher = watcherOf(tmp)) {
      watcher.start();
      assertThatThrownBy(watcher::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("watcher already started");
    }
  }

  @Test
  void start_failure_leavesNoThreads() {
    ReloadWatcher watcher = watcherOf(tmp.resolve("missing"));
    assertThatThrownBy(watcher::start).isInstanceOf(IOException.class);
    assertThat(ThreadLeakTest.libraryThreads()).isEmpty();
  }

  @Test
  void mountInfo_parsesMountPointsWithEscapes() throws IOException {
    Path mountInfo = Files.writeString(tmp.resolve("mountinfo"),
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
            + "95 22 8:1 /var/lib/kubelet/pods/x/volumes/cm/prometheus.yml"
            + " /etc/my\\040config/prometheus.yml ro - ext4 /dev/sda1 rw\n",
        StandardCharsets.UTF_8);
    assertThat(SubPathDetector.mountPoints(mountInfo))
        .containsExactlyInAnyOrder(Path.of("/"), Path.of("/etc/my config/prometheus.yml"));
    assertThat(SubPathDetector.mountPoints(tmp.resolve("absent"))).isEmpty();
  }

  @Test
  void subPathMount_isReportedForAWatchedFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("prometheus.yml"), "x");
    Path other = Files.writeString(tmp.resolve("rules.yml"), "y");
    Path mountInfo = Files.writeString(tmp.resolve("mountinfo"),
        "95 22 8:1 /cm/prometheus.yml " + file + " ro - ext4 /dev/sda1 rw\n");
    Snapshot snapshot =
        new SnapshotScanner(List.of(WatchedPath.directory(tmp)), false, List.of(), List.of())
            .scan().snapshot();
    assertThat(SubPathDetector.warnAboutSubPathMounts(
            mountInfo, List.of(WatchedPath.directory(tmp)), snapshot))
        .containsExactly(file)
        .doesNotContain(other);
  }

  @Test
  void pathsWithSpacesAndNonAsciiCharacters_work() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("my config ü"));
    Files.writeString(dir.resolve("règles é.yml"), "x");
    Snapshot snapshot =
        new SnapshotScanner(List.of(WatchedPath.directory(dir)), false, List.of(), List.of())
            .scan().snapshot();
    assertThat(snapshot.paths()).containsExactly(dir.resolve("règles é.yml"));
    try (ReloadWatcher watcher = watcherOf(dir)) {
      watcher.start();
      assertThat(watcher.status().currentDigest()).contains(snapshot.digest());
    }
  }

  @Test
  void includeAndExcludeGlobs_filterTheWatchedSet() throws IOException {
    Files.createDirectories(tmp.resolve("rules"));
    Files.writeString(tmp.resolve("prometheus.yml"), "p");
    Files.writeString(tmp.resolve("notes.txt"), "n");
    Files.writeString(tmp.resolve("rules/a.yml"), "a");
    Files.writeString(tmp.resolve("rules/skip.yml"), "s");
    SnapshotScanner scanner = new SnapshotScanner(
        List.of(WatchedPath.directory(tmp)), true,
        List.of(tmp.getFileSystem().getPathMatcher("glob:**.yml")),
        List.of(tmp.getFileSystem().getPathMatcher("glob:rules/skip.yml")));
    assertThat(scanner.scan().snapshot().paths())
        .containsExactly(tmp.resolve("prometheus.yml"), tmp.resolve("rules/a.yml"));
  }

  @Test
  void configMapVolume_exposesOnlyUserVisibleKeys() throws IOException {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    ConfigMapFixture mount = ConfigMapFixture.create(
        tmp.resolve("cm"), Map.of("prometheus.yml", "p", "rules.yml", "r"));
    Snapshot snapshot = new SnapshotScanner(
        List.of(WatchedPath.directory(mount.dir())), true, List.of(), List.of())
        .scan().snapshot();
    assertThat(snapshot.paths())
        .containsExactly(mount.path("prometheus.yml"), mount.path("rules.yml"));
    assertThat(snapshot.entries().values())
        .allSatisfy(e -> assertThat(e.resolved().toString()).contains(mount.dataTarget()));
  }
}
