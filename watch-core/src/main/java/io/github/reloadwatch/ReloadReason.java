package io.github.reloadwatch;

/**
 * Why a reload was started.
 *
 * @since 0.1.0
 */
public enum ReloadReason {
  /** The watcher started with {@code reloadOnStart(true)}. */
  START,
  /** The file system reported a change and the content differs from the last applied one. */
  CHANGE,
  /** An earlier attempt for the same content failed and is being retried. */
  RETRY,
  /** The periodic resync found content that the file system events did not report. */
  RESYNC,
  /** {@link ReloadWatcher#reloadNow()} was called. */
  MANUAL
}
