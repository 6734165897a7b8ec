package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.WatchStatus.Condition;
import io.github.reloadwatch.WatchStatus.Problem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code /healthz} and {@code /readyz} answer, decided from the watcher's state alone (pure,
 * no clock of its own).
 *
 * <ul>
 *   <li>Liveness ({@code /healthz}) fails when the sidecar can no longer do its job: the watcher
 *       stopped, a reload cycle died of an unexpected error ({@code CYCLE_FAILING}, at once), or a
 *       path has been missing, unscannable or unwatchable for longer than {@code
 *       --unhealthy-after}. {@code POLLING} (the OS refused more watches; every path is scanned
 *       every 2 s instead) is degraded, not broken. Waiting for {@code --wait-for-dirs} is alive.
 *   <li>Readiness ({@code /readyz}) is "started": the watcher runs and took its first snapshot.
 *       It does not follow problems or failed reloads, since a sidecar's readiness gates the whole
 *       pod's traffic.
 * </ul>
 */
final class HealthCheck {

  /** An answer: the status code and a plain-text body that says why. */
  record Verdict(int status, String body) {
    boolean ok() {
      return status == 200;
    }
  }

  private HealthCheck() {}

  /**
   * @param status the running watcher's status, or null before it started
   * @param waitingFor paths still awaited under {@code --wait-for-dirs}; empty otherwise
   */
  static Verdict liveness(WatchStatus status, List<Path> waitingFor, Instant now,
      Duration unhealthyAfter) {
    if (status == null) {
      return new Verdict(200, waitingFor.isEmpty() ? "starting\n"
          : "waiting for " + waitingFor + " to appear\n");
    }
    return liveness(status.state(), status.problems(), now, unhealthyAfter);
  }

  /** The decision of {@link #liveness(WatchStatus, List, Instant, Duration)}, on plain values. */
  static Verdict liveness(WatchStatus.State state, List<Problem> problems, Instant now,
      Duration unhealthyAfter) {
    if (state != WatchStatus.State.RUNNING) {
      return new Verdict(503, "not watching (" + state + ")\n");
    }
    List<Problem> failing = problems.stream()
        .filter(p -> p.condition() != Condition.POLLING)
        .filter(p -> p.condition() == Condition.CYCLE_FAILING
            || Duration.between(p.since(), now).compareTo(unhealthyAfter) > 0)
        .toList();
    if (failing.isEmpty()) {
      return new Verdict(200, "ok\n" + describe(problems, now));
    }
    return new Verdict(503, "unhealthy\n" + describe(failing, now));
  }

  /** See {@link #liveness}. */
  static Verdict readiness(WatchStatus status, List<Path> waitingFor) {
    if (status == null) {
      return new Verdict(503, waitingFor.isEmpty() ? "starting\n"
          : "waiting for " + waitingFor + " to appear\n");
    }
    boolean ready = status.state() == WatchStatus.State.RUNNING
        && status.currentDigest().isPresent();
    return ready ? new Verdict(200, "ready\n")
        : new Verdict(503, status.state() == WatchStatus.State.RUNNING ? "starting\n"
            : "not watching (" + status.state() + ")\n");
  }

  /** One line per problem: condition, for how long, and its detail (never content or secrets). */
  static String describe(List<Problem> problems, Instant now) {
    return problems.stream()
        .map(p -> p.condition() + " for " + Math.max(0, Duration.between(p.since(), now).toSeconds())
            + " s (since " + p.since() + "): " + p.detail() + "\n")
        .collect(Collectors.joining());
  }
}
