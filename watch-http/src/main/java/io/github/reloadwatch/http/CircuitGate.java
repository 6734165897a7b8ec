package io.github.reloadwatch.http;

import io.github.reloadwatch.Scheduler;
import java.time.Duration;

/**
 * The circuit breaker in front of a target, a guard against hammering a target that answers
 * expensively: after {@value #FAILURES_TO_OPEN} {@linkplain Outcome#COSTLY costly} failures in a
 * row (timeouts, 5xx that are not rejections, 429) it opens for the configured duration, refusing
 * retries, then lets one probe through. The probe's answer closes it again, or opens it for
 * another full duration if it was costly too.
 *
 * <p>What it never does: count a target that is not there ({@linkplain Outcome#NEUTRAL refused
 * connections}, not ready yet), which costs the target nothing and is retried soon by the watcher;
 * count a rejection or any other answer that is not costly (those close it: the target is alive);
 * or hold back an attempt at new content ({@link #tryAcquire(boolean) bypass}), which goes through
 * and acts as the probe.
 *
 * <p>Time is the {@link Scheduler}'s monotonic clock, never the wall clock: a clock stepped back
 * an hour does not block reloads for an hour. The state machine is small enough to keep here
 * rather than feed Resilience4j a monotonic {@code Clock}. Thread-safe.
 */
final class CircuitGate {

  /** Costly failures in a row that open the circuit. */
  static final int FAILURES_TO_OPEN = 3;

  /** What an attempt that went through tells the breaker. */
  enum Outcome {
    /** The target answered, and not expensively (success, rejection, 401, 404): it is alive. */
    ANSWERED,
    /** The target failed in a way that cost it something: timeout, 5xx, 429. */
    COSTLY,
    /** Nothing learnt about its load: it was not there, not ready, or nothing was sent. */
    NEUTRAL
  }

  private final Scheduler scheduler;
  private final Duration openDuration;

  // @GuardedBy("this")
  private CircuitState state = CircuitState.CLOSED;
  // @GuardedBy("this"): costly failures in a row while closed
  private int failuresInARow;
  // @GuardedBy("this"): when the circuit last opened, in the scheduler's nanos
  private long openedAt;
  // @GuardedBy("this"): half-open and the one probe is out
  private boolean probing;

  CircuitGate(Scheduler scheduler, Duration openDuration) {
    this.scheduler = scheduler;
    this.openDuration = openDuration;
  }

  /**
   * Asks to call the target. True if the call may go ahead, and then {@link #record(Outcome)}
   * must follow; false while the circuit is open (or its probe is out).
   *
   * @param bypass true for an attempt at new content, which always goes through and acts as the
   *     probe
   */
  synchronized boolean tryAcquire(boolean bypass) {
    halfOpenIfDue();
    if (bypass) {
      return true;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        if (probing) {
          yield false;
        }
        probing = true;
        yield true;
      }
    };
  }

  /** The state now; an open circuit whose time is up reads as half-open. */
  synchronized CircuitState state() {
    halfOpenIfDue();
    return state;
  }

  /** How long the circuit stays open; zero unless it is open. */
  synchronized Duration remainingOpen() {
    halfOpenIfDue();
    return state == CircuitState.OPEN ? Duration.ofNanos(openNanosLeft()) : Duration.ZERO;
  }

  /**
   * Records what a call {@link #tryAcquire(boolean)} let through found. Returns a note for the
   * attempt's log line if the circuit opened or closed, else the empty string.
   */
  synchronized String record(Outcome outcome) {
    halfOpenIfDue();
    switch (outcome) {
      case COSTLY -> {
        if (state == CircuitState.CLOSED && ++failuresInARow < FAILURES_TO_OPEN) {
          return "";
        }
        state = CircuitState.OPEN; // also a failed probe, or new content sent while open
        openedAt = scheduler.nanoTime();
        probing = false;
        failuresInARow = 0;
        return "; circuit breaker now open for " + openDuration.toMillis() + " ms";
      }
      case ANSWERED -> {
        failuresInARow = 0;
        probing = false;
        if (state != CircuitState.CLOSED) {
          state = CircuitState.CLOSED;
          return "; circuit breaker closed again";
        }
        return "";
      }
      default -> {
        probing = false; // a probe that learnt nothing: the next attempt probes again
        return "";
      }
    }
  }

  private void halfOpenIfDue() {
    if (state == CircuitState.OPEN && openNanosLeft() <= 0) {
      state = CircuitState.HALF_OPEN;
      probing = false;
    }
  }

  private long openNanosLeft() {
    return openDuration.toNanos() - (scheduler.nanoTime() - openedAt);
  }
}
