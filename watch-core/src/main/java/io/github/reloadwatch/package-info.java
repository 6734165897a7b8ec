/**
 * reloadwatch core: watch configuration files and Kubernetes ConfigMap volumes, and reload a
 * target only when their content really changed. Start at {@link io.github.reloadwatch.ReloadWatcher}.
 *
 * <p>Public types: {@link io.github.reloadwatch.ReloadWatcher} and its builder, the {@link
 * io.github.reloadwatch.ReloadAction} SPI with {@link io.github.reloadwatch.CommandReloadAction}
 * and {@link io.github.reloadwatch.SignalReloadAction}, the values {@link
 * io.github.reloadwatch.ReloadEvent}, {@link io.github.reloadwatch.Snapshot}, {@link
 * io.github.reloadwatch.FileChange} and {@link io.github.reloadwatch.WatchStatus}, {@link
 * io.github.reloadwatch.ReloadListener} and {@link io.github.reloadwatch.RetryPolicy}. Everything
 * else is package-private.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch;
