package io.github.reloadwatch;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link SnapshotScanner}'s index of files by directory, changed in place by an incremental scan
 * and put back as it was if that scan fails: the index always describes the scanner's last
 * complete snapshot.
 */
final class DirIndex {
  private final Map<Path, Set<Path>> index;
  private final Map<Path, Set<Path>> undo = new HashMap<>(); // a null value: was absent
  private final Set<Path> owned = new HashSet<>(); // sets this scan made, safe to change

  DirIndex(Map<Path, Set<Path>> index) {
    this.index = index;
  }

  boolean contains(Path dir) {
    return index.containsKey(dir);
  }

  Set<Path> get(Path dir) {
    return index.getOrDefault(dir, Set.of());
  }

  Set<Path> dirs() {
    return index.keySet();
  }

  boolean hasAnyUnder(Path dir) {
    for (Path known : index.keySet()) {
      if (known.startsWith(dir)) {
        return true;
      }
    }
    return false;
  }

  void put(Path dir, Set<Path> files) {
    remember(dir);
    index.put(dir, files);
    owned.add(dir);
  }

  void removeFile(Path file) {
    writable(file.getParent()).remove(file);
  }

  void addFile(Path file) {
    writable(file.getParent()).add(file);
  }

  /** The set of a directory, copied once per scan before its first change (for rollback). */
  private Set<Path> writable(Path dir) {
    if (!owned.contains(dir)) {
      put(dir, new HashSet<>(get(dir)));
    }
    return index.get(dir);
  }

  Set<Path> remove(Path dir) {
    remember(dir);
    owned.remove(dir);
    return index.remove(dir);
  }

  private void remember(Path dir) {
    if (!undo.containsKey(dir)) {
      undo.put(dir, index.get(dir));
    }
  }

  void rollback() {
    undo.forEach((dir, files) -> {
      if (files == null) {
        index.remove(dir);
      } else {
        index.put(dir, files);
      }
    });
    undo.clear();
    owned.clear();
  }
}
