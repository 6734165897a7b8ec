package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.Scheduler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one line each attempt logs, under {@link HttpReloadAction}: {@code <target> -> <outcome> in
 * <ms> ms (attempt <n>)}, at INFO. While the target stays unavailable (refusing connections, not
 * ready) only the first attempt of the run is logged at INFO, the rest at DEBUG, so a target down
 * for an hour does not flood the log; the first answer after such a run says after how many
 * attempts the target is reachable again. Thread-safe.
 */
final class AttemptLog {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);

  /** What an attempt tells about whether the target is there. */
  enum Reach {
    /** It answered (any status, or a TLS handshake failure). */
    ANSWERED,
    /** It was not there: refused, reset before any response, unknown host, not ready. */
    UNAVAILABLE,
    /** A connection was made or tried but no answer came: a timeout, a response broken off. */
    NO_ANSWER,
    /** Nothing was sent: circuit open, a credential file missing, the action closed. */
    NOTHING_SENT
  }

  private final String target;
  private final Scheduler scheduler;
  // @GuardedBy("this"): attempts in a row that found the target unavailable
  private int unavailableInARow;

  AttemptLog(String target, Scheduler scheduler) {
    this.target = target;
    this.scheduler = scheduler;
  }

  /** True if the last attempt that sent something found the target unavailable. */
  synchronized boolean targetWasUnavailable() {
    return unavailableInARow > 0;
  }

  /** Logs the line of an attempt that started at {@code startNanos} (monotonic). */
  void log(String outcome, Reach reach, long startNanos, ReloadEvent event) {
    long millis = Duration.ofNanos(scheduler.nanoTime() - startNanos).toMillis();
    int unavailable;
    String note = "";
    synchronized (this) {
      switch (reach) {
        case UNAVAILABLE -> unavailable = ++unavailableInARow;
        case ANSWERED -> {
          if (unavailableInARow > 0) {
            note = "; reachable again after " + unavailableInARow + " unavailable attempt(s)";
          }
          unavailable = unavailableInARow = 0;
        }
        case NO_ANSWER -> unavailable = unavailableInARow = 0;
        default -> unavailable = 0; // nothing learnt: the run goes on
      }
    }
    if (unavailable > 1) {
      logger.debug("{} -> {} in {} ms (attempt {}; unavailable {} times in a row)", target,
          outcome, millis, event.attempt(), unavailable);
    } else if (unavailable == 1) {
      logger.info("{} -> {} in {} ms (attempt {}); while it stays unavailable, further attempts"
          + " are logged at DEBUG", target, outcome, millis, event.attempt());
    } else {
      logger.info("{} -> {} in {} ms (attempt {}){}", target, outcome, millis, event.attempt(),
          note);
    }
  }
}
