package io.github.reloadwatch;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The paths OS events named since the last scan, so that a change cycle rescans only the
 * directories that had events instead of the whole tree; or "everything" when the events cannot
 * be trusted to name every change (an overflow, watches registered again, too many paths).
 * Written by the watch thread, drained by the reload thread. Thread-safe.
 */
final class DirtyPaths {

  /** Beyond this many paths (a checkout of a whole tree), one full scan is cheaper to track. */
  static final int MAX_PATHS = 4_096;

  /** What a scan has to look at. */
  record Drained(boolean everything, Set<Path> paths) {}

  // @GuardedBy("this")
  private Set<Path> paths = new HashSet<>();
  // @GuardedBy("this")
  private boolean everything = true; // until the first full scan

  synchronized void add(Path path) {
    if (!everything) {
      paths.add(path);
      if (paths.size() > MAX_PATHS) {
        markEverything();
      }
    }
  }

  synchronized void markEverything() {
    everything = true;
    paths = new HashSet<>();
  }

  /** Takes what accumulated; the next drain starts empty. */
  synchronized Drained drain() {
    Drained drained = new Drained(everything, Set.copyOf(paths));
    everything = false;
    paths = new HashSet<>();
    return drained;
  }

  /** Puts back what a scan that did not complete had drained, so the next one looks again. */
  synchronized void restore(Drained drained) {
    if (drained.everything()) {
      markEverything();
    } else if (!everything) {
      paths.addAll(drained.paths());
      if (paths.size() > MAX_PATHS) {
        markEverything();
      }
    }
  }
}
