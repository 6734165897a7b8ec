package io.github.reloadwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * kubelet's AtomicWriter on a real directory, in its order: write the version into {@code
 * ..<timestamp>/}, link {@code ..data_tmp} to it, rename that over {@code ..data} (the one atomic
 * step), create the user-visible {@code key -> ..data/key} links, delete the old version. Split in
 * {@link #stage} and {@link #commit} so the harness can time the rename alone. Not thread-safe.
 */
final class AtomicWriter {

  private final Path dir;
  private long sequence;
  private String current;
  private Map<String, byte[]> files = Map.of();
  private String staged;
  private Map<String, byte[]> stagedFiles;

  AtomicWriter(Path dir, Map<String, byte[]> initial) throws IOException {
    this.dir = Files.createDirectories(dir);
    stage(initial);
    commit();
  }

  Path dir() {
    return dir;
  }

  Path path(String key) {
    return dir.resolve(key);
  }

  /** Steps 1 and 2: the new version's directory and {@code ..data_tmp}. */
  void stage(Map<String, byte[]> newFiles) throws IOException {
    String target = String.format("..2026_11_25_00_00_00.%09d", ++sequence);
    Path targetDir = Files.createDirectory(dir.resolve(target));
    for (Map.Entry<String, byte[]> e : newFiles.entrySet()) {
      Files.write(targetDir.resolve(e.getKey()), e.getValue());
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(target));
    staged = target;
    stagedFiles = new LinkedHashMap<>(newFiles);
  }

  /**
   * Steps 3 to 5. Returns the {@link System#nanoTime()} taken right before the rename.
   */
  long commit() throws IOException {
    long renamed = System.nanoTime();
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String key : stagedFiles.keySet()) {
      Path link = dir.resolve(key);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    for (String key : files.keySet()) {
      if (!stagedFiles.containsKey(key)) {
        Files.deleteIfExists(dir.resolve(key));
      }
    }
    if (current != null) {
      deleteTree(dir.resolve(current));
    }
    current = staged;
    files = stagedFiles;
    return renamed;
  }

  /** A whole update; returns the time right before the rename. */
  long swap(Map<String, byte[]> newFiles) throws IOException {
    stage(newFiles);
    return commit();
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
