package io.github.reloadwatch.examples;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.micrometer.ReloadWatcherMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding example 4: a service with Micrometer (a Spring Boot application has a {@code
 * MeterRegistry} bean) whose feature flags come from a mounted file, one flag per line. Its
 * watcher is measured by watch-micrometer, so {@code PrometheusMeterRegistry} serves {@code
 * reloader_reloads_total{watcher="feature-flags",...}} and the other reloader names; an audit
 * listener of its own sits next to the metrics.
 */
public final class MicrometerExample implements AutoCloseable {

  private static final Logger audit = LoggerFactory.getLogger("audit");

  private final AtomicReference<Set<String>> flags = new AtomicReference<>(Set.of());
  private final ReloadWatcherMetrics metrics;
  private final ReloadWatcher watcher;

  /**
   * Loads the flags, watches them, and binds the watcher's meters to {@code registry}.
   *
   * @param flagFile the mounted file, e.g. {@code /etc/app/flags.txt}
   * @param registry the application's registry
   * @throws IOException if the file cannot be watched or read
   * @throws ReloadRejectedException if the initial flags are invalid
   */
  public MicrometerExample(Path flagFile, MeterRegistry registry)
      throws IOException, ReloadRejectedException {
    flags.set(parse(Files.readAllBytes(flagFile)));
    metrics = new ReloadWatcherMetrics("feature-flags");
    ReloadListener auditLog = new ReloadListener() {
      @Override
      public void onReloaded(ReloadEvent event, Duration took) {
        audit.info("feature flags now {}", flags.get());
      }
    };
    watcher = ReloadWatcher.builder()
        .addPath(flagFile)
        .debounce(Duration.ofMillis(100))
        .addAction(event -> flags.set(parse(event.snapshot().read(flagFile))))
        .addListener(metrics)          // reload durations, and the meters' targets
        .addListener(auditLog)         // a listener of your own: each is guarded
        .build();
    watcher.start();
    metrics.track(watcher)             // counters and gauges read watcher.status()
        .bindTo(registry);             // or declare metrics as a MeterBinder bean
  }

  private static Set<String> parse(byte[] bytes) throws ReloadRejectedException {
    Set<String> parsed = Set.copyOf(new String(bytes, StandardCharsets.UTF_8).lines()
        .map(String::strip).filter(l -> !l.isEmpty()).toList());
    for (String flag : parsed) {
      if (!flag.matches("[a-z][a-z0-9-]*")) {
        throw new ReloadRejectedException("flag names must be lowercase words joined by '-'");
      }
    }
    return parsed;
  }

  /**
   * Returns whether a flag is on.
   *
   * @param flag the flag's name
   * @return true if the file lists it
   */
  public boolean enabled(String flag) {
    return flags.get().contains(flag);
  }

  @Override
  public void close() {
    watcher.close();
    metrics.close();
  }
}
