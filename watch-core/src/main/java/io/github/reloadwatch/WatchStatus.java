package io.github.reloadwatch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a watcher, for health checks and metrics. Obtain one with {@link
 * ReloadWatcher#status()}.
 *
 * <pre>{@code
 * WatchStatus status = watcher.status();
 * boolean healthy = status.state() == WatchStatus.State.RUNNING && !status.failing();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param state the lifecycle state
 * @param watchEvents raw file system events seen since start
 * @param watchErrors watch failures since start (lost directories, dropped events)
 * @param reloadsSucceeded reload attempts in which every action succeeded
 * @param reloadsFailed reload attempts that failed with a retryable error
 * @param reloadsRejected reload attempts the target rejected as invalid content
 * @param skippedUnchanged detected changes whose content equalled the applied snapshot
 * @param lastAttempt when the last reload attempt started
 * @param lastSuccess when the last successful reload finished
 * @param lastError the message of the last failed or rejected attempt, cleared on success
 * @param currentDigest the digest of the newest content scanned from disk
 * @param appliedDigest the digest of the content last applied successfully (or taken as applied at
 *     start)
 * @param failing whether the newest content has not been applied because it failed or was
 *     rejected
 * @since 0.1.0
 */
public record WatchStatus(
    State state,
    long watchEvents,
    long watchErrors,
    long reloadsSucceeded,
    long reloadsFailed,
    long reloadsRejected,
    long skippedUnchanged,
    Optional<Instant> lastAttempt,
    Optional<Instant> lastSuccess,
    Optional<String> lastError,
    Optional<String> currentDigest,
    Optional<String> appliedDigest,
    boolean failing) {

  /** The lifecycle of a {@link ReloadWatcher}. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** Watching. */
    RUNNING,
    /** Closed; it cannot be started again. */
    CLOSED
  }

  /**
   * Creates a status; see the record components.
   *
   * @param state the lifecycle state
   * @param watchEvents raw file system events seen
   * @param watchErrors watch failures
   * @param reloadsSucceeded successful reload attempts
   * @param reloadsFailed retryable failed attempts
   * @param reloadsRejected rejected attempts
   * @param skippedUnchanged changes skipped as unchanged
   * @param lastAttempt when the last attempt started
   * @param lastSuccess when the last success finished
   * @param lastError the last failure message
   * @param currentDigest the newest scanned digest
   * @param appliedDigest the applied digest
   * @param failing whether the newest content failed or was rejected
   * @throws NullPointerException if a reference component is null
   */
  public WatchStatus {
    Objects.requireNonNull(state, "state cannot be null");
    Objects.requireNonNull(lastAttempt, "lastAttempt cannot be null");
    Objects.requireNonNull(lastSuccess, "lastSuccess cannot be null");
    Objects.requireNonNull(lastError, "lastError cannot be null");
    Objects.requireNonNull(currentDigest, "currentDigest cannot be null");
    Objects.requireNonNull(appliedDigest, "appliedDigest cannot be null");
  }
}
