package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.FileChange;
import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.http.CircuitState;
import io.github.reloadwatch.http.HttpReloadAction;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * One reload target under its name: times each call and records it per target (the {@code
 * webhook} label of configmap-reload's metrics), and leaves out changes that touch only excluded
 * paths (weaveworks/watch's {@code -x}). Closes the action it wraps. Thread-safe if the wrapped
 * action is.
 */
final class TargetAction implements ReloadAction, AutoCloseable {

  private final String name;
  private final ReloadAction delegate;
  private final String successStatus;
  private final Pattern exclude;
  private final ConfigmapReloadMetrics metrics;
  private final LongSupplier nanoTime;

  /**
   * @param name the target's label: a URL without credentials, {@code signal:...}, {@code
   *     command:...}
   * @param successStatus the status code a success stands for ({@code 200}, {@code 2xx}), or null
   *     for targets that are not HTTP
   * @param exclude paths whose changes alone do not call the target, or null
   */
  TargetAction(String name, ReloadAction delegate, String successStatus, Pattern exclude,
      ConfigmapReloadMetrics metrics, LongSupplier nanoTime) {
    this.name = name;
    this.delegate = delegate;
    this.successStatus = successStatus;
    this.exclude = exclude;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    metrics.register(name);
  }

  String name() {
    return name;
  }

  /** The circuit breaker's state, for an HTTP target; empty for the others. */
  Optional<CircuitState> circuitState() {
    return delegate instanceof HttpReloadAction http
        ? Optional.of(http.circuitState()) : Optional.empty();
  }

  @Override
  public void reload(ReloadEvent event) throws Exception {
    if (onlyExcluded(event)) {
      Sidecar.logger().info("not calling {}: only paths matching the exclude pattern changed {}",
          name, event.changes().stream().map(FileChange::path).toList());
      return;
    }
    long started = nanoTime.getAsLong();
    try {
      delegate.reload(event);
    } catch (Exception e) {
      metrics.failed(name, e);
      throw e;
    }
    metrics.succeeded(name, successStatus, Duration.ofNanos(nanoTime.getAsLong() - started));
  }

  private boolean onlyExcluded(ReloadEvent event) {
    if (exclude == null || event.changes().isEmpty()
        || event.reason() == ReloadReason.START || event.reason() == ReloadReason.MANUAL) {
      return false;
    }
    List<FileChange> changes = event.changes();
    return changes.stream().allMatch(c -> exclude.matcher(c.path().toString()).find());
  }

  @Override
  public void close() {
    if (delegate instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        Sidecar.logger().warn("closing {} failed: {}", name, e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return name + " " + delegate;
  }
}
