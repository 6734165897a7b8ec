package io.github.reloadwatch.micrometer;

import static io.github.reloadwatch.micrometer.MeterNames.CONDITION;
import static io.github.reloadwatch.micrometer.MeterNames.TARGET;
import static io.github.reloadwatch.micrometer.MeterNames.WATCHER;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.Snapshot;
import io.github.reloadwatch.WatchStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for one {@link ReloadWatcher}, tagged {@code watcher=<name>} (and {@code
 * target=<name>} per target): the {@code MeterBinder} of reloadwatch, as Resilience4j and Caffeine
 * have theirs. Add it to the watcher's builder as a listener, {@link #track(ReloadWatcher) track}
 * the built watcher, and bind it to a registry (Spring Boot binds {@code MeterBinder} beans
 * itself):
 *
 * <pre>{@code
 * ReloadWatcherMetrics metrics = new ReloadWatcherMetrics("app-settings");
 * ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(configDir)
 *     .addAction(event -> settings.reload(event.snapshot()))
 *     .addListener(metrics)              // times reloads
 *     .addListener(auditLog)             // and any listener of your own
 *     .build();
 * watcher.start();
 * metrics.track(watcher).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters, and the names PrometheusMeterRegistry renders</caption>
 *   <tr><th>Micrometer name</th><th>Type</th><th>Tags</th><th>Prometheus name</th></tr>
 *   <tr><td>{@code reloader.reloads}</td><td>function counter</td><td>watcher, target</td>
 *       <td>{@code reloader_reloads_total}: attempts, succeeded, failed or rejected</td></tr>
 *   <tr><td>{@code reloader.reloads.failed}</td><td>function counter</td><td>watcher, target</td>
 *       <td>{@code reloader_reloads_failed_total}: failed or rejected</td></tr>
 *   <tr><td>{@code reloadwatch.reloads.rejected}</td><td>function counter</td>
 *       <td>watcher, target</td><td>{@code reloadwatch_reloads_rejected_total}</td></tr>
 *   <tr><td>{@code reloader.last.reload.successful}</td><td>gauge</td><td>watcher, target</td>
 *       <td>{@code reloader_last_reload_successful}: 0 while the newest content failed or was
 *       rejected, else 1</td></tr>
 *   <tr><td>{@code reloader.last.reload.success.timestamp} (seconds)</td><td>gauge</td>
 *       <td>watcher, target</td><td>{@code reloader_last_reload_success_timestamp_seconds}: 0
 *       before the first success</td></tr>
 *   <tr><td>{@code reloadwatch.reload.duration}</td><td>timer, buckets 5 ms to 30 s</td>
 *       <td>watcher, target</td><td>{@code reloadwatch_reload_duration_seconds}: successful
 *       reloads</td></tr>
 *   <tr><td>{@code reloadwatch.changes.skipped.unchanged}</td><td>function counter</td>
 *       <td>watcher</td><td>{@code reloadwatch_changes_skipped_unchanged_total}</td></tr>
 *   <tr><td>{@code reloader.watch.events}</td><td>function counter</td><td>watcher</td>
 *       <td>{@code reloader_watch_events_total}</td></tr>
 *   <tr><td>{@code reloader.watch.errors}</td><td>function counter</td><td>watcher</td>
 *       <td>{@code reloader_watch_errors_total}</td></tr>
 *   <tr><td>{@code reloader.watches}</td><td>gauge</td><td>watcher</td>
 *       <td>{@code reloader_watches}: watched paths</td></tr>
 *   <tr><td>{@code reloadwatch.problem}</td><td>gauge</td><td>watcher, condition</td>
 *       <td>{@code reloadwatch_problem}: 1 while the condition holds</td></tr>
 * </table>
 *
 * <p>Counters and gauges read {@link ReloadWatcher#status()} when the registry publishes, so they
 * always agree with it. The per-target meters need the watcher's targets, which it knows once
 * started: call {@code track} after {@code start()}, or they appear with the watcher's first
 * event. Tag values are the names chosen in code and the conditions' names: never a path, an
 * error message, file content or a secret. {@link #close()} removes every meter, so the watcher
 * name can be bound again, for a replacement watcher.
 *
 * <p>Its listener methods return at once and never throw. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ReloadWatcherMetrics implements MeterBinder, ReloadListener, AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcherMetrics.class);

  private final String name;
  private final Tags tags;
  private final Object lock = new Object();
  // @GuardedBy("lock"): what is registered in each registry, so nothing is registered twice
  // (Micrometer warns) and close() can remove it all
  private final Map<MeterRegistry, Bound> bound = new IdentityHashMap<>();
  // @GuardedBy("lock") for writes; volatile so that reads need no lock
  private volatile ReloadWatcher watcher;
  private volatile List<String> targets; // null until the watcher knows them (it started)
  private volatile List<MeterRegistry> registries = List.of();
  private volatile boolean closed;

  /**
   * Creates the meters of a watcher.
   *
   * @param watcherName the value of the {@code watcher} tag, such as {@code app-settings};
   *     unique among the watchers bound to one registry
   * @throws NullPointerException if {@code watcherName} is null
   * @throws IllegalArgumentException if it is blank
   */
  public ReloadWatcherMetrics(String watcherName) {
    this(watcherName, Tags.empty());
  }

  /**
   * Creates the meters of a watcher, with tags of your own on every meter.
   *
   * @param watcherName the value of the {@code watcher} tag; unique among the watchers bound to
   *     one registry
   * @param extraTags such as {@code Tags.of("tier", "edge")}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank, or a tag is named {@code watcher},
   *     {@code target} or {@code condition}
   */
  public ReloadWatcherMetrics(String watcherName, Iterable<Tag> extraTags) {
    Objects.requireNonNull(watcherName, "watcherName cannot be null");
    Objects.requireNonNull(extraTags, "extraTags cannot be null");
    if (watcherName.isBlank()) {
      throw new IllegalArgumentException("watcherName must not be blank");
    }
    for (Tag tag : extraTags) {
      if (Set.of(WATCHER, TARGET, CONDITION).contains(tag.getKey())) {
        throw new IllegalArgumentException("extraTags (" + tag.getKey() + ") must not use the"
            + " names watcher, target or condition, which these meters set themselves");
      }
    }
    this.name = watcherName;
    this.tags = Tags.of(extraTags).and(WATCHER, watcherName);
  }

  /**
   * Returns the value of the {@code watcher} tag.
   *
   * @return the name given to the constructor
   */
  public String name() {
    return name;
  }

  /**
   * Reads this watcher's status from now on, in every registry this binder is bound to. Calling
   * it again with the same watcher does nothing.
   *
   * @param watcher the watcher this listener was added to
   * @return this object, to {@link #bindTo(MeterRegistry) bind} next
   * @throws NullPointerException if {@code watcher} is null
   * @throws IllegalStateException if another watcher is tracked already, or after {@link #close()}
   */
  public ReloadWatcherMetrics track(ReloadWatcher watcher) {
    Objects.requireNonNull(watcher, "watcher cannot be null");
    synchronized (lock) {
      checkOpen();
      if (this.watcher != null && this.watcher != watcher) {
        throw new IllegalStateException("metrics of watcher [" + name + "] already track a"
            + " watcher: create a ReloadWatcherMetrics for each watcher");
      }
      this.watcher = watcher;
      registerEverywhere();
    }
    return this;
  }

  /**
   * Registers the meters in {@code registry}: those of the watcher once it is {@linkplain
   * #track(ReloadWatcher) tracked}, those of its targets once it started.
   *
   * @param registry the registry
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalArgumentException if the registry already has the meters of another watcher of
   *     the same name and tags
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry cannot be null");
    synchronized (lock) {
      checkOpen();
      if (!bound.containsKey(registry)) {
        Meter other = registry.find(MeterNames.WATCHES).tags(tags).meter();
        if (other != null) {
          throw new IllegalArgumentException("the registry already has the meters of a watcher"
              + " named " + name + ": give each watcher its own name");
        }
        bound.put(registry, new Bound());
        registries = List.copyOf(bound.keySet());
      }
      registerEverywhere();
    }
  }

  /**
   * Removes every meter from every registry it was bound to and stops recording. Idempotent; it
   * does not close the watcher.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      watcher = null;
      bound.forEach((registry, b) -> b.meters.forEach(registry::remove));
      bound.clear();
      registries = List.of();
    }
  }

  /**
   * Records a successful reload's duration in {@code reloadwatch.reload.duration}.
   *
   * @param event the reload, whose {@link ReloadEvent#target()} is the {@code target} tag
   * @param took how long its actions took
   */
  @Override
  public void onReloaded(ReloadEvent event, Duration took) {
    try {
      if (closed) {
        return;
      }
      learnTargets();
      Duration amount = took.isNegative() ? Duration.ZERO : took; // a clock that went back
      for (MeterRegistry registry : registries) {
        Timer timer = timer(registry, event.target());
        if (timer != null) {
          timer.record(amount);
        }
      }
    } catch (RuntimeException e) {
      logger.warn("metrics of watcher [{}] could not record a reload: {}", name, e.toString());
    }
  }

  /** Registers the per-target meters once the watcher knows its targets. */
  @Override
  public void onWatchEvent() {
    learnTargets();
  }

  /**
   * Registers the per-target meters once the watcher knows its targets.
   *
   * @param error ignored: errors are counted from the status
   */
  @Override
  public void onWatchError(Exception error) {
    learnTargets();
  }

  /**
   * Registers the per-target meters once the watcher knows its targets.
   *
   * @param snapshot ignored: skips are counted from the status
   */
  @Override
  public void onSkipped(Snapshot snapshot) {
    learnTargets();
  }

  /**
   * Registers the per-target meters once the watcher knows its targets.
   *
   * @param event ignored: failures are counted from the status
   * @param error ignored
   * @param retryIn ignored
   */
  @Override
  public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
    learnTargets();
  }

  /**
   * Registers the per-target meters once the watcher knows its targets.
   *
   * @param event ignored: rejections are counted from the status
   * @param error ignored
   */
  @Override
  public void onRejected(ReloadEvent event, ReloadRejectedException error) {
    learnTargets();
  }

  @Override
  public String toString() {
    return "ReloadWatcherMetrics{" + name + (closed ? ", closed" : "") + "}";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("metrics of watcher [" + name + "] are closed: create"
          + " another ReloadWatcherMetrics for a new watcher");
    }
  }

  /** Cheap once known: a volatile read. Never throws. */
  private void learnTargets() {
    if (targets != null || watcher == null || closed) {
      return;
    }
    try {
      synchronized (lock) {
        if (!closed) {
          registerEverywhere();
        }
      }
    } catch (RuntimeException e) {
      logger.warn("metrics of watcher [{}] could not register meters: {}", name, e.toString());
    }
  }

  // @GuardedBy("lock")
  private void registerEverywhere() {
    ReloadWatcher w = watcher;
    if (w == null) {
      return;
    }
    if (targets == null) {
      List<String> names = w.status().targets().stream().map(WatchStatus.Target::name).toList();
      targets = names.isEmpty() ? null : names;
    }
    List<String> known = targets == null ? List.of() : targets;
    bound.forEach((registry, b) -> {
      if (!b.watcherMeters) {
        registerWatcherMeters(registry, b.meters);
        b.watcherMeters = true;
      }
      for (String target : known) {
        if (b.targets.add(target)) {
          registerTargetMeters(registry, target, b.meters);
        }
      }
    });
  }

  private void registerWatcherMeters(MeterRegistry r, Set<Meter> into) {
    into.add(counter(MeterNames.SKIPPED, "Changes skipped because the content equalled the"
        + " applied one", tags, m -> m.status(WatchStatus::skippedUnchanged)).register(r));
    into.add(counter(MeterNames.WATCH_EVENTS, "File system events received", tags,
        m -> m.status(WatchStatus::watchEvents)).register(r));
    into.add(counter(MeterNames.WATCH_ERRORS, "Watch errors: lost directories, dropped events,"
        + " unreadable files", tags, m -> m.status(WatchStatus::watchErrors)).register(r));
    into.add(Gauge.builder(MeterNames.WATCHES, this, ReloadWatcherMetrics::paths)
        .description("Paths being watched").tags(tags).register(r));
    for (WatchStatus.Condition c : WatchStatus.Condition.values()) {
      into.add(Gauge.builder(MeterNames.PROBLEM, this, m -> m.problem(c))
          .description("1 while the condition keeps the watcher from its job, else 0")
          .tags(tags).tag(CONDITION, c.name()).register(r));
    }
  }

  private void registerTargetMeters(MeterRegistry r, String target, Set<Meter> into) {
    Tags t = tags.and(TARGET, target);
    into.add(counter(MeterNames.RELOADS, "Reload attempts, successful or not", t,
        m -> m.target(target, s -> s.reloadsSucceeded() + s.reloadsFailed()
            + s.reloadsRejected())).register(r));
    into.add(counter(MeterNames.RELOADS_FAILED, "Reload attempts that failed or were rejected", t,
        m -> m.target(target, s -> s.reloadsFailed() + s.reloadsRejected())).register(r));
    into.add(counter(MeterNames.RELOADS_REJECTED, "Reload attempts rejected as invalid content,"
        + " by a validator or the target", t,
        m -> m.target(target, WatchStatus.Target::reloadsRejected)).register(r));
    into.add(Gauge.builder(MeterNames.LAST_SUCCESSFUL, this,
            m -> m.target(target, s -> s.failing() ? 0 : 1))
        .description("0 while the newest content failed or was rejected, else 1")
        .tags(t).register(r));
    into.add(Gauge.builder(MeterNames.LAST_SUCCESS_TIME, this,
            m -> m.target(target, s -> s.lastSuccess().map(i -> i.toEpochMilli() / 1000.0)
                .orElse(0.0)))
        .description("Unix time of the last successful reload, 0 before the first")
        .baseUnit("seconds").tags(t).register(r));
    timer(r, target);
  }

  /** The target's timer in {@code r}, registered on first use; null once closed. */
  private Timer timer(MeterRegistry r, String target) {
    synchronized (lock) {
      Bound b = bound.get(r);
      if (b == null) {
        return null;
      }
      return b.timers.computeIfAbsent(target, t -> {
        Timer timer = Timer.builder(MeterNames.DURATION)
            .description("How long successful reloads took")
            .tags(tags.and(TARGET, t))
            .serviceLevelObjectives(MeterNames.BUCKETS)
            .register(r);
        b.meters.add(timer);
        return timer;
      });
    }
  }

  private FunctionCounter.Builder<ReloadWatcherMetrics> counter(String meter, String description,
      Tags meterTags, ToDoubleFunction<ReloadWatcherMetrics> value) {
    return FunctionCounter.builder(meter, this, value).description(description).tags(meterTags);
  }

  private double status(ToDoubleFunction<WatchStatus> value) {
    ReloadWatcher w = watcher;
    return w == null ? Double.NaN : value.applyAsDouble(w.status());
  }

  private double target(String target, ToDoubleFunction<WatchStatus.Target> value) {
    ReloadWatcher w = watcher;
    if (w == null) {
      return Double.NaN;
    }
    for (WatchStatus.Target t : w.status().targets()) {
      if (t.name().equals(target)) {
        return value.applyAsDouble(t);
      }
    }
    return Double.NaN;
  }

  private double paths() {
    ReloadWatcher w = watcher;
    return w == null ? Double.NaN : w.paths().size();
  }

  /** What one registry holds of these meters. Guarded by the binder's lock. */
  private static final class Bound {
    final Set<Meter> meters = new LinkedHashSet<>();
    final Set<String> targets = new HashSet<>();
    final Map<String, Timer> timers = new HashMap<>();
    boolean watcherMeters;
  }

  private double problem(WatchStatus.Condition condition) {
    ReloadWatcher w = watcher;
    return w == null ? Double.NaN
        : w.status().problems().stream().anyMatch(p -> p.condition() == condition) ? 1 : 0;
  }
}
