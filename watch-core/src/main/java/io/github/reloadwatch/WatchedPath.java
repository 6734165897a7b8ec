package io.github.reloadwatch;

import java.nio.file.Path;

/**
 * A path given to {@link ReloadWatcher.Builder#addPath}, as classified by {@code start()}.
 *
 * @param path the absolute, normalized logical path
 * @param directory whether it is a directory whose files form the watched set
 * @param watchDir the directory the OS watch is registered on: the path itself, or a file's parent
 */
record WatchedPath(Path path, boolean directory, Path watchDir) {

  static WatchedPath directory(Path dir) {
    return new WatchedPath(dir, true, dir);
  }

  static WatchedPath file(Path file) {
    return new WatchedPath(file, false, file.getParent());
  }
}
