package io.github.reloadwatch.prometheus;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reports reloadwatch watchers in a Prometheus Java client 1.x registry, under the names of the
 * Thanos and prometheus-operator reloader that existing alerts and dashboards use, plus
 * reloadwatch's own. Register once per registry, then take one {@link WatcherMetrics} per watcher:
 *
 * <pre>{@code
 * PrometheusRegistry registry = ...;                 // the exporter's registry
 * ReloaderMetrics reloader = ReloaderMetrics.register(registry);
 * WatcherMetrics metrics = reloader.listener("targets");
 * ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(configDir)
 *     .addAction(reload)
 *     .addListener(metrics)
 *     .build();
 * metrics.track(watcher);
 * watcher.start();
 * }</pre>
 *
 * <table>
 *   <caption>What a scrape reports</caption>
 *   <tr><th>Name</th><th>Type</th><th>Labels</th><th>Value</th></tr>
 *   <tr><td>{@code reloader_reloads_total}</td><td>counter</td><td>watcher, target</td>
 *       <td>reload attempts: succeeded, failed and rejected</td></tr>
 *   <tr><td>{@code reloader_reloads_failed_total}</td><td>counter</td><td>watcher, target</td>
 *       <td>attempts that failed or were rejected</td></tr>
 *   <tr><td>{@code reloadwatch_reloads_rejected_total}</td><td>counter</td>
 *       <td>watcher, target</td><td>attempts rejected as invalid content (a validator or the
 *       target)</td></tr>
 *   <tr><td>{@code reloader_last_reload_successful}</td><td>gauge</td><td>watcher, target</td>
 *       <td>0 while the newest content failed or was rejected
 *       ({@link io.github.reloadwatch.WatchStatus.Target#failing()}), else 1</td></tr>
 *   <tr><td>{@code reloader_last_reload_success_timestamp_seconds}</td><td>gauge</td>
 *       <td>watcher, target</td><td>Unix time of the last successful reload; 0 before the
 *       first</td></tr>
 *   <tr><td>{@code reloadwatch_reload_duration_seconds}</td><td>histogram</td>
 *       <td>watcher, target</td><td>how long successful reloads took, buckets 5 ms to 30 s</td></tr>
 *   <tr><td>{@code reloadwatch_changes_skipped_unchanged_total}</td><td>counter</td>
 *       <td>watcher</td><td>changes whose content equalled the applied one</td></tr>
 *   <tr><td>{@code reloader_watch_events_total}</td><td>counter</td><td>watcher</td>
 *       <td>file system events</td></tr>
 *   <tr><td>{@code reloader_watch_errors_total}</td><td>counter</td><td>watcher</td>
 *       <td>lost directories, dropped events, unreadable files</td></tr>
 *   <tr><td>{@code reloader_watches}</td><td>gauge</td><td>watcher</td>
 *       <td>watched paths</td></tr>
 *   <tr><td>{@code reloadwatch_problem}</td><td>gauge</td><td>watcher, condition</td>
 *       <td>1 while the {@link io.github.reloadwatch.WatchStatus.Condition} holds, else 0</td></tr>
 * </table>
 *
 * <p>Label values are the names chosen in code (the watcher's here, the targets' in {@code
 * addTarget}) and the condition's name: never a path, an error message, file content or a
 * secret. The prometheus-operator alert {@code max_over_time(reloader_last_reload_successful[5m])
 * == 0} works unchanged.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class ReloaderMetrics {

  private final Object lock = new Object();
  // @GuardedBy("lock") for writes; replaced, never changed, so scrapes read it without the lock
  private volatile Map<String, WatcherMetrics> watchers = Map.of();

  private ReloaderMetrics() {}

  /**
   * Registers the reloader metrics in a registry. Nothing is reported until a watcher is added
   * with {@link #listener(String)}.
   *
   * @param registry the registry the exporter serves, such as {@link
   *     PrometheusRegistry#defaultRegistry}
   * @return the metrics, to add watchers to
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalArgumentException if the registry already holds metrics of these names with
   *     the same labels, for example because this method was called twice for it
   */
  public static ReloaderMetrics register(PrometheusRegistry registry) {
    Objects.requireNonNull(registry, "registry cannot be null");
    ReloaderMetrics metrics = new ReloaderMetrics();
    registry.register(new ReloaderCollector(metrics));
    return metrics;
  }

  /**
   * Adds a watcher: returns the listener to add to its builder, which then {@linkplain
   * WatcherMetrics#track(io.github.reloadwatch.ReloadWatcher) tracks} it.
   *
   * @param watcherName the value of the {@code watcher} label, such as {@code targets} or {@code
   *     prometheus-config}; unique among the watchers of this registry
   * @return the watcher's metrics
   * @throws NullPointerException if {@code watcherName} is null
   * @throws IllegalArgumentException if the name is blank or already used (close the old {@link
   *     WatcherMetrics} first)
   */
  public WatcherMetrics listener(String watcherName) {
    Objects.requireNonNull(watcherName, "watcherName cannot be null");
    if (watcherName.isBlank()) {
      throw new IllegalArgumentException("watcherName must not be blank");
    }
    synchronized (lock) {
      if (watchers.containsKey(watcherName)) {
        throw new IllegalArgumentException("watcherName (" + watcherName + ") is already used:"
            + " close its WatcherMetrics first, or choose another name");
      }
      WatcherMetrics metrics = new WatcherMetrics(watcherName, this);
      Map<String, WatcherMetrics> next = new LinkedHashMap<>(watchers);
      next.put(watcherName, metrics);
      watchers = next;
      return metrics;
    }
  }

  /** The watchers to report, in the order they were added. */
  List<WatcherMetrics> watchers() {
    return List.copyOf(watchers.values());
  }

  void remove(WatcherMetrics metrics) {
    synchronized (lock) {
      if (watchers.get(metrics.name()) == metrics) {
        Map<String, WatcherMetrics> next = new LinkedHashMap<>(watchers);
        next.remove(metrics.name());
        watchers = next;
      }
    }
  }

  @Override
  public String toString() {
    return "ReloaderMetrics{watchers=" + watchers.keySet() + "}";
  }
}
