package io.github.reloadwatch;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines a watcher logs about its reloads, and how they describe one: reason, attempt, the
 * first few changed files and the digests before and after, never file content.
 */
final class ReloadLog {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);
  private static final int CHANGES_SHOWN = 5;

  private ReloadLog() {}

  /** {@code unavailableBefore}: attempts in a row that found the target away before this one. */
  static void reloaded(String target, ReloadDecision.Attempt attempt, Duration took,
      int unavailableBefore) {
    logger.info("reloaded{} ({}) in {} ms{}", of(target), describe(attempt), took.toMillis(),
        unavailableBefore > 0
            ? "; the target is back after " + unavailableBefore + " attempt(s) found it away"
            : "");
  }

  static void dryRun(String target, ReloadDecision.Attempt attempt) {
    logger.info("dry run: would reload{} ({})", of(target), describe(attempt));
  }

  static void skipped(Snapshot snapshot) {
    logger.debug("content unchanged ({}); no reload", snapshot.shortDigest());
  }

  static void waiting(String target, String why) {
    logger.debug("{}{}", target == null ? "" : target + ": ", why);
  }

  static void rejected(String target, ReloadDecision.Attempt attempt, String why) {
    logger.warn("reload{} rejected ({}): {}; not retried until the content changes", of(target),
        describe(attempt), why);
  }

  /**
   * A failed attempt. While the target stays unavailable, only the first attempt of the run is a
   * WARN ("retrying about every second until it is back"); the rest are DEBUG, so a target down
   * for an hour does not flood the log.
   */
  static void failed(String target, ReloadDecision.Attempt attempt, Throwable failure,
      Optional<Duration> retryIn, boolean closing, RetryPolicy policy, int unavailableInARow) {
    String next = closing
        ? "not retried: the watcher is closing"
        : retryIn.map(d -> unavailableInARow > 0
                ? "retrying every " + policy.unavailableInterval().toMillis() + " ms (jittered)"
                    + " until it is back"
                : "retrying in " + d.toMillis() + " ms")
            .orElse("giving up until the content changes (" + policy + ")");
    if (unavailableInARow > 1 && !closing && retryIn.isPresent()) {
      logger.debug("reload{} failed ({}): {}; still unavailable after {} attempt(s); {}",
          of(target), describe(attempt), failure.toString(), unavailableInARow, next);
    } else if (failure instanceof IOException || failure instanceof InterruptedException) {
      logger.warn("reload{} failed ({}): {}; {}", of(target), describe(attempt),
          failure.toString(), next);
    } else {
      logger.warn("reload{} failed ({}): {}; {}", of(target), describe(attempt),
          failure.toString(), next, failure);
    }
  }

  /** {@code " of [name]"} for a named target, nothing when the watcher has one target. */
  private static String of(String target) {
    return target == null ? "" : " of [" + target + "]";
  }

  /** {@code change: modified a.yml, added b.yml, digest 1234abcd5678 -> 9abc...}. */
  static String describe(ReloadDecision.Attempt attempt) {
    ReloadEvent event = attempt.event();
    StringBuilder changes = new StringBuilder();
    int shown = 0;
    for (FileChange change : event.changes()) {
      if (shown++ == CHANGES_SHOWN) {
        changes.append(", +").append(event.changes().size() - CHANGES_SHOWN).append(" more");
        break;
      }
      if (changes.length() > 0) {
        changes.append(", ");
      }
      changes.append(change.kind().name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(change.path().getFileName());
    }
    return event.reason().name().toLowerCase(Locale.ROOT)
        + (event.attempt() > 1 ? " attempt " + event.attempt() : "")
        + (changes.length() > 0 ? ": " + changes : "")
        + ", digest " + attempt.previous().shortDigest() + " -> "
        + event.snapshot().shortDigest();
  }
}
