package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The incremental scan against the full one (issue #15): after every random change to a real tree
 * bigger than {@link SnapshotScanner#INCREMENTAL_FROM_FILES}, a scanner that rescans only what
 * the events named must hold exactly what a full scan finds. Events are those the OS would
 * deliver: the changed paths (a file, a directory created or removed, both names of a rename).
 */
@Tag("filesystem")
class IncrementalScanTest {

  private static final int STEPS = 120;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void incrementalScans_equalFullScans_afterEveryChange(long seed) throws IOException {
    Path tmp = Files.createTempDirectory("incremental-" + seed + "-");
    try {
      new Run(seed, tmp).run();
    } finally {
      ConfigMapFixture.deleteTree(tmp);
    }
  }

  private static final class Run {
    private final Random random;
    private final long seed;
    private final Path tree;
    private final Path mountDir;
    private final List<String> log = new ArrayList<>();
    private ConfigMapFixture mount;
    private int counter;

    Run(long seed, Path tmp) {
      this.seed = seed;
      this.random = new Random(seed);
      this.tree = tmp.resolve("tree");
      this.mountDir = tmp.resolve("mount");
    }

    private SnapshotScanner scanner() {
      return new SnapshotScanner(
          List.of(WatchedPath.directory(tree), WatchedPath.directory(mountDir)), true,
          List.of(), List.of(FileSystems.getDefault().getPathMatcher("glob:**.tmp")));
    }

    void run() throws IOException {
      for (int d = 0; d < 6; d++) {
        Path dir = Files.createDirectories(tree.resolve("d" + d).resolve("s" + (d % 2)));
        for (int f = 0; f < 110; f++) {
          Files.writeString(dir.resolve("f" + f + ".yml"), "v0 " + d + "/" + f);
        }
      }
      mount = ConfigMapFixture.create(mountDir, Map.of("a.yaml", "a0", "b.yaml", "b0"));
      SnapshotScanner incremental = scanner();
      Snapshot base = incremental.scan().snapshot();
      assertThat(base.size()).isGreaterThan(SnapshotScanner.INCREMENTAL_FROM_FILES);
      for (int step = 0; step < STEPS; step++) {
        Set<Path> events = new HashSet<>();
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
          mutate(events);
        }
        Snapshot partial = incremental.scan(events).snapshot();
        Snapshot full = scanner().scan().snapshot();
        assertThat(difference(partial, full))
            .as("seed %d, step %d, operations:%n  %s", seed, step,
                String.join("\n  ", log.subList(Math.max(0, log.size() - 12), log.size())))
            .isEmpty();
        assertThat(partial.digest()).isEqualTo(full.digest());
      }
    }

    /** What an incremental snapshot got wrong, path by path; empty when it is right. */
    private List<String> difference(Snapshot partial, Snapshot full) {
      List<String> wrong = new ArrayList<>();
      Set<Path> all = new TreeSet<>(partial.paths());
      all.addAll(full.paths());
      for (Path path : all) {
        String is = partial.digests().get(path);
        String should = full.digests().get(path);
        if (is == null) {
          wrong.add("missing " + tree.getParent().relativize(path));
        } else if (should == null) {
          wrong.add("stale " + tree.getParent().relativize(path));
        } else if (!is.equals(should)) {
          wrong.add("old content " + tree.getParent().relativize(path));
        }
      }
      return wrong;
    }

    private Path randomDir() throws IOException {
      List<Path> dirs;
      try (Stream<Path> walk = Files.walk(tree)) {
        dirs = walk.filter(Files::isDirectory).toList();
      }
      return dirs.get(random.nextInt(dirs.size()));
    }

    private Path randomFile() throws IOException {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(tree)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      return files.isEmpty() ? null : files.get(random.nextInt(files.size()));
    }

    private void mutate(Set<Path> events) throws IOException {
      int op = random.nextInt(100);
      Path file = randomFile();
      if (op < 25 && file != null) {
        log.add("write " + tree.relativize(file));
        Files.writeString(file, "v" + (++counter));
        events.add(file);
      } else if (op < 40) {
        Path created = randomDir().resolve("new" + (++counter) + ".yml");
        log.add("create " + tree.relativize(created));
        Files.writeString(created, "new " + counter);
        events.add(created);
      } else if (op < 50 && file != null) {
        log.add("delete " + tree.relativize(file));
        Files.delete(file);
        events.add(file);
      } else if (op < 60 && file != null) {
        log.add("editor save " + tree.relativize(file));
        Path swap = file.resolveSibling("." + file.getFileName() + ".swp");
        Files.writeString(swap, "saved " + (++counter));
        events.add(swap);
        Files.move(swap, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        events.add(file);
      } else if (op < 67 && file != null) {
        Path target = randomDir().resolve("moved" + (++counter) + ".yml");
        log.add("move " + tree.relativize(file) + " to " + tree.relativize(target));
        Files.move(file, target);
        events.add(file);
        events.add(target);
      } else if (op < 75) {
        Path dir = randomDir().resolve("sub" + (++counter));
        log.add("mkdir with files " + tree.relativize(dir));
        Files.createDirectories(dir.resolve("deeper"));
        Files.writeString(dir.resolve("x.yml"), "x " + counter);
        Files.writeString(dir.resolve("deeper/y.yml"), "y " + counter);
        Files.writeString(dir.resolve("ignored.tmp"), "excluded");
        events.add(dir); // the OS names the directory; its files come with the walk
      } else if (op < 80) {
        Path dir = randomDir();
        if (!dir.equals(tree)) {
          log.add("delete tree " + tree.relativize(dir));
          ConfigMapFixture.deleteTree(dir);
          events.add(dir);
        }
      } else if (op < 85) {
        Path hidden = randomDir().resolve(".hidden" + (++counter));
        log.add("hidden file " + tree.relativize(hidden));
        Files.writeString(hidden, "h");
        events.add(hidden);
      } else if (op < 95) {
        log.add("configmap swap");
        mount.swap(Map.of("a.yaml", "a" + (++counter), "b.yaml", "b" + counter));
        events.add(mountDir.resolve("..data"));
      } else {
        log.add("configmap identical swap");
        mount.swap(mount.files());
        events.add(mountDir.resolve("..data"));
      }
    }
  }
}
