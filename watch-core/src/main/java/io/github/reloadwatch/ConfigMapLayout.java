package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Detects and resolves the layout kubelet's AtomicWriter gives ConfigMap, Secret, downward API and
 * projected volumes:
 *
 * <pre>
 * /etc/config/
 *   ..2026_11_25_02_08_16.123456789/   the real files of one version
 *   ..data -&gt; ..2026_11_25_02_08_16.123456789
 *   prometheus.yml -&gt; ..data/prometheus.yml
 * </pre>
 *
 * <p>An update writes a new timestamped directory, points {@code ..data_tmp} at it, renames {@code
 * ..data_tmp} over {@code ..data} (the atomic step), fixes the user-visible links and deletes the
 * old directory. Reading every file through one {@linkplain #pin pinned} target directory gives a
 * consistent version even while a swap happens.
 */
final class ConfigMapLayout {

  static final String DATA_DIR = "..data";

  /** A kubelet swap moved {@code ..data} while it was being read: read the volume again. */
  static final class SwapInProgressException extends IOException {
    private static final long serialVersionUID = 1L;

    SwapInProgressException(Path target, String what) {
      super("[" + target + "] " + what);
    }
  }

  private final Path dir;
  private final Path target;

  private ConfigMapLayout(Path dir, Path target) {
    this.dir = dir;
    this.target = target;
  }

  /**
   * Pins the current {@code ..data} target of {@code dir}, or returns empty if {@code dir} is not an
   * AtomicWriter volume.
   */
  static Optional<ConfigMapLayout> pin(Path dir) throws IOException {
    Path data = dir.resolve(DATA_DIR);
    Path link;
    try {
      link = Files.readSymbolicLink(data);
    } catch (NoSuchFileException | NotLinkException e) {
      // Windows-style delete+create of ..data leaves a moment with no link: the caller sees a
      // plain directory only if there is also no timestamped directory, see isMidSwap
      return Optional.empty();
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    }
    Path target = dir.resolve(link).normalize();
    if (!Files.isDirectory(target)) {
      throw new SwapInProgressException(target, "..data points at a missing directory");
    }
    return Optional.of(new ConfigMapLayout(dir, target));
  }

  /**
   * Whether {@code dir} looks like an AtomicWriter volume caught between deleting and re-creating
   * {@code ..data} (the Windows variant of the swap): timestamped directories but no {@code ..data}.
   */
  static boolean isMidSwap(Path dir) throws IOException {
    if (Files.exists(dir.resolve(DATA_DIR), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(
          p -> {
            String name = p.getFileName().toString();
            return name.startsWith("..") && name.length() > 2 && Character.isDigit(name.charAt(2));
          });
    }
  }

  /**
   * Checks that {@code ..data} still points at the pinned version. kubelet deletes a version only
   * after swapping {@code ..data} away from it, so if this holds after reading, nothing read came
   * from a version being deleted: a directory listing taken during deletion can silently miss
   * files, which would otherwise look like removed keys.
   *
   * @throws SwapInProgressException if a swap happened meanwhile; read again
   */
  void checkStillCurrent() throws IOException {
    Path now;
    try {
      now = dir.resolve(Files.readSymbolicLink(dir.resolve(DATA_DIR))).normalize();
    } catch (NoSuchFileException | NotLinkException e) {
      now = null;
    }
    if (!target.equals(now)) {
      throw new SwapInProgressException(target, "..data was swapped while reading");
    }
  }

  /** The watched volume directory. */
  Path dir() {
    return dir;
  }

  /** The timestamped directory that {@code ..data} pointed at when pinned. */
  Path target() {
    return target;
  }

  /**
   * Maps a logical path inside the volume to where its bytes are in the pinned version, or returns
   * the path unchanged if it is not under this volume.
   */
  Path resolve(Path logical) {
    if (!logical.startsWith(dir) || logical.equals(dir)) {
      return logical;
    }
    return target.resolve(dir.relativize(logical));
  }
}
