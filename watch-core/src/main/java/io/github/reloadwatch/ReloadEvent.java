package io.github.reloadwatch;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link ReloadAction} needs to know about one reload attempt.
 *
 * <pre>{@code
 * ReloadAction logIt = event -> logger.info("{} attempt {}: {} changed, digest {}",
 *     event.reason(), event.attempt(), event.changes(), event.snapshot().shortDigest());
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param reason why the reload happens
 * @param changes the logical files that differ from the snapshot last applied to this target,
 *     sorted by path; empty for a {@link ReloadReason#MANUAL} reload of unchanged content
 * @param attempt 1 for the first attempt at this content, 2 and up for retries
 * @param snapshot the content to apply
 * @param time when the attempt started, from the watcher's scheduler
 * @param target the name of the target this attempt is for: the name given to {@link
 *     ReloadWatcher.Builder#addTarget(String, ReloadAction)}, or {@link #DEFAULT_TARGET} for the
 *     actions added with {@link ReloadWatcher.Builder#addAction(ReloadAction)}
 * @since 0.1.0
 */
public record ReloadEvent(
    ReloadReason reason, List<FileChange> changes, int attempt, Snapshot snapshot, Instant time,
    String target) {

  /** The name of the target the actions added with {@code addAction} form: {@value}. */
  public static final String DEFAULT_TARGET = "default";

  /**
   * Creates an event.
   *
   * @param reason why the reload happens
   * @param changes the changed files
   * @param attempt the attempt number, from 1
   * @param snapshot the content to apply
   * @param time when the attempt started
   * @param target the target's name
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code attempt} is less than 1
   */
  public ReloadEvent {
    Objects.requireNonNull(reason, "reason cannot be null");
    changes = List.copyOf(changes);
    Objects.requireNonNull(snapshot, "snapshot cannot be null");
    Objects.requireNonNull(time, "time cannot be null");
    Objects.requireNonNull(target, "target cannot be null");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt (" + attempt + ") must be at least 1");
    }
  }

  /**
   * Creates an event for the {@link #DEFAULT_TARGET}, for example to test an action.
   *
   * @param reason why the reload happens
   * @param changes the changed files
   * @param attempt the attempt number, from 1
   * @param snapshot the content to apply
   * @param time when the attempt started
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code attempt} is less than 1
   */
  public ReloadEvent(
      ReloadReason reason, List<FileChange> changes, int attempt, Snapshot snapshot, Instant time) {
    this(reason, changes, attempt, snapshot, time, DEFAULT_TARGET);
  }
}
