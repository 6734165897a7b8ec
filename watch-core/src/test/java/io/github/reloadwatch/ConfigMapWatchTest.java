package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes volume and editor behaviour on a real file system, with real threads and OS watches.
 * Every wait is an Awaitility condition with a bound; "no reload" is proved by a marker change
 * made afterwards, which must be the only reload seen.
 */
@Tag("filesystem")
class ConfigMapWatchTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private ConfigMapFixture mount;
  private final RecordingAction action = new RecordingAction();

  @BeforeEach
  void createMount() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    mount = ConfigMapFixture.create(tmp.resolve("config"), Map.of("prometheus.yml", "v1"));
  }

  private ReloadWatcher.Builder watching(Path path) {
    return ReloadWatcher.builder()
        .addPath(path)
        .debounce(Duration.ofMillis(50))
        .addAction(action);
  }

  private void awaitReloads(int count) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(action.count()).isEqualTo(count));
  }

  @Test
  void swap_reloadsOnceWithNewContent() throws Exception {
    try (ReloadWatcher watcher = watching(mount.dir()).build()) {
      watcher.start();

      mount.swap(Map.of("prometheus.yml", "v2"));

      awaitReloads(1);
      assertThat(action.lastContent())
          .containsExactly(Map.entry(mount.path("prometheus.yml"), "v2"));
      assertThat(action.events().get(0).changes()).containsExactly(
          new FileChange(mount.path("prometheus.yml"), FileChange.Kind.MODIFIED));
      assertThat(action.events().get(0).reason()).isEqualTo(ReloadReason.CHANGE);
    }
  }

  @Test
  void thousandSwapsInABurst_reloadAFewTimesEndingWithTheFinalContent() throws Exception {
    try (ReloadWatcher watcher = watching(mount.dir()).build()) {
      watcher.start();

      for (int i = 1; i <= 1000; i++) {
        mount.swap(Map.of("prometheus.yml", "burst " + i));
      }

      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsEntry(mount.path("prometheus.yml"), "burst 1000"));
      assertThat(action.count()).as("reloads for 1000 swaps").isBetween(1, 10);
      assertThat(action.contents()).allSatisfy(c ->
          assertThat(c.get(mount.path("prometheus.yml"))).startsWith("burst "));
      assertThat(action.maxConcurrent()).isEqualTo(1);
    }
  }

  @Test
  void swapsDuringASlowReload_coalesceIntoExactlyOneFollowUp() throws Exception {
    action.block();
    try (ReloadWatcher watcher = watching(mount.dir()).build()) {
      watcher.start();
      mount.swap(Map.of("prometheus.yml", "v2"));
      assertThat(action.awaitEntered(WAIT)).isTrue();

      for (int i = 3; i <= 6; i++) { // while the first reload is still running
        mount.swap(Map.of("prometheus.yml", "v" + i));
      }
      await().atMost(WAIT).until(() -> watcher.status().watchEvents() >= 8);
      action.release();

      awaitReloads(2);
      assertThat(action.contents()).extracting(c -> c.get(mount.path("prometheus.yml")))
          .containsExactly("v2", "v6");
      assertThat(action.maxConcurrent()).isEqualTo(1);
      mount.swap(Map.of("prometheus.yml", "marker"));
      awaitReloads(3);
    }
  }

  @Test
  void identicalSwaps_doNotReload() throws Exception {
    try (ReloadWatcher watcher = watching(mount.dir()).build()) {
      watcher.start();

      for (int i = 0; i < 20; i++) {
        mount.swap(Map.of("prometheus.yml", "v1"));
      }
      await().atMost(WAIT).until(() -> watcher.status().skippedUnchanged() >= 1);
      mount.swap(Map.of("prometheus.yml", "marker"));

      awaitReloads(1);
      assertThat(action.lastContent()).containsEntry(mount.path("prometheus.yml"), "marker");
    }
  }

  @Test
  void singleFileSymlinkedIntoData_isFollowedAcrossAHundredSwaps() throws Exception {
    try (ReloadWatcher watcher = watching(mount.path("prometheus.yml"))
        .debounce(Duration.ofMillis(10)).build()) {
      watcher.start();

      for (int i = 1; i <= 100; i++) {
        mount.swap(Map.of("prometheus.yml", "swap " + i));
        awaitReloads(i);
      }

      assertThat(action.lastContent())
          .containsExactly(Map.entry(mount.path("prometheus.yml"), "swap 100"));
    }
  }

  @Test
  void windowsStyleDeleteAndCreate_isOneChange() throws Exception {
    try (ReloadWatcher watcher = watching(mount.dir()).build()) {
      watcher.start();

      mount.swapWindowsStyle(Map.of("prometheus.yml", "v2"));

      awaitReloads(1);
      assertThat(action.lastContent()).containsEntry(mount.path("prometheus.yml"), "v2");
    }
  }

  @Test
  void keysAddedAndRemoved_areReportedWithoutKubeletInternals() throws Exception {
    mount.swap(Map.of("a.yml", "a", "b.yml", "b"));
    try (ReloadWatcher watcher = watching(mount.dir()).build()) {
      watcher.start();

      mount.swap(Map.of("b.yml", "b2", "c.yml", "c"));

      awaitReloads(1);
      assertThat(action.events().get(0).changes()).containsExactly(
          new FileChange(mount.path("a.yml"), FileChange.Kind.REMOVED),
          new FileChange(mount.path("b.yml"), FileChange.Kind.MODIFIED),
          new FileChange(mount.path("c.yml"), FileChange.Kind.ADDED));
      assertThat(action.events().get(0).snapshot().paths())
          .noneMatch(p -> p.toString().contains(".."));
    }
  }

  @Test
  void secretPairs_alwaysComeFromOneVersion() throws Exception {
    mount.swap(pair(0));
    Path crt = mount.path("tls.crt");
    Path key = mount.path("tls.key");
    try (ReloadWatcher watcher = watching(mount.dir()).debounce(Duration.ZERO).build()) {
      watcher.start();

      for (int i = 1; i <= 200; i++) {
        mount.swap(pair(i));
      }

      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsEntry(crt, "cert 200"));
      // a read either returns the snapshot's version or fails as stale; never a mixed pair
      assertThat(action.contents()).allSatisfy(c -> {
        if (!c.get(crt).startsWith("<stale") && !c.get(key).startsWith("<stale")) {
          assertThat(c.get(key)).isEqualTo(c.get(crt).replace("cert ", "key "));
        }
      });
      assertThat(action.contents())
          .filteredOn(c -> !c.get(crt).startsWith("<stale") && !c.get(key).startsWith("<stale"))
          .hasSizeGreaterThan(1);
    }
  }

  private static Map<String, String> pair(int version) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("tls.crt", "cert " + version);
    files.put("tls.key", "key " + version);
    return files;
  }

  @Test
  void editorSave_tempFileRenamedOverTheOriginal_reloadsOnce() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = Files.writeString(dir.resolve("app.yml"), "v1");
    try (ReloadWatcher watcher = watching(dir).build()) {
      watcher.start();

      Path temp = Files.writeString(dir.resolve(".app.yml.tmp"), "v2");
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      awaitReloads(1);
      assertThat(action.lastContent()).containsExactly(Map.entry(file, "v2"));
    }
  }

  @Test
  void inPlaceTruncateAndWrite_reloadsTheCompleteFile() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = Files.writeString(dir.resolve("big.txt"), "old");
    String line = "0123456789".repeat(10) + "\n";
    try (ReloadWatcher watcher = watching(dir).build()) {
      watcher.start();

      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        for (int i = 0; i < 2000; i++) { // 200 KB in 2000 writes
          channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        }
      }

      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent().get(file)).hasSize(line.length() * 2000));
      assertThat(action.contents()).allSatisfy(c ->
          assertThat(c.get(file)).hasSize(line.length() * 2000));
    }
  }

  @Test
  void watchedDirectoryDeletedAndRecreated_isWatchedAgain() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = Files.writeString(dir.resolve("app.yml"), "v1");
    try (ReloadWatcher watcher = watching(dir).build()) {
      watcher.start();

      ConfigMapFixture.deleteTree(dir);
      Files.createDirectory(dir);
      Files.writeString(file, "v2");

      awaitReloads(1);
      assertThat(action.lastContent()).containsExactly(Map.entry(file, "v2"));

      Files.writeString(file, "v3"); // the new directory is watched
      awaitReloads(2);
      assertThat(action.lastContent()).containsExactly(Map.entry(file, "v3"));
    }
  }

  @Test
  void vanishingFiles_neverFailTheScan() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    try (ReloadWatcher watcher = watching(dir).build()) {
      watcher.start();

      for (int i = 0; i < 200; i++) { // create and delete while the watcher scans
        Path f = Files.writeString(dir.resolve("f" + i), "x");
        Files.delete(f);
      }
      Files.writeString(dir.resolve("marker"), "done");

      await().atMost(WAIT).untilAsserted(() ->
          assertThat(action.lastContent()).containsExactly(Map.entry(dir.resolve("marker"), "done")));
      assertThat(watcher.status().lastError()).isEmpty();
    }
  }

  @Test
  void recursiveWatch_seesChangesInNewSubdirectories() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("tree"));
    try (ReloadWatcher watcher = watching(dir).recursive(true).build()) {
      watcher.start();

      Path nested = Files.createDirectories(dir.resolve("rules/team-a"));
      Files.writeString(nested.resolve("alerts.yml"), "a1");
      awaitReloads(1);

      Files.writeString(nested.resolve("alerts.yml"), "a2");
      awaitReloads(2);
      assertThat(action.lastContent()).containsExactly(Map.entry(nested.resolve("alerts.yml"), "a2"));
    }
  }

  @Test
  void touch_doesNotReload() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("plain"));
    Path file = Files.writeString(dir.resolve("app.yml"), "v1");
    try (ReloadWatcher watcher = watching(dir).build()) {
      watcher.start();

      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
      Files.writeString(file, "v1");
      await().atMost(WAIT).until(() -> watcher.status().skippedUnchanged() >= 1);
      Files.writeString(file, "marker");

      awaitReloads(1);
      assertThat(action.lastContent()).containsExactly(Map.entry(file, "marker"));
    }
  }

  static String read(Path file) throws IOException {
    return Files.readString(file);
  }
}
