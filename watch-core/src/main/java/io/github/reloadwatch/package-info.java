/**
 * reloadwatch core: watch configuration files and Kubernetes ConfigMap volumes, and reload a
 * target only when their content really changed. Start at {@link io.github.reloadwatch.ReloadWatcher}.
 *
 * <p>Public types:
 *
 * <ul>
 *   <li>{@link io.github.reloadwatch.ReloadWatcher} and its {@link
 *       io.github.reloadwatch.ReloadWatcher.Builder}: the watcher;
 *   <li>{@link io.github.reloadwatch.ReloadAction} (the SPI), with {@link
 *       io.github.reloadwatch.CommandReloadAction} and {@link
 *       io.github.reloadwatch.SignalReloadAction};
 *   <li>{@link io.github.reloadwatch.Validator} (the SPI), {@link
 *       io.github.reloadwatch.ValidationContext} and {@link io.github.reloadwatch.CommandValidator};
 *   <li>{@link io.github.reloadwatch.ReloadListener}, which observes decisions and outcomes;
 *   <li>the values {@link io.github.reloadwatch.ReloadEvent}, {@link
 *       io.github.reloadwatch.ReloadReason}, {@link io.github.reloadwatch.Snapshot}, {@link
 *       io.github.reloadwatch.FileChange}, {@link io.github.reloadwatch.WatchStatus};
 *   <li>{@link io.github.reloadwatch.RetryPolicy}, {@link
 *       io.github.reloadwatch.ReloadRejectedException} and {@link
 *       io.github.reloadwatch.ReloadFailedException}: how failures are told apart and retried;
 *   <li>{@link io.github.reloadwatch.Scheduler}: the one time seam (monotonic time, wall time,
 *       timers);
 *   <li>{@link io.github.reloadwatch.AtomicWriter}: publishes a directory the way kubelet updates
 *       a ConfigMap volume.
 * </ul>
 *
 * <p>Everything else is package-private. The engine's parts, one concern per file: {@code
 * ReloadEngine} (lifecycle), {@code PathChecks} (start-up checks), {@code WatchSupervisor} (OS
 * watches: is it still watching?), {@code Debouncer} (quiet periods), {@code Reconciler} (the
 * reload cycle), {@code ReloadDecision} (why it did or did not reload), {@code ContentPipeline}
 * (render, stage, validate, commit), {@code SnapshotScanner} and {@code ConfigMapLayout} (what is
 * on disk, one {@code ..data} version at a time; {@code DirtyPaths} and {@code DirIndex} for
 * incremental rescans, {@code PathFilter} for includes and excludes, {@code DigestCache} for
 * files that did not change), {@code ReloadLog} (what is logged), {@code BuilderChecks} (what the
 * builder refuses).
 *
 * <p>Logging: every line is logged under the public type it concerns ({@code ReloadWatcher} for
 * everything the watcher does, {@code CommandReloadAction} for a command's output), so logger
 * names, which users configure, do not change when internals do.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch;
