package io.github.reloadwatch;

import java.time.Duration;

/**
 * Observes the watcher's decisions and the outcome of every reload attempt, for metrics, health
 * checks and audit logs. All methods have no-op defaults; override what you need.
 *
 * <pre>{@code
 * ReloadListener metrics = new ReloadListener() {
 *   public void onReloaded(ReloadEvent event, Duration took) { reloads.inc(); }
 *   public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) { failures.inc(); }
 * };
 * }</pre>
 *
 * <p>Methods are called on the watcher's threads ({@link #onWatchEvent()} on the watch thread, the
 * others on the reload thread) and must return quickly. An exception thrown by a listener is logged
 * and otherwise ignored.
 *
 * @since 0.1.0
 */
public interface ReloadListener {

  /** Called for every raw file system event, before debouncing. Used for event counters. */
  default void onWatchEvent() {}

  /**
   * Called when watching itself fails, for example a watched directory disappeared or the OS
   * dropped events. The watcher recovers by rescanning.
   *
   * @param error what went wrong
   */
  default void onWatchError(Exception error) {}

  /**
   * Called when a change was detected but the content equals the last applied snapshot (a {@code
   * touch}, an identical rewrite, an identical ConfigMap update), so no reload is done.
   *
   * @param snapshot the unchanged content
   */
  default void onSkipped(Snapshot snapshot) {}

  /**
   * Called after every action succeeded for a snapshot, which is now the applied one.
   *
   * @param event the reload that succeeded
   * @param took how long the actions took
   */
  default void onReloaded(ReloadEvent event, Duration took) {}

  /**
   * Called when an action failed with a retryable error.
   *
   * @param event the reload that failed
   * @param error what the action threw
   * @param retryIn the delay before the next attempt, or {@link Duration#ZERO} if the retry policy
   *     gave up (the next content change starts again)
   */
  default void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {}

  /**
   * Called when an action threw {@link ReloadRejectedException}: the content is invalid and will
   * not be retried until it changes.
   *
   * @param event the reload that was rejected
   * @param error what the action threw
   */
  default void onRejected(ReloadEvent event, ReloadRejectedException error) {}

  /**
   * Called in {@linkplain ReloadWatcher.Builder#dryRun(boolean) dry-run mode} instead of running
   * the actions: this reload would have happened.
   *
   * @param event the reload that would have run
   */
  default void onDryRun(ReloadEvent event) {}
}
