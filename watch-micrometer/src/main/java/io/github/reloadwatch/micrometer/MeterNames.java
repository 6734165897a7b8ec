package io.github.reloadwatch.micrometer;

import java.time.Duration;

/**
 * The meters' names, dotted as Micrometer names them. {@code PrometheusMeterRegistry} renders them
 * as the Thanos reloader's names ({@code reloader.reloads} becomes {@code reloader_reloads_total})
 * and reloadwatch's own ({@code reloadwatch_*}).
 */
final class MeterNames {

  static final String RELOADS = "reloader.reloads";
  static final String RELOADS_FAILED = "reloader.reloads.failed";
  static final String RELOADS_REJECTED = "reloadwatch.reloads.rejected";
  static final String LAST_SUCCESSFUL = "reloader.last.reload.successful";
  /** With base unit seconds: {@code reloader_last_reload_success_timestamp_seconds}. */
  static final String LAST_SUCCESS_TIME = "reloader.last.reload.success.timestamp";
  /** A timer: {@code reloadwatch_reload_duration_seconds}. */
  static final String DURATION = "reloadwatch.reload.duration";
  static final String SKIPPED = "reloadwatch.changes.skipped.unchanged";
  static final String WATCH_EVENTS = "reloader.watch.events";
  static final String WATCH_ERRORS = "reloader.watch.errors";
  static final String WATCHES = "reloader.watches";
  static final String PROBLEM = "reloadwatch.problem";

  static final String WATCHER = "watcher";
  static final String TARGET = "target";
  static final String CONDITION = "condition";

  /** The duration histogram's buckets, those of watch-prometheus and the sidecar. */
  static final Duration[] BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30)};

  private MeterNames() {}
}
