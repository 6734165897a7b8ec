package io.github.reloadwatch;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One logical file that differs between the last applied snapshot and the new one.
 *
 * @param path the logical path, as the user sees it (for a ConfigMap mount, {@code
 *     /etc/config/prometheus.yml}, never {@code ..data} or a timestamped directory)
 * @param kind whether the file was added, modified or removed
 * @since 0.1.0
 */
public record FileChange(Path path, Kind kind) {

  /** How a file changed. */
  public enum Kind {
    /** The file exists now and did not before. */
    ADDED,
    /** The file exists in both snapshots with different content. */
    MODIFIED,
    /** The file existed before and does not now. */
    REMOVED
  }

  /**
   * Creates a change.
   *
   * @param path the logical path
   * @param kind the kind of change
   * @throws NullPointerException if an argument is null
   */
  public FileChange {
    Objects.requireNonNull(path, "path cannot be null");
    Objects.requireNonNull(kind, "kind cannot be null");
  }
}
