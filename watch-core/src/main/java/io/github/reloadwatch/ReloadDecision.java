package io.github.reloadwatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Why it did (not) reload: the one place that knows what was applied and what failed, decides
 * what a scanned snapshot means, and records the outcome of each attempt. Pure: no threads, no
 * files, no clock of its own; unit-tested on its own.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>{@link ReloadReason#MANUAL} and {@link ReloadReason#START} always attempt; a retry of the
 *       content that failed counts its attempts on.
 *   <li>Content equal to the content that failed or was rejected waits: a rejection until the
 *       content changes, a failure until its retry (only a {@link ReloadReason#RETRY} attempts it).
 *   <li>Content equal to the applied content is skipped (counted), unless the trigger is a retry
 *       timer that newer events made stale, which is ignored.
 *   <li>Anything else is attempted, as a change; a retry timer that finds newer content attempts
 *       that content instead, as a {@link ReloadReason#CHANGE}. So a revert after a rejection is
 *       reloaded, which heals a target left in a failed state.
 * </ol>
 *
 * <p>Not thread-safe: the caller guards it (see {@link Reconciler}).
 */
final class ReloadDecision {

  /** What a snapshot means. */
  sealed interface Verdict {}

  /** Reload: the actions run with this event. */
  record Attempt(ReloadEvent event, Snapshot previous) implements Verdict {}

  /** The content equals the applied one: counted, and the listener hears of it. */
  record Skip(Snapshot snapshot) implements Verdict {}

  /** Nothing to do now; {@code why} is for a DEBUG line. */
  record Wait(String why) implements Verdict {}

  /**
   * What follows a failure: the delay before the retry (empty if the policy gives up), and how
   * many attempts in a row found the target unavailable (0 if this failure was another kind).
   */
  record Retry(Optional<Duration> delay, int unavailableInARow) {}

  private final RetryPolicy retry;

  private Snapshot applied = Snapshot.empty();
  private boolean appliedKnown;
  private Snapshot current;
  private String failedDigest;
  private boolean failedRejected;
  private int failedAttempt;
  // failures of the failing content that cost the target something: the backoff's exponent
  private int costlyFailures;
  private int unavailableInARow;
  private long succeeded;
  private long failed;
  private long rejected;
  private long skipped;
  private Instant lastAttempt;
  private Instant lastSuccess;
  private String lastError;

  ReloadDecision(RetryPolicy retry) {
    this.retry = retry;
  }

  /** Takes {@code snapshot} as what the target already has (start without reloadOnStart). */
  void baseline(Snapshot snapshot) {
    current = snapshot;
    applied = snapshot;
    appliedKnown = true;
  }

  /** Notes the newest content without deciding anything (start with reloadOnStart). */
  void scanned(Snapshot snapshot) {
    current = snapshot;
  }

  /**
   * Decides what {@code snapshot}, scanned because of {@code trigger}, calls for; an attempt
   * starts at {@code now}.
   */
  Verdict decide(Snapshot snapshot, ReloadReason trigger, Instant now) {
    return decide(snapshot, trigger, now, ReloadEvent.DEFAULT_TARGET);
  }

  /** Like {@link #decide(Snapshot, ReloadReason, Instant)}, for the named target. */
  Verdict decide(Snapshot snapshot, ReloadReason trigger, Instant now, String target) {
    current = snapshot;
    String digest = snapshot.digest();
    boolean sameAsFailed = digest.equals(failedDigest);
    ReloadReason reason = trigger;
    int attempt = 1;
    if (trigger == ReloadReason.MANUAL || trigger == ReloadReason.START) {
      attempt = sameAsFailed ? failedAttempt + 1 : 1;
    } else if (failedDigest != null) {
      if (sameAsFailed) {
        if (trigger != ReloadReason.RETRY) {
          return new Wait("content " + snapshot.shortDigest() + " unchanged since it "
              + (failedRejected ? "was rejected; waiting for a change" : "failed; retry pending"));
        }
        attempt = failedAttempt + 1;
      } else if (trigger == ReloadReason.RETRY) {
        reason = ReloadReason.CHANGE; // newer content supersedes the failed one
      }
    } else if (digest.equals(applied.digest())) {
      if (trigger == ReloadReason.RETRY) {
        return new Wait("a stale retry timer: content " + snapshot.shortDigest() + " is applied");
      }
      skipped++;
      return new Skip(snapshot);
    } else if (trigger == ReloadReason.RETRY) {
      reason = ReloadReason.CHANGE;
    }
    lastAttempt = now;
    return new Attempt(
        new ReloadEvent(reason, Snapshot.diff(applied, snapshot), attempt, snapshot, now, target),
        applied);
  }

  /** Every action succeeded: the event's snapshot is now the applied one. */
  void succeeded(ReloadEvent event, Instant finished) {
    apply(event.snapshot());
    succeeded++;
    lastSuccess = finished;
  }

  /** A dry run would have reloaded: taken as applied, so the same content is not logged again. */
  void dryRun(ReloadEvent event) {
    apply(event.snapshot());
  }

  /** The content was refused as invalid: not retried until it changes. */
  void rejected(ReloadEvent event, String why) {
    invalid(event.snapshot(), event.attempt(), event.time(), why);
    rejected++;
  }

  /** The content is invalid already at start: nothing was applied, wait for a change. */
  void invalidAtStart(Snapshot snapshot, Instant at, String why) {
    current = snapshot;
    invalid(snapshot, 1, at, why);
  }

  /**
   * A retryable failure. A target that was not there, or not called at all (an open circuit), is
   * retried at the policy's short unavailable interval; any other failure backs off
   * exponentially, counting only such failures of this content; an action's hint longer than the
   * delay wins.
   */
  Retry failed(ReloadEvent event, Throwable failure) {
    String digest = event.snapshot().digest();
    if (!digest.equals(failedDigest) || failedRejected) {
      costlyFailures = 0;
    }
    failedDigest = digest;
    failedRejected = false;
    failedAttempt = event.attempt();
    failed++;
    lastError = String.valueOf(failure.getMessage());
    Optional<Duration> delay;
    if (ReloadFailedException.isTargetUnavailable(failure)) {
      unavailableInARow++;
      delay = retry.delayWhileUnavailable(event.attempt());
    } else if (ReloadFailedException.isNotCalled(failure)) {
      // held back by the action itself (an open circuit): the target was spared, so the backoff
      // does not grow; the hint says when to come back
      delay = retry.delayWhileUnavailable(event.attempt());
    } else {
      unavailableInARow = 0;
      costlyFailures++;
      boolean exhausted = retry.maxAttempts() > 0 && event.attempt() >= retry.maxAttempts();
      delay = exhausted ? Optional.empty() : retry.delayAfter(costlyFailures);
    }
    Optional<Duration> hint = ReloadFailedException.retryAfterOf(failure);
    return new Retry(
        delay.map(d -> hint.filter(h -> h.compareTo(d) > 0).orElse(d)), unavailableInARow);
  }

  /** A scan could not read the files; shown as the last error until a success. */
  void problem(String message) {
    lastError = message;
  }

  /** Fills in this part of a status. */
  void describe(WatchStatus.Builder status) {
    status.reloadsSucceeded = succeeded;
    status.reloadsFailed = failed;
    status.reloadsRejected = rejected;
    status.skippedUnchanged = skipped;
    status.lastAttempt = lastAttempt;
    status.lastSuccess = lastSuccess;
    status.lastError = lastError;
    status.currentDigest = current == null ? null : current.digest();
    status.appliedDigest = appliedKnown ? applied.digest() : null;
    status.failing = failedDigest != null;
  }

  /** The retry policy, for the "giving up" log line. */
  RetryPolicy retry() {
    return retry;
  }

  /** How many attempts in a row, up to the last one, found the target unavailable. */
  int unavailableInARow() {
    return unavailableInARow;
  }

  private void apply(Snapshot snapshot) {
    applied = snapshot;
    appliedKnown = true;
    failedDigest = null;
    failedAttempt = 0;
    failedRejected = false;
    costlyFailures = 0;
    unavailableInARow = 0;
    lastError = null;
  }

  private void invalid(Snapshot snapshot, int attempt, Instant since, String why) {
    unavailableInARow = 0;
    failedDigest = snapshot.digest();
    failedRejected = true;
    failedAttempt = attempt;
    lastError = "pending invalid content since " + since + ", digest " + snapshot.shortDigest()
        + ": " + why;
  }
}
