package io.github.reloadwatch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Replays kubelet's AtomicWriter on a real directory, the way ConfigMap, Secret and projected
 * volumes are updated:
 *
 * <ol>
 *   <li>write every file into a new {@code ..<timestamp>} directory;
 *   <li>create the symlink {@code ..data_tmp -> ..<timestamp>};
 *   <li>rename {@code ..data_tmp} over {@code ..data} (the one atomic step);
 *   <li>create the user-visible links {@code key -> ..data/key} for new keys, remove those of
 *       removed keys;
 *   <li>delete the old timestamped directory.
 * </ol>
 *
 * <p>{@link #swapWindowsStyle(Map)} replaces step 3 with a delete of {@code ..data} and a create of
 * a new link, as kubelet does on Windows where a rename cannot replace a link.
 *
 * <pre>{@code
 * ConfigMapFixture mount = ConfigMapFixture.create(tempDir.resolve("config"),
 *     Map.of("prometheus.yml", "v1"));
 * mount.swap(Map.of("prometheus.yml", "v2"));
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class ConfigMapFixture {

  private static final AtomicLong sequence = new AtomicLong();

  private final Path dir;
  private Map<String, byte[]> files = new LinkedHashMap<>();

  private ConfigMapFixture(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates the mount directory and writes the first version.
   *
   * @param dir the mount directory; created if missing
   * @param files file names (keys) and contents, as UTF-8
   * @return the fixture
   * @throws IOException if writing fails
   */
  public static ConfigMapFixture create(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    ConfigMapFixture fixture = new ConfigMapFixture(dir);
    fixture.swap(files);
    return fixture;
  }

  /** Returns whether this platform can create symbolic links here. */
  public static boolean symlinksSupported(Path tempDir) {
    try {
      Path link = tempDir.resolve("link-probe-" + sequence.incrementAndGet());
      Files.createSymbolicLink(link, tempDir);
      Files.delete(link);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Returns the mount directory. */
  public Path dir() {
    return dir;
  }

  /** Returns the user-visible path of a key. */
  public Path path(String key) {
    return dir.resolve(key);
  }

  /** Returns the current {@code ..data} target directory name. */
  public String dataTarget() throws IOException {
    return Files.readSymbolicLink(dir.resolve("..data")).toString();
  }

  /**
   * Publishes a new version with kubelet's rename-over-{@code ..data}.
   *
   * @param newFiles every key of the new version (keys not listed are removed), UTF-8 contents
   * @throws IOException if a step fails
   */
  public void swap(Map<String, String> newFiles) throws IOException {
    publish(utf8(newFiles), false);
  }

  /** Like {@link #swap(Map)} with byte contents. */
  public void swapBytes(Map<String, byte[]> newFiles) throws IOException {
    publish(new LinkedHashMap<>(newFiles), false);
  }

  /** Publishes a new version by deleting {@code ..data} and creating it again (Windows). */
  public void swapWindowsStyle(Map<String, String> newFiles) throws IOException {
    publish(utf8(newFiles), true);
  }

  /** Returns the files of the current version. */
  public Map<String, String> files() {
    Map<String, String> result = new LinkedHashMap<>();
    files.forEach((k, v) -> result.put(k, new String(v, StandardCharsets.UTF_8)));
    return result;
  }

  private void publish(Map<String, byte[]> newFiles, boolean windowsStyle) throws IOException {
    Path data = dir.resolve("..data");
    String oldTarget =
        Files.isSymbolicLink(data) ? Files.readSymbolicLink(data).toString() : null;

    // 1. the new version's files in a fresh timestamped directory
    String target = "..2026_11_25_00_00_00." + String.format("%09d", sequence.incrementAndGet());
    Path targetDir = dir.resolve(target);
    Files.createDirectory(targetDir);
    for (Map.Entry<String, byte[]> e : newFiles.entrySet()) {
      Path file = targetDir.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, e.getValue());
    }

    if (windowsStyle) {
      // 2+3 (Windows): delete the old link, then create the new one
      Files.deleteIfExists(data);
      Files.createSymbolicLink(data, Path.of(target));
    } else {
      // 2. ..data_tmp -> new version
      Path tmp = dir.resolve("..data_tmp");
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, Path.of(target));
      // 3. the atomic step: rename ..data_tmp over ..data
      try {
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("this file system cannot rename a link atomically", e);
      }
    }

    // 4. user-visible links for top-level keys: add new, remove gone
    Set<String> newTop = topLevel(newFiles.keySet());
    Set<String> oldTop = topLevel(files.keySet());
    for (String key : newTop) {
      Path link = dir.resolve(key);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createSymbolicLink(link, Path.of("..data").resolve(key));
        } catch (FileAlreadyExistsException ignored) {
          // created concurrently: fine
        }
      }
    }
    for (String key : oldTop) {
      if (!newTop.contains(key)) {
        Files.deleteIfExists(dir.resolve(key));
      }
    }

    // 5. delete the old version
    if (oldTarget != null && !oldTarget.equals(target)) {
      deleteTree(dir.resolve(oldTarget));
    }
    files = newFiles;
  }

  private static Set<String> topLevel(Set<String> keys) {
    Set<String> result = new TreeSet<>();
    for (String key : keys) {
      int slash = key.indexOf('/');
      result.add(slash < 0 ? key : key.substring(0, slash));
    }
    return result;
  }

  private static Map<String, byte[]> utf8(Map<String, String> files) {
    Map<String, byte[]> result = new LinkedHashMap<>();
    files.forEach((k, v) -> result.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return result;
  }

  /** Deletes a directory tree, not following links. */
  public static void deleteTree(Path root) throws IOException {
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
