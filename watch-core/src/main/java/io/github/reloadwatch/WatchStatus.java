package io.github.reloadwatch;

import java.time.Instant;
import java.util.List;
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

  /**
   * A way the watcher can fail at its job; see {@link #problems()}.
   *
   * @since 0.1.0
   */
  public enum Condition {
    /** A watched path is missing, so no reload happens (never half a change). */
    PATH_MISSING,
    /** The watched files cannot be read (permissions, I/O errors). */
    SCAN_FAILING,
    /** OS watches cannot be registered again after a loss; changes wait for a resync. */
    WATCH_FAILING,
    /** The OS refused more watches (inotify limits): every path is scanned every 2 s instead. */
    POLLING,
    /** Reload cycles die of an unexpected error (out of memory, a bug): nothing is acted on. */
    CYCLE_FAILING
  }

  /**
   * One condition that holds now, since when, and what it is about (a path, an error message).
   *
   * @param condition the condition
   * @param since when it began, from the watcher's scheduler
   * @param detail what it is about; never file content or a secret
   * @since 0.1.0
   */
  public record Problem(Condition condition, Instant since, String detail) {

    /**
     * Creates a problem.
     *
     * @param condition the condition
     * @param since when it began
     * @param detail what it is about
     * @throws NullPointerException if an argument is null
     */
    public Problem {
      Objects.requireNonNull(condition, "condition cannot be null");
      Objects.requireNonNull(since, "since cannot be null");
      Objects.requireNonNull(detail, "detail cannot be null");
    }
  }

  /**
   * One target's part of the status: what it applied, whether it is failing, its counters. A
   * watcher with only {@code addAction(...)} has one, named {@link ReloadEvent#DEFAULT_TARGET}.
   * Not constructed by users.
   *
   * @since 0.1.0
   */
  public static final class Target {
    private final String name;
    private final long reloadsSucceeded;
    private final long reloadsFailed;
    private final long reloadsRejected;
    private final Instant lastAttempt;
    private final Instant lastSuccess;
    private final String lastError;
    private final String appliedDigest;
    private final boolean failing;

    Target(String name, Builder b) {
      this.name = name;
      this.reloadsSucceeded = b.reloadsSucceeded;
      this.reloadsFailed = b.reloadsFailed;
      this.reloadsRejected = b.reloadsRejected;
      this.lastAttempt = b.lastAttempt;
      this.lastSuccess = b.lastSuccess;
      this.lastError = b.lastError;
      this.appliedDigest = b.appliedDigest;
      this.failing = b.failing;
    }

    /**
     * Returns the target's name.
     *
     * @return the name given to {@code addTarget}, or {@link ReloadEvent#DEFAULT_TARGET}
     */
    public String name() {
      return name;
    }

    /**
     * Returns the attempts in which every action of this target succeeded.
     *
     * @return a count
     */
    public long reloadsSucceeded() {
      return reloadsSucceeded;
    }

    /**
     * Returns the attempts that failed with a retryable error.
     *
     * @return a count
     */
    public long reloadsFailed() {
      return reloadsFailed;
    }

    /**
     * Returns the attempts rejected as invalid content.
     *
     * @return a count
     */
    public long reloadsRejected() {
      return reloadsRejected;
    }

    /**
     * Returns when this target's last attempt started.
     *
     * @return the instant, or empty before the first attempt
     */
    public Optional<Instant> lastAttempt() {
      return Optional.ofNullable(lastAttempt);
    }

    /**
     * Returns when this target's last successful reload finished.
     *
     * @return the instant, or empty before the first success
     */
    public Optional<Instant> lastSuccess() {
      return Optional.ofNullable(lastSuccess);
    }

    /**
     * Returns the message of this target's last failed or rejected attempt, cleared on success.
     *
     * @return the message, or empty
     */
    public Optional<String> lastError() {
      return Optional.ofNullable(lastError);
    }

    /**
     * Returns the digest of the content this target last applied.
     *
     * @return a lowercase hex SHA-256, or empty if nothing is known to be applied
     */
    public Optional<String> appliedDigest() {
      return Optional.ofNullable(appliedDigest);
    }

    /**
     * Returns whether the newest content failed or was rejected for this target.
     *
     * @return true while failing
     */
    public boolean failing() {
      return failing;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Target t && name.equals(t.name)
          && reloadsSucceeded == t.reloadsSucceeded && reloadsFailed == t.reloadsFailed
          && reloadsRejected == t.reloadsRejected && Objects.equals(lastAttempt, t.lastAttempt)
          && Objects.equals(lastSuccess, t.lastSuccess) && Objects.equals(lastError, t.lastError)
          && Objects.equals(appliedDigest, t.appliedDigest) && failing == t.failing;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, reloadsSucceeded, reloadsFailed, reloadsRejected, lastAttempt,
          lastSuccess, lastError, appliedDigest, failing);
    }

    @Override
    public String toString() {
      return "Target{" + name + ", reloadsSucceeded=" + reloadsSucceeded + ", reloadsFailed="
          + reloadsFailed + ", reloadsRejected=" + reloadsRejected + ", lastError=" + lastError
          + ", appliedDigest=" + appliedDigest + ", failing=" + failing + "}";
    }
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
  private final List<Problem> problems;
  private final List<Target> targets;

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
    this.problems = List.copyOf(b.problems);
    this.targets = List.copyOf(b.targets);
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

  /**
   * Returns the conditions that keep the watcher from doing its job right now, each with when it
   * began, for health checks: a sidecar turns its liveness red when one has lasted longer than a
   * bound. Empty when all is well. {@link Condition#POLLING} is degraded, not broken.
   *
   * @return the problems, in {@link Condition} order
   */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * Returns each target's part of the status, in the order they were added: each has its own
   * applied content, failures and retries ({@link ReloadWatcher.Builder#addTarget}). The counters
   * and digests above sum or combine them.
   *
   * @return the targets; one, {@link ReloadEvent#DEFAULT_TARGET}, for a watcher of {@code
   *     addAction(...)} only
   */
  public List<Target> targets() {
    return targets;
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
        && failing == other.failing
        && problems.equals(other.problems)
        && targets.equals(other.targets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(state, watchEvents, watchErrors, reloadsSucceeded, reloadsFailed,
        reloadsRejected, skippedUnchanged, lastAttempt, lastSuccess, lastError, currentDigest,
        appliedDigest, failing, problems, targets);
  }

  @Override
  public String toString() {
    return "WatchStatus{state=" + state + ", watchEvents=" + watchEvents + ", watchErrors="
        + watchErrors + ", reloadsSucceeded=" + reloadsSucceeded + ", reloadsFailed="
        + reloadsFailed + ", reloadsRejected=" + reloadsRejected + ", skippedUnchanged="
        + skippedUnchanged + ", lastAttempt=" + lastAttempt + ", lastSuccess=" + lastSuccess
        + ", lastError=" + lastError + ", currentDigest=" + currentDigest + ", appliedDigest="
        + appliedDigest + ", failing=" + failing + ", problems=" + problems + ", targets="
        + targets + "}";
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
    List<Problem> problems = List.of();
    List<Target> targets = List.of();

    WatchStatus build() {
      return new WatchStatus(this);
    }
  }
}
