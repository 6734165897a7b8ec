package io.github.reloadwatch.bench;

import io.github.reloadwatch.AtomicWriter;
import io.github.reloadwatch.AtomicWriter.FileProjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A ConfigMap volume updated by the library's {@link AtomicWriter} (kubelet's order), split in
 * {@link #stage} and {@link #commit} so the harness can time the publishing step alone. Every
 * update is a new version, even of identical content, as the harness's "identical swap" scenario
 * needs. Not thread-safe.
 */
final class KubeletMount {

  private final AtomicWriter writer;
  private AtomicWriter.Staged staged;

  KubeletMount(Path dir, Map<String, byte[]> initial) throws IOException {
    this.writer = AtomicWriter.forDirectory(dir);
    swap(initial);
  }

  Path dir() {
    return writer.directory();
  }

  Path path(String key) {
    return writer.directory().resolve(key);
  }

  /** The new version's directory and {@code ..data_tmp}. */
  void stage(Map<String, byte[]> newFiles) throws IOException {
    List<FileProjection> files = newFiles.entrySet().stream()
        .map(e -> FileProjection.of(e.getKey(), e.getValue())).toList();
    staged = writer.stage(files);
  }

  /** Publishes the staged version; returns the {@link System#nanoTime()} taken right before. */
  long commit() throws IOException {
    long renamed = System.nanoTime();
    staged.commit();
    staged = null;
    return renamed;
  }

  /** A whole update; returns the time right before publishing. */
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
