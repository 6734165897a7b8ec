package io.github.reloadwatch.examples;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.prometheus.ReloaderMetrics;
import io.github.reloadwatch.prometheus.WatcherMetrics;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding example 2: a custom exporter (Prometheus Java client) whose list of probe targets
 * comes from a mounted file, one {@code host:port} per line, reloaded without a restart. Its
 * registry also reports the watcher (watch-prometheus: {@code reloader_reloads_total}, {@code
 * reloader_last_reload_successful}, ... with {@code watcher="targets"}), so the prometheus-operator
 * alert fires when a new target list is refused; a second listener of its own logs each list.
 */
public final class ExporterExample implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(ExporterExample.class);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge configured = Gauge.builder().name("exporter_targets")
      .help("Targets in the mounted target list").register(registry);
  private final Gauge reloadedAt = Gauge.builder().name("exporter_targets_reload_timestamp_seconds")
      .help("When the target list was last loaded").register(registry);
  private final AtomicReference<List<String>> targets = new AtomicReference<>(List.of());
  private final ReloadWatcher watcher;

  /**
   * Loads the target list and watches it.
   *
   * @param targetFile the mounted file, e.g. {@code /etc/exporter/targets.txt}
   * @throws IOException if it cannot be watched or read
   * @throws ReloadRejectedException if the initial list is invalid
   */
  public ExporterExample(Path targetFile) throws IOException, ReloadRejectedException {
    apply(Files.readAllBytes(targetFile));
    WatcherMetrics metrics = ReloaderMetrics.register(registry).listener("targets");
    watcher = ReloadWatcher.builder()
        .addPath(targetFile)
        .debounce(Duration.ofMillis(100))
        .addAction(event -> apply(event.snapshot().read(targetFile)))
        .addListener(metrics)                       // reloader_* and reloadwatch_* series
        .addListener(new ReloadListener() {         // and a listener of the exporter's own
          @Override
          public void onReloaded(ReloadEvent event, Duration took) {
            logger.info("probing {} targets now", targets().size());
          }
        })
        .build();
    metrics.track(watcher);                         // counters and gauges read status()
    watcher.start();
  }

  private void apply(byte[] bytes) throws ReloadRejectedException {
    List<String> parsed = new String(bytes, StandardCharsets.UTF_8).lines()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    for (String target : parsed) {
      if (!target.matches("[^:\\s]+:\\d{1,5}")) {
        throw new ReloadRejectedException("target '" + target + "' is not host:port");
      }
    }
    targets.set(parsed);
    configured.set(parsed.size());
    reloadedAt.set(System.currentTimeMillis() / 1000.0);
  }

  /**
   * Returns the targets the exporter probes now.
   *
   * @return the current list
   */
  public List<String> targets() {
    return targets.get();
  }

  /**
   * Returns the exporter's metrics.
   *
   * @return the registry
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    watcher.close();
  }
}
