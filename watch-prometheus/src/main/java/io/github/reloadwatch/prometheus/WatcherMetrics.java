package io.github.reloadwatch.prometheus;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.WatchStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher's part of {@link ReloaderMetrics}: every series it reports carries {@code
 * watcher="<name>"}. Add it to the watcher's builder as a listener (it times successful reloads),
 * then {@link #track(ReloadWatcher) track} the built watcher (its status is read at every scrape):
 *
 * <pre>{@code
 * WatcherMetrics metrics = ReloaderMetrics.register(registry).listener("targets");
 * ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(configDir)
 *     .addAction(reload)
 *     .addListener(metrics)          // reload durations
 *     .addListener(auditLog)         // and any listener of your own
 *     .build();
 * metrics.track(watcher);            // counters and gauges, read from watcher.status()
 * watcher.start();
 * }</pre>
 *
 * <p>Counters and gauges are read from {@link ReloadWatcher#status()} when Prometheus scrapes, so
 * they always agree with it, exist at 0 for every target once the watcher started, and cannot be
 * counted twice. Until {@code track} is called only the duration histogram is reported. A closed
 * watcher keeps reporting its final values until {@link #close()}.
 *
 * <p>Its listener methods return at once and never throw. Thread-safe.
 *
 * @since 0.1.0
 */
public final class WatcherMetrics implements ReloadListener, AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(WatcherMetrics.class);

  private final String name;
  private final ReloaderMetrics owner;
  private final Map<String, DurationHistogram> durations = new ConcurrentHashMap<>();
  private final AtomicBoolean warnedUntracked = new AtomicBoolean();
  private final Object lock = new Object();
  // @GuardedBy("lock") for writes; read without it by scrapes and listener calls
  private volatile ReloadWatcher watcher;
  private volatile boolean closed;

  WatcherMetrics(String name, ReloaderMetrics owner) {
    this.name = name;
    this.owner = owner;
  }

  /**
   * Returns the name in the {@code watcher} label.
   *
   * @return the name given to {@link ReloaderMetrics#listener(String)}
   */
  public String name() {
    return name;
  }

  /**
   * Reports this watcher's status from now on: at every scrape its counters, its per-target
   * gauges, {@code reloader_watches} ({@link ReloadWatcher#paths()}) and {@code
   * reloadwatch_problem} are read from {@link ReloadWatcher#status()}. Call it after {@code
   * build()}, before or after {@code start()}: the counters count from the watcher's start either
   * way. Calling it again with the same watcher does nothing.
   *
   * @param watcher the watcher this listener was added to
   * @return this object
   * @throws NullPointerException if {@code watcher} is null
   * @throws IllegalStateException if another watcher is tracked already, or after {@link #close()}
   */
  public WatcherMetrics track(ReloadWatcher watcher) {
    Objects.requireNonNull(watcher, "watcher cannot be null");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("metrics of watcher [" + name + "] are closed: call"
            + " ReloaderMetrics.listener(\"" + name + "\") again for a new watcher");
      }
      if (this.watcher != null && this.watcher != watcher) {
        throw new IllegalStateException("metrics of watcher [" + name + "] already track a"
            + " watcher: use a listener of its own for each watcher");
      }
      this.watcher = watcher;
    }
    return this;
  }

  /**
   * Stops reporting: this watcher's series are gone from the next scrape, and its name can be
   * given to {@link ReloaderMetrics#listener(String)} again, for example for the watcher that
   * replaces it. Idempotent; it does not close the watcher.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      watcher = null;
    }
    owner.remove(this);
  }

  /**
   * Times a successful reload into {@code reloadwatch_reload_duration_seconds}.
   *
   * @param event the reload, whose {@link ReloadEvent#target()} is the {@code target} label
   * @param took how long its actions took
   */
  @Override
  public void onReloaded(ReloadEvent event, Duration took) {
    try {
      if (closed) {
        return;
      }
      durations.computeIfAbsent(event.target(), t -> new DurationHistogram()).observe(took);
      if (watcher == null && warnedUntracked.compareAndSet(false, true)) {
        logger.warn("metrics of watcher [{}] report reload durations only: call track(watcher)"
            + " after build() for its counters and gauges", name);
      }
    } catch (RuntimeException e) {
      logger.warn("metrics of watcher [{}] could not record a reload: {}", name, e.toString());
    }
  }

  /** What one scrape reports for this watcher; {@code status} is null until tracked. */
  Reading read() {
    ReloadWatcher w = watcher;
    WatchStatus status = w == null ? null : w.status();
    int paths = w == null ? 0 : w.paths().size();
    Map<String, DurationHistogram.Reading> times = new LinkedHashMap<>();
    if (status != null) {
      status.targets().forEach(t -> times.put(t.name(), DurationHistogram.empty()));
    }
    durations.forEach((target, histogram) -> times.put(target, histogram.read()));
    return new Reading(name, status, paths, times);
  }

  @Override
  public String toString() {
    return "WatcherMetrics{" + name + (closed ? ", closed" : "") + "}";
  }

  /**
   * One watcher at one scrape.
   *
   * @param status null until a watcher is tracked
   * @param durations by target: every target of the status, and every target that reloaded
   */
  record Reading(String name, WatchStatus status, int paths,
      Map<String, DurationHistogram.Reading> durations) {}
}
