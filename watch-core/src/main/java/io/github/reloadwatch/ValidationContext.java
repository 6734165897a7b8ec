package io.github.reloadwatch;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Validator} checks: the new snapshot and where each file's new content is on disk
 * right now.
 *
 * @param snapshot the content about to be applied; for rendered outputs, the logical path is the
 *     output path
 * @param staged where rendered outputs are staged until validation passes, by output path
 * @since 0.1.0
 */
public record ValidationContext(Snapshot snapshot, Map<Path, Path> staged) {

  /**
   * Creates a context.
   *
   * @param snapshot the content about to be applied
   * @param staged staged files by logical path
   * @throws NullPointerException if an argument is null
   */
  public ValidationContext {
    Objects.requireNonNull(snapshot, "snapshot cannot be null");
    staged = Map.copyOf(staged);
  }

  /**
   * Returns the file that holds a logical path's new content now: the staging file of a rendered
   * output, or the resolved file of a watched path (for a ConfigMap, inside the pinned version).
   *
   * @param logical a path of the snapshot; a relative path is resolved against the working
   *     directory
   * @return a readable file
   * @throws IllegalArgumentException if the path is not part of the snapshot
   */
  public Path locate(Path logical) {
    logical = Snapshot.logical(Objects.requireNonNull(logical, "logical cannot be null"));
    Path stagedFile = staged.get(logical);
    if (stagedFile != null) {
      return stagedFile;
    }
    Snapshot.Entry entry = snapshot.entries().get(logical);
    if (entry == null) {
      throw new IllegalArgumentException(
          "[" + logical + "] is not part of the snapshot: validate one of " + snapshot.paths());
    }
    return entry.resolved();
  }
}
