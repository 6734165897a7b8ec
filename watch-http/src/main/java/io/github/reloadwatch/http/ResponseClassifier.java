package io.github.reloadwatch.http;

import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.http.HttpReloadException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hc.client5.http.utils.DateUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a response means, for any server: the expected status is a success; a reject
 * status is a rejection; 408, 429, 502, 503, 504 and other 5xx are transient (with the {@code
 * Retry-After} hint, capped at {@link HttpReloadAction#MAX_RETRY_AFTER}); 401, 403, 404, 405,
 * redirects and other 4xx are misconfigurations whose message says what to fix. A {@link Preset}
 * may word a failure in its server's terms; it cannot change the kind. Immutable.
 */
final class ResponseClassifier {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);
  private static final Set<Integer> RETRY_LATER = Set.of(408, 429, 502, 503, 504);

  private final String target;
  private final String method;
  private final Set<Integer> expectStatus;
  private final Set<Integer> rejectStatus;
  private final String credentialSource;
  private final Preset preset;
  private final Scheduler scheduler;

  /**
   * Creates a classifier.
   *
   * @param target the action's target, such as {@code POST http://host/-/reload}
   * @param method the reload request's method, for the 405 message
   * @param expectStatus the statuses that mean success; empty for any 2xx
   * @param rejectStatus the statuses that mean the content was refused
   * @param credentialSource where the credentials come from, for the 401 and 403 messages
   * @param preset the server's own wording of failures
   * @param scheduler the wall clock that {@code Retry-After} dates are compared with
   */
  ResponseClassifier(String target, String method, Set<Integer> expectStatus,
      Set<Integer> rejectStatus, String credentialSource, Preset preset, Scheduler scheduler) {
    this.target = target;
    this.method = method;
    this.expectStatus = Set.copyOf(expectStatus);
    this.rejectStatus = Set.copyOf(rejectStatus);
    this.credentialSource = credentialSource;
    this.preset = preset;
    this.scheduler = scheduler;
  }

  /** Classifies a response to the reload request; null means success. */
  HttpReloadException classify(Response r) {
    int status = r.status();
    if (expectStatus.isEmpty() ? status / 100 == 2 : expectStatus.contains(status)) {
      return null;
    }
    String answered = target + " answered " + r.statusLine();
    if (rejectStatus.contains(status)) {
      return HttpReloadException.answered(Kind.REJECTED,
          answered + ": the target rejected the new configuration: " + r.excerpt(), status, null);
    }
    Kind kind = status >= 500 || RETRY_LATER.contains(status) ? Kind.TRANSIENT
        : Kind.MISCONFIGURATION;
    Duration retryAfter = RETRY_LATER.contains(status) ? retryAfter(r.retryAfter()) : null;
    if (retryAfter != null) {
      answered += " (retry after " + retryAfter.toSeconds() + " s)";
    }
    String explained = preset.explain(r);
    return HttpReloadException.answered(kind,
        answered + (explained != null ? ": " + explained : generic(r)), status, retryAfter);
  }

  /** What follows {@code "<target> answered <status>"} when no preset explains the status. */
  private String generic(Response r) {
    int status = r.status();
    return switch (status) {
      case 401 -> ": the credentials were refused; check " + credentialSource;
      case 403 -> ": forbidden; check " + credentialSource + " and the server's authorization"
          + " rules: " + r.excerpt();
      case 404 -> ": the URL is wrong; check the path: " + r.excerpt();
      case 405 -> ": the method is wrong; this endpoint does not accept " + method
          + " (set method(...))";
      default -> {
        if (status / 100 == 3) {
          yield ": redirects are not followed; use the redirect target "
              + (r.location() == null ? "" : r.location() + " ") + "as the uri";
        }
        if (RETRY_LATER.contains(status)) {
          yield ": " + r.excerpt();
        }
        yield (expectStatus.isEmpty() ? "" : " (expected " + new TreeSet<>(expectStatus) + ")")
            + ": " + r.excerpt();
      }
    };
  }

  /**
   * The least delay a {@code Retry-After} value asks for (seconds, or an HTTP date compared with
   * the scheduler's wall clock), capped at {@link HttpReloadAction#MAX_RETRY_AFTER}; null if absent
   * or unreadable.
   */
  Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    String value = header.strip();
    Duration delay;
    try {
      long seconds = Long.parseLong(value);
      if (seconds < 0) {
        return null;
      }
      delay = Duration.ofSeconds(Math.min(seconds, HttpReloadAction.MAX_RETRY_AFTER.toSeconds()));
    } catch (NumberFormatException e) {
      Instant date = DateUtils.parseStandardDate(value);
      if (date == null) {
        logger.debug("{}: ignoring an unreadable Retry-After [{}]", target, value);
        return null;
      }
      delay = Duration.between(scheduler.instant(), date);
      delay = delay.isNegative() ? Duration.ZERO : delay;
    }
    if (delay.compareTo(HttpReloadAction.MAX_RETRY_AFTER) > 0) {
      logger.debug("{}: Retry-After [{}] capped at {}", target, value,
          HttpReloadAction.MAX_RETRY_AFTER);
      return HttpReloadAction.MAX_RETRY_AFTER;
    }
    return delay;
  }
}
