package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.http.CircuitState;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One reload target under its name: times each call and records it per target (the {@code
 * webhook} label of configmap-reload's metrics), and warms it up ({@link #prepare()}). Closes
 * the action it wraps. Thread-safe if the wrapped
 * action is.
 */
final class TargetAction implements ReloadAction, AutoCloseable {

  private final String name;
  private final ReloadAction delegate;
  private final String successStatus;
  private final boolean http;
  private final ConfigmapReloadMetrics metrics;
  private final LongSupplier nanoTime;

  /**
   * @param name the target's label: a URL without credentials, {@code signal:...}, {@code
   *     command:...}
   * @param successStatus the status code a success stands for ({@code 200}, {@code 2xx}), or null
   *     for targets that are not HTTP
   * @param http whether {@code delegate} is watch-http's {@code HttpReloadAction}
   */
  TargetAction(String name, ReloadAction delegate, String successStatus, boolean http,
      ConfigmapReloadMetrics metrics, LongSupplier nanoTime) {
    this.name = name;
    this.delegate = delegate;
    this.successStatus = successStatus;
    this.http = http;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    metrics.register(name);
  }

  String name() {
    return name;
  }

  /** Whether this is an HTTP target (then {@link #circuitState()} is present). */
  boolean http() {
    return http;
  }

  /**
   * The circuit breaker's state, for an HTTP target; empty for the others, without loading an
   * HTTP class.
   */
  Optional<CircuitState> circuitState() {
    return http ? Optional.of(HttpTargets.circuitState(delegate)) : Optional.empty();
  }

  /** Lets the wrapped action warm up (an HTTP client built, its classes loaded). */
  @Override
  public void prepare() throws Exception {
    delegate.prepare();
  }

  @Override
  public void reload(ReloadEvent event) throws Exception {
    long started = nanoTime.getAsLong();
    try {
      delegate.reload(event);
    } catch (Exception e) {
      metrics.failed(name, e, http);
      throw e;
    }
    metrics.succeeded(name, successStatus, Duration.ofNanos(nanoTime.getAsLong() - started));
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
