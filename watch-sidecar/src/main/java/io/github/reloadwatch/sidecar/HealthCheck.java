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
 *   <li>Readiness ({@code /readyz}) is "started": every {@code --from-*} object was written
 *       once, and the watcher runs and took its first snapshot. It does not follow problems or
 *       failed reloads, since a sidecar's readiness gates the whole pod's traffic (and a native
 *       sidecar's startup probe holds back the server's start).
 * </ul>
 *
 * <p>A {@code --from-*} object that is running but not healthy (its watch disconnected or silent)
 * fails liveness once that has lasted longer than {@code --unhealthy-after}; a restart opens a new
 * watch. A deleted object, or a version that cannot be projected, keeps the last files and is
 * reported, but alive: restarting would not bring the object back.
 */
final class HealthCheck {

  /** An answer: the status code and a plain-text body that says why. */
  record Verdict(int status, String body) {
    boolean ok() {
      return status == 200;
    }
  }

  /**
   * A {@code --from-*} object as the probes see it.
   *
   * @param name for example {@code configmap prod/app}
   * @param ready whether a version of it is in its directory
   * @param unhealthySince since when it has been running but not healthy, as first observed; null
   *     while healthy (or not running)
   * @param detail why it is unhealthy or degraded, or null; never a value of the object
   */
  record Source(String name, boolean ready, Instant unhealthySince, String detail) {}

  private HealthCheck() {}

  /**
   * @param status the running watcher's status, or null before it started
   * @param waitingFor paths still awaited under {@code --wait-for-dirs}; empty otherwise
   */
  static Verdict liveness(WatchStatus status, List<Path> waitingFor, Instant now,
      Duration unhealthyAfter) {
    return liveness(status, waitingFor, List.of(), now, unhealthyAfter);
  }

  /**
   * Liveness with the {@code --from-*} objects: red when the watcher is, or when an object has
   * been unhealthy for longer than {@code unhealthyAfter}.
   *
   * @param status the running watcher's status, or null before it started
   * @param waitingFor paths still awaited under {@code --wait-for-dirs}; empty otherwise
   * @param sources the {@code --from-*} objects; empty without them
   */
  static Verdict liveness(WatchStatus status, List<Path> waitingFor, List<Source> sources,
      Instant now, Duration unhealthyAfter) {
    List<Source> failing = sources.stream()
        .filter(s -> s.unhealthySince() != null
            && Duration.between(s.unhealthySince(), now).compareTo(unhealthyAfter) > 0)
        .toList();
    if (!failing.isEmpty()) {
      return new Verdict(503, "unhealthy\n" + describeSources(failing, now));
    }
    Verdict watcher = status == null
        ? new Verdict(200, waitingFor.isEmpty() ? "starting\n"
            : "waiting for " + waitingFor + " to appear\n")
        : liveness(status.state(), status.problems(), now, unhealthyAfter);
    List<Source> noted = sources.stream().filter(s -> s.detail() != null).toList();
    return noted.isEmpty() || !watcher.ok() ? watcher
        : new Verdict(200, watcher.body() + describeSources(noted, now));
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
    return readiness(status, waitingFor, List.of());
  }

  /** Readiness with the {@code --from-*} objects: each must be in its directory first. */
  static Verdict readiness(WatchStatus status, List<Path> waitingFor, List<Source> sources) {
    List<Source> pending = sources.stream().filter(s -> !s.ready()).toList();
    if (!pending.isEmpty()) {
      return new Verdict(503, pending.stream()
          .map(s -> "materializing " + s.name() + ": no version written yet"
              + (s.detail() == null ? "" : " (" + s.detail() + ")") + "\n")
          .collect(Collectors.joining()));
    }
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

  /** One line per object: unhealthy for how long (if so), and why (never a value of it). */
  static String describeSources(List<Source> sources, Instant now) {
    return sources.stream()
        .map(s -> s.name() + (s.unhealthySince() == null ? ""
            : " unhealthy for " + Math.max(0, Duration.between(s.unhealthySince(), now).toSeconds())
                + " s (since " + s.unhealthySince() + ")")
            + ": " + s.detail() + "\n")
        .collect(Collectors.joining());
  }

  /** One line per problem: condition, for how long, and its detail (never content or secrets). */
  static String describe(List<Problem> problems, Instant now) {
    return problems.stream()
        .map(p -> p.condition() + " for " + Math.max(0, Duration.between(p.since(), now).toSeconds())
            + " s (since " + p.since() + "): " + p.detail() + "\n")
        .collect(Collectors.joining());
  }
}
