package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.Snapshot;
import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.http.CircuitState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns watcher outcomes into Prometheus metrics with the names existing alerts use (the Thanos
 * reloader's {@code reloader_*}), plus reloadwatch's own: {@code reloadwatch_problem{condition}}
 * (1 while a {@link WatchStatus.Condition} holds), {@code reloadwatch_sidecar_build_info}, and the
 * Prometheus Java client's process and JVM metrics ({@code process_*}, {@code jvm_*}).
 *
 * <p>The reload metrics carry a {@code target} label (the target's name: its URL without
 * credentials, {@code signal:...}, {@code command:...}), since each target is reloaded and retried
 * on its own: {@code reloader_reloads_total}, {@code reloader_reloads_failed_total}, {@code
 * reloader_last_reload_successful}, {@code reloader_last_reload_success_timestamp_seconds},
 * {@code reloadwatch_reloads_rejected_total} and {@code reloadwatch_reload_duration_seconds}.
 * Alerts written for the Thanos reloader keep working: {@code
 * max_over_time(reloader_last_reload_successful[5m]) == 0} fires per failing target, and {@code
 * sum without (target) (...)} gives the old series. The watch metrics have no label. HTTP targets
 * also export {@code reloadwatch_http_circuit_state{target,state}}: 1 for the circuit breaker's
 * current state ({@code closed}, {@code open}, {@code half_open}), 0 for the others.
 *
 * <p>Thread-safe.
 */
final class SidecarMetrics implements ReloadListener {

  private static final String TARGET = "target";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Clock clock;
  private final Counter reloads;
  private final Counter reloadsFailed;
  private final Counter reloadsRejected;
  private final Counter skipped;
  private final Gauge lastSuccessful;
  private final Gauge lastSuccessTimestamp;
  private final Counter watchEvents;
  private final Counter watchErrors;
  private final Gauge watches;
  private final Histogram duration;

  /**
   * Creates the metrics.
   *
   * @param watchedPaths how many paths are watched, for {@code reloader_watches}
   * @param clock the clock for the last success timestamp
   * @param status the watcher's status when it runs, else null; read at every scrape
   */
  SidecarMetrics(int watchedPaths, Clock clock, Supplier<WatchStatus> status) {
    this.clock = clock;
    reloads = Counter.builder().name("reloader_reloads_total")
        .help("Reload attempts, successful or not").labelNames(TARGET).register(registry);
    reloadsFailed = Counter.builder().name("reloader_reloads_failed_total")
        .help("Reload attempts that failed or were rejected").labelNames(TARGET).register(registry);
    reloadsRejected = Counter.builder().name("reloadwatch_reloads_rejected_total")
        .help("Reload attempts the target rejected as invalid content").labelNames(TARGET)
        .register(registry);
    skipped = Counter.builder().name("reloadwatch_changes_skipped_unchanged_total")
        .help("Changes skipped because the content equalled the applied one").register(registry);
    lastSuccessful = Gauge.builder().name("reloader_last_reload_successful")
        .help("1 if the target's last reload attempt succeeded, 0 otherwise").labelNames(TARGET)
        .register(registry);
    lastSuccessTimestamp = Gauge.builder().name("reloader_last_reload_success_timestamp_seconds")
        .help("Unix time of the target's last successful reload").labelNames(TARGET)
        .register(registry);
    watchEvents = Counter.builder().name("reloader_watch_events_total")
        .help("File system events received").register(registry);
    watchErrors = Counter.builder().name("reloader_watch_errors_total")
        .help("Watch errors: lost directories, dropped events, unreadable files").register(registry);
    watches = Gauge.builder().name("reloader_watches")
        .help("Paths being watched").register(registry);
    duration = Histogram.builder().name("reloadwatch_reload_duration_seconds")
        .help("How long successful reloads took").labelNames(TARGET)
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
        .register(registry);
    GaugeWithCallback.builder().name("reloadwatch_problem")
        .help("1 while the condition keeps the watcher from its job (see /healthz), else 0")
        .labelNames("condition")
        .callback(callback -> {
          WatchStatus current = status.get();
          Set<WatchStatus.Condition> holding = EnumSet.noneOf(WatchStatus.Condition.class);
          if (current != null) {
            current.problems().forEach(p -> holding.add(p.condition()));
          }
          for (WatchStatus.Condition c : WatchStatus.Condition.values()) {
            callback.call(holding.contains(c) ? 1 : 0, c.name());
          }
        })
        .register(registry);
    Info.builder().name("reloadwatch_sidecar_build_info")
        .help("The sidecar's version and Java runtime, always 1")
        .labelNames("version", "java_version")
        .register(registry)
        .setLabelValues(Conversions.Version.version(), Runtime.version().toString());
    ProcessMetrics.builder().register(registry); // process_*, as the Go peers export
    JvmMemoryMetrics.builder().register(registry); // heap and non-heap, for the memory limit
    watches.set(watchedPaths);
  }

  /**
   * Creates every target's series before its first reload (at 0; {@code
   * reloader_last_reload_successful} at 1, as nothing has failed yet), and the circuit breaker
   * gauge of the HTTP targets.
   */
  void registerTargets(List<TargetAction> targets) {
    for (TargetAction t : targets) {
      reloads.labelValues(t.name());
      reloadsFailed.labelValues(t.name());
      reloadsRejected.labelValues(t.name());
      lastSuccessful.labelValues(t.name()).set(1);
    }
    List<TargetAction> http = targets.stream().filter(t -> t.circuitState().isPresent()).toList();
    if (http.isEmpty()) {
      return;
    }
    GaugeWithCallback.builder().name("reloadwatch_http_circuit_state")
        .help("1 for the HTTP target's circuit breaker state now, 0 for the others")
        .labelNames(TARGET, "state")
        .callback(callback -> {
          for (TargetAction t : http) {
            CircuitState now = t.circuitState().orElseThrow();
            for (CircuitState state : CircuitState.values()) {
              callback.call(state == now ? 1 : 0, t.name(), state.name().toLowerCase(Locale.ROOT));
            }
          }
        })
        .register(registry);
  }

  /** Returns the registry to expose, holding every metric of the sidecar. */
  PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void onWatchEvent() {
    watchEvents.inc();
  }

  @Override
  public void onWatchError(Exception error) {
    watchErrors.inc();
  }

  @Override
  public void onSkipped(Snapshot snapshot) {
    skipped.inc();
  }

  @Override
  public void onReloaded(ReloadEvent event, Duration took) {
    String target = event.target();
    reloads.labelValues(target).inc();
    lastSuccessful.labelValues(target).set(1);
    lastSuccessTimestamp.labelValues(target).set(clock.millis() / 1000.0);
    duration.labelValues(target).observe(took.toNanos() / 1e9);
  }

  @Override
  public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
    String target = event.target();
    reloads.labelValues(target).inc();
    reloadsFailed.labelValues(target).inc();
    lastSuccessful.labelValues(target).set(0);
  }

  @Override
  public void onRejected(ReloadEvent event, ReloadRejectedException error) {
    String target = event.target();
    reloads.labelValues(target).inc();
    reloadsFailed.labelValues(target).inc();
    reloadsRejected.labelValues(target).inc();
    lastSuccessful.labelValues(target).set(0);
  }
}
