package io.github.reloadwatch.testing;

import io.github.reloadwatch.AtomicWriter;
import io.github.reloadwatch.AtomicWriter.FileProjection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A Kubernetes ConfigMap (or Secret) volume on a real directory, updated the way kubelet's
 * AtomicWriter updates it (through {@link AtomicWriter}): a new {@code ..<timestamp>} directory,
 * {@code ..data_tmp} renamed over {@code ..data}, the user-visible links fixed, the old version
 * deleted. Unlike kubelet, every swap writes a new version, even of identical content, so tests
 * can check that readers take it as unchanged.
 *
 * <p>{@link #swapWindowsStyle(Map)} replaces the rename with a delete of {@code ..data} and a
 * create of a new link, as kubelet does on Windows.
 *
 * <pre>{@code
 * ConfigMapFixture mount = ConfigMapFixture.create(tempDir.resolve("config"),
 *     Map.of("prometheus.yml", "v1"));
 * mount.swap(Map.of("prometheus.yml", "v2"));
 * }</pre>
 *
 * <p>Not thread-safe.
 *
 * @since 0.1.0
 */
public final class ConfigMapFixture {

  private static final AtomicLong sequence = new AtomicLong();

  private final AtomicWriter writer;
  private Map<String, byte[]> files = new LinkedHashMap<>();

  private ConfigMapFixture(AtomicWriter writer) {
    this.writer = writer;
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
    ConfigMapFixture fixture = new ConfigMapFixture(AtomicWriter.forDirectory(dir));
    fixture.swap(files);
    return fixture;
  }

  /**
   * Returns whether this platform can create symbolic links in a directory.
   *
   * @param tempDir a writable directory
   * @return true if a link could be created there
   */
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

  /**
   * Returns the mount directory.
   *
   * @return the directory
   */
  public Path dir() {
    return writer.directory();
  }

  /**
   * Returns the user-visible path of a key.
   *
   * @param key a file name of the volume
   * @return its path in the mount directory
   */
  public Path path(String key) {
    return dir().resolve(key);
  }

  /**
   * Returns the current {@code ..data} target directory name.
   *
   * @return a name like {@code ..2026_11_25_00_00_00.123}
   * @throws IOException if {@code ..data} cannot be read
   */
  public String dataTarget() throws IOException {
    return Files.readSymbolicLink(dir().resolve("..data")).toString();
  }

  /**
   * Publishes a new version with kubelet's rename over {@code ..data}.
   *
   * @param newFiles every key of the new version (keys not listed are removed), UTF-8 contents
   * @throws IOException if a step fails
   */
  public void swap(Map<String, String> newFiles) throws IOException {
    swapBytes(utf8(newFiles));
  }

  /**
   * Like {@link #swap(Map)} with byte contents.
   *
   * @param newFiles every key of the new version and its bytes
   * @throws IOException if a step fails
   */
  public void swapBytes(Map<String, byte[]> newFiles) throws IOException {
    writer.stage(projections(newFiles)).commit();
    files = new LinkedHashMap<>(newFiles);
  }

  /**
   * Publishes a new version by deleting {@code ..data} and creating it again (Windows).
   *
   * @param newFiles every key of the new version, UTF-8 contents
   * @throws IOException if a step fails
   */
  public void swapWindowsStyle(Map<String, String> newFiles) throws IOException {
    Map<String, byte[]> bytes = utf8(newFiles);
    writer.stage(projections(bytes)).commitByRecreatingLink();
    files = bytes;
  }

  /**
   * Returns the files of the current version.
   *
   * @return keys and UTF-8 contents
   */
  public Map<String, String> files() {
    Map<String, String> result = new LinkedHashMap<>();
    files.forEach((k, v) -> result.put(k, new String(v, StandardCharsets.UTF_8)));
    return result;
  }

  /**
   * Deletes a directory tree, not following links.
   *
   * @param root the tree; nothing happens if it is missing
   * @throws IOException if a file cannot be deleted
   */
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

  private static List<FileProjection> projections(Map<String, byte[]> files) {
    return files.entrySet().stream().map(e -> FileProjection.of(e.getKey(), e.getValue())).toList();
  }

  private static Map<String, byte[]> utf8(Map<String, String> files) {
    Map<String, byte[]> result = new LinkedHashMap<>();
    files.forEach((k, v) -> result.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return result;
  }
}
