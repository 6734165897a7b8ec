package io.github.reloadwatch.prometheus;

import io.github.reloadwatch.WatchStatus;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds every family of {@link ReloaderMetrics} in one pass per scrape, from one {@link
 * WatchStatus} per watcher, so the families of a scrape agree with each other (failed never
 * exceeds total). Thread-safe: it keeps no state of its own.
 */
final class ReloaderCollector implements MultiCollector {

  static final String WATCHER = "watcher";
  static final String TARGET = "target";
  static final String CONDITION = "condition";

  /** One metric family: its Prometheus name (counters without {@code _total}), type and labels. */
  private record Family(String name, MetricType type, Set<String> labels, String help) {

    MetricMetadata metadata() {
      return name.endsWith("_seconds")
          ? new MetricMetadata(name, help, Unit.SECONDS) : new MetricMetadata(name, help);
    }
  }

  private static final Family RELOADS = new Family("reloader_reloads", MetricType.COUNTER,
      Set.of(WATCHER, TARGET), "Reload attempts, successful or not");
  private static final Family FAILED = new Family("reloader_reloads_failed", MetricType.COUNTER,
      Set.of(WATCHER, TARGET), "Reload attempts that failed or were rejected");
  private static final Family REJECTED = new Family("reloadwatch_reloads_rejected",
      MetricType.COUNTER, Set.of(WATCHER, TARGET),
      "Reload attempts rejected as invalid content, by a validator or the target");
  private static final Family SUCCESSFUL = new Family("reloader_last_reload_successful",
      MetricType.GAUGE, Set.of(WATCHER, TARGET),
      "0 while the newest content failed or was rejected, else 1");
  private static final Family SUCCESS_TIME = new Family(
      "reloader_last_reload_success_timestamp_seconds", MetricType.GAUGE, Set.of(WATCHER, TARGET),
      "Unix time of the last successful reload, 0 before the first");
  private static final Family DURATION = new Family("reloadwatch_reload_duration_seconds",
      MetricType.HISTOGRAM, Set.of(WATCHER, TARGET), "How long successful reloads took");
  private static final Family SKIPPED = new Family("reloadwatch_changes_skipped_unchanged",
      MetricType.COUNTER, Set.of(WATCHER),
      "Changes skipped because the content equalled the applied one");
  private static final Family EVENTS = new Family("reloader_watch_events", MetricType.COUNTER,
      Set.of(WATCHER), "File system events received");
  private static final Family ERRORS = new Family("reloader_watch_errors", MetricType.COUNTER,
      Set.of(WATCHER), "Watch errors: lost directories, dropped events, unreadable files");
  private static final Family WATCHES = new Family("reloader_watches", MetricType.GAUGE,
      Set.of(WATCHER), "Paths being watched");
  private static final Family PROBLEM = new Family("reloadwatch_problem", MetricType.GAUGE,
      Set.of(WATCHER, CONDITION),
      "1 while the condition keeps the watcher from its job, else 0");

  private static final List<Family> FAMILIES = List.of(RELOADS, FAILED, REJECTED, SUCCESSFUL,
      SUCCESS_TIME, DURATION, SKIPPED, EVENTS, ERRORS, WATCHES, PROBLEM);

  private final ReloaderMetrics metrics;

  ReloaderCollector(ReloaderMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public MetricSnapshots collect() {
    Counters reloads = new Counters(RELOADS);
    Counters failed = new Counters(FAILED);
    Counters rejected = new Counters(REJECTED);
    Gauges successful = new Gauges(SUCCESSFUL);
    Gauges successTime = new Gauges(SUCCESS_TIME);
    HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name(DURATION.name())
        .help(DURATION.help()).unit(Unit.SECONDS);
    Counters skipped = new Counters(SKIPPED);
    Counters events = new Counters(EVENTS);
    Counters errors = new Counters(ERRORS);
    Gauges watches = new Gauges(WATCHES);
    Gauges problem = new Gauges(PROBLEM);
    boolean anyDuration = false;

    for (WatcherMetrics watcher : metrics.watchers()) {
      WatcherMetrics.Reading r = watcher.read();
      String w = r.name();
      WatchStatus status = r.status();
      if (status != null) {
        for (WatchStatus.Target t : status.targets()) {
          Labels labels = Labels.of(TARGET, t.name(), WATCHER, w);
          long done = t.reloadsSucceeded() + t.reloadsFailed() + t.reloadsRejected();
          reloads.add(labels, done);
          failed.add(labels, t.reloadsFailed() + t.reloadsRejected());
          rejected.add(labels, t.reloadsRejected());
          successful.add(labels, t.failing() ? 0 : 1);
          successTime.add(labels, t.lastSuccess().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0));
        }
        Labels labels = Labels.of(WATCHER, w);
        skipped.add(labels, status.skippedUnchanged());
        events.add(labels, status.watchEvents());
        errors.add(labels, status.watchErrors());
        watches.add(labels, r.paths());
        Set<WatchStatus.Condition> holding = EnumSet.noneOf(WatchStatus.Condition.class);
        status.problems().forEach(p -> holding.add(p.condition()));
        for (WatchStatus.Condition c : WatchStatus.Condition.values()) {
          problem.add(Labels.of(CONDITION, c.name(), WATCHER, w), holding.contains(c) ? 1 : 0);
        }
      }
      for (Map.Entry<String, DurationHistogram.Reading> d : r.durations().entrySet()) {
        durations.dataPoint(new HistogramDataPointSnapshot(d.getValue().buckets(),
            d.getValue().sum(), Labels.of(TARGET, d.getKey(), WATCHER, w), Exemplars.EMPTY, 0L));
        anyDuration = true;
      }
    }

    List<MetricSnapshot> all = new ArrayList<>();
    reloads.addTo(all);
    failed.addTo(all);
    rejected.addTo(all);
    successful.addTo(all);
    successTime.addTo(all);
    if (anyDuration) {
      all.add(durations.build());
    }
    skipped.addTo(all);
    events.addTo(all);
    errors.addTo(all);
    watches.addTo(all);
    problem.addTo(all);
    return new MetricSnapshots(all);
  }

  /** Names, types and labels, which the registry checks against the metrics it already has. */
  @Override
  public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
    return FAMILIES.stream()
        .map(f -> MetricFamilyDescriptor.of(f.type(), f.metadata(), f.labels()))
        .toList();
  }

  /** The data points of one counter family; reported only if it has any. */
  private static final class Counters {
    private final CounterSnapshot.Builder builder;
    private boolean any;

    Counters(Family family) {
      builder = CounterSnapshot.builder().name(family.name()).help(family.help());
    }

    void add(Labels labels, double value) {
      builder.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
      any = true;
    }

    void addTo(List<MetricSnapshot> all) {
      if (any) {
        all.add(builder.build());
      }
    }
  }

  /** The data points of one gauge family; reported only if it has any. */
  private static final class Gauges {
    private final GaugeSnapshot.Builder builder;
    private boolean any;

    Gauges(Family family) {
      builder = GaugeSnapshot.builder().name(family.name()).help(family.help());
      if (family.name().endsWith("_seconds")) {
        builder.unit(Unit.SECONDS);
      }
    }

    void add(Labels labels, double value) {
      builder.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
      any = true;
    }

    void addTo(List<MetricSnapshot> all) {
      if (any) {
        all.add(builder.build());
      }
    }
  }
}
