package io.github.reloadwatch;

/**
 * What to do when the watched content has really changed: call an HTTP endpoint, send a signal,
 * run a command, or swap a config object in-process.
 *
 * <pre>{@code
 * ReloadAction action = event -> {
 *   byte[] yaml = event.snapshot().read(Path.of("/etc/app/app.yaml"));
 *   config.set(AppConfig.parse(yaml));
 * };
 * }</pre>
 *
 * <p>Actions run on the watcher's reload thread, one at a time and never concurrently with another
 * reload of the same watcher, in the order they were added to the builder. They may block. An
 * action reports failure by throwing:
 *
 * <ul>
 *   <li>{@link ReloadRejectedException}: the target refused this content (it is invalid). The
 *       watcher does not retry until the content changes again.
 *   <li>any other exception: a failure that may pass (target down, timeout). The watcher retries
 *       with backoff until it succeeds or newer content supersedes it. Throw {@link
 *       ReloadFailedException} to pass a minimum delay, such as an HTTP {@code Retry-After}.
 * </ul>
 *
 * <p>An action that holds resources (an HTTP client) may implement {@link AutoCloseable}: the
 * watcher closes it once, in {@link ReloadWatcher#close()}, after the last reload finished.
 *
 * <p>If an action throws, the actions after it are not run for that attempt; the whole list is run
 * again on the retry. Implementations must therefore be idempotent, which reload endpoints are.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReloadAction {

  /**
   * Reloads the target.
   *
   * @param event why this reload happens, what changed, and the content snapshot to apply
   * @throws ReloadRejectedException if the target refused the content as invalid
   * @throws InterruptedException if the thread was interrupted (the watcher is closing)
   * @throws Exception on any other failure; the reload will be retried with backoff
   */
  void reload(ReloadEvent event) throws Exception;

  /**
   * Prepares the action before its first reload, so that the first reload costs what the tenth
   * does: build clients, load classes, read certificates. Called once, on the reload thread, as
   * the first task after {@link ReloadWatcher#start()} returned (so it never delays start-up or a
   * readiness probe), and before any reload. It must not contact the target: a reload the user
   * did not ask for could change its state. An exception is logged at WARN and otherwise ignored:
   * the first reload then prepares what is missing. The default does nothing.
   *
   * @throws Exception if preparing failed
   * @since 0.1.0
   */
  default void prepare() throws Exception {}
}
