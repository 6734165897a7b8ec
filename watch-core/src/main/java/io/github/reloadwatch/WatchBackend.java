package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The source of raw "something changed" signals. The engine never trusts event kinds or counts: any
 * signal only starts the quiet period, after which everything is rescanned and hashed.
 *
 * <p>A seam for tests: {@code ReloadWatcher.Builder#backend} injects a fake that simulates
 * overflows, lost watches and inotify exhaustion.
 */
interface WatchBackend extends AutoCloseable {

  /** Receives signals, on the backend's own thread. Implementations must be thread-safe. */
  interface Callback {
    /** A file system event under {@code path} (null for an overflow). */
    void onEvent(Path path, boolean overflow);

    /** The backend stopped watching some or all directories, or failed. */
    void onError(Exception error);
  }

  /** Creates a backend for a set of directories. */
  @FunctionalInterface
  interface Factory {
    /**
     * Registers OS watches on the directories and starts delivering signals. Returns only when
     * every watch is registered.
     *
     * @param recursiveDirs directories watched with their whole tree
     * @param flatDirs directories watched without their subdirectories
     * @throws IOException if a watch cannot be registered
     */
    WatchBackend start(Set<Path> recursiveDirs, Set<Path> flatDirs, Callback callback)
        throws IOException;
  }

  /** Stops watching and ends the backend's thread. Idempotent; never throws. */
  @Override
  void close();
}
