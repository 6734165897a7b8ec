package io.github.reloadwatch;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a watcher, for health checks and metrics. Obtain one with {@link
 * ReloadWatcher#status()}; it is not constructed by users, so new values can be added without
 * breaking callers.
 *
 * <pre>{@code
 * WatchStatus status = watcher.status();
 * boolean healthy = status.state() == WatchStatus.State.RUNNING && !status.failing();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class WatchStatus {

  /** The lifecycle of a {@link ReloadWatcher}. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** Watching. */
    RUNNING,
    /** Closed; it cannot be started again. */
    CLOSED
  }

  private final State state;
  private final long watchEvents;
  private final long watchErrors;
  private final long reloadsSucceeded;
  private final long reloadsFailed;
  private final long reloadsRejected;
  private final long skippedUnchanged;
  private final Instant lastAttempt;
  private final Instant lastSuccess;
  private final String lastError;
  private final String currentDigest;
  private final String appliedDigest;
  private final boolean failing;

  private WatchStatus(Builder b) {
    this.state = Objects.requireNonNull(b.state, "state cannot be null");
    this.watchEvents = b.watchEvents;
    this.watchErrors = b.watchErrors;
    this.reloadsSucceeded = b.reloadsSucceeded;
    this.reloadsFailed = b.reloadsFailed;
    this.reloadsRejected = b.reloadsRejected;
    this.skippedUnchanged = b.skippedUnchanged;
    this.lastAttempt = b.lastAttempt;
    this.lastSuccess = b.lastSuccess;
    this.lastError = b.lastError;
    this.currentDigest = b.currentDigest;
    this.appliedDigest = b.appliedDigest;
    this.failing = b.failing;
  }

  /**
   * Returns the lifecycle state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * Returns the raw file system events seen since start.
   *
   * @return a count
   */
  public long watchEvents() {
    return watchEvents;
  }

  /**
   * Returns the watch failures since start: lost directories, dropped events, unreadable files.
   *
   * @return a count
   */
  public long watchErrors() {
    return watchErrors;
  }

  /**
   * Returns the reload attempts in which every action succeeded.
   *
   * @return a count
   */
  public long reloadsSucceeded() {
    return reloadsSucceeded;
  }

  /**
   * Returns the reload attempts that failed with a retryable error.
   *
   * @return a count
   */
  public long reloadsFailed() {
    return reloadsFailed;
  }

  /**
   * Returns the reload attempts rejected as invalid content, by a validator or the target.
   *
   * @return a count
   */
  public long reloadsRejected() {
    return reloadsRejected;
  }

  /**
   * Returns the detected changes whose content equalled the applied snapshot.
   *
   * @return a count
   */
  public long skippedUnchanged() {
    return skippedUnchanged;
  }

  /**
   * Returns when the last reload attempt started.
   *
   * @return the instant, or empty before the first attempt
   */
  public Optional<Instant> lastAttempt() {
    return Optional.ofNullable(lastAttempt);
  }

  /**
   * Returns when the last successful reload finished.
   *
   * @return the instant, or empty before the first success
   */
  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess);
  }

  /**
   * Returns the message of the last failed or rejected attempt, or of the last scan that could
   * not read the files; cleared by a success.
   *
   * @return the message, or empty
   */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Returns the digest of the newest content scanned from disk.
   *
   * @return a lowercase hex SHA-256, or empty before the first scan
   */
  public Optional<String> currentDigest() {
    return Optional.ofNullable(currentDigest);
  }

  /**
   * Returns the digest of the content last applied successfully, or taken as applied at start.
   *
   * @return a lowercase hex SHA-256, or empty if nothing is known to be applied
   */
  public Optional<String> appliedDigest() {
    return Optional.ofNullable(appliedDigest);
  }

  /**
   * Returns whether the newest content has not been applied because it failed or was rejected.
   *
   * @return true while the newest content is failing
   */
  public boolean failing() {
    return failing;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WatchStatus other
        && state == other.state
        && watchEvents == other.watchEvents
        && watchErrors == other.watchErrors
        && reloadsSucceeded == other.reloadsSucceeded
        && reloadsFailed == other.reloadsFailed
        && reloadsRejected == other.reloadsRejected
        && skippedUnchanged == other.skippedUnchanged
        && Objects.equals(lastAttempt, other.lastAttempt)
        && Objects.equals(lastSuccess, other.lastSuccess)
        && Objects.equals(lastError, other.lastError)
        && Objects.equals(currentDigest, other.currentDigest)
        && Objects.equals(appliedDigest, other.appliedDigest)
        && failing == other.failing;
  }

  @Override
  public int hashCode() {
    return Objects.hash(state, watchEvents, watchErrors, reloadsSucceeded, reloadsFailed,
        reloadsRejected, skippedUnchanged, lastAttempt, lastSuccess, lastError, currentDigest,
        appliedDigest, failing);
  }

  @Override
  public String toString() {
    return "WatchStatus{state=" + state + ", watchEvents=" + watchEvents + ", watchErrors="
        + watchErrors + ", reloadsSucceeded=" + reloadsSucceeded + ", reloadsFailed="
        + reloadsFailed + ", reloadsRejected=" + reloadsRejected + ", skippedUnchanged="
        + skippedUnchanged + ", lastAttempt=" + lastAttempt + ", lastSuccess=" + lastSuccess
        + ", lastError=" + lastError + ", currentDigest=" + currentDigest + ", appliedDigest="
        + appliedDigest + ", failing=" + failing + "}";
  }

  /** Collects the values of a status; each part of the watcher fills in its own. */
  static final class Builder {
    State state = State.NEW;
    long watchEvents;
    long watchErrors;
    long reloadsSucceeded;
    long reloadsFailed;
    long reloadsRejected;
    long skippedUnchanged;
    Instant lastAttempt;
    Instant lastSuccess;
    String lastError;
    String currentDigest;
    String appliedDigest;
    boolean failing;

    WatchStatus build() {
      return new WatchStatus(this);
    }
  }
}
