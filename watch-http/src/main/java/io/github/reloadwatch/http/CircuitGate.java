package io.github.reloadwatch.http;

import io.github.reloadwatch.Scheduler;
import java.time.Duration;

/**
 * The circuit breaker in front of a target: after {@value #FAILURES_TO_OPEN} transient failures in
 * a row it stays open for the configured duration, refusing calls, then lets one probe through.
 * The probe's answer closes it again, or opens it for another full duration if it failed
 * transiently. Any answer that is not transient (a success, a 401, a rejection) counts as
 * success: the target is alive.
 *
 * <p>Time is the {@link Scheduler}'s monotonic clock, never the wall clock: a clock stepped back
 * an hour does not block reloads for an hour. The state machine is small enough to keep here
 * rather than feed Resilience4j a monotonic {@code Clock}. Thread-safe.
 */
final class CircuitGate {

  /** Transient failures in a row that open the circuit. */
  static final int FAILURES_TO_OPEN = 3;

  private enum State { CLOSED, OPEN, HALF_OPEN }

  private final Scheduler scheduler;
  private final Duration openDuration;

  // @GuardedBy("this")
  private State state = State.CLOSED;
  // @GuardedBy("this"): transient failures in a row while closed
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
   * Asks to call the target. True if the call may go ahead, and then {@link #record(boolean)} or
   * {@link #release()} must follow; false while the circuit is open (or its probe is out).
   */
  synchronized boolean tryAcquire() {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> {
        if (openNanosLeft() > 0) {
          yield false;
        }
        state = State.HALF_OPEN;
        probing = true;
        yield true;
      }
      case HALF_OPEN -> {
        if (probing) {
          yield false;
        }
        probing = true;
        yield true;
      }
    };
  }

  /** How long the circuit stays open; zero unless it is open. */
  synchronized Duration remainingOpen() {
    return state == State.OPEN ? Duration.ofNanos(Math.max(0, openNanosLeft())) : Duration.ZERO;
  }

  /**
   * Records the answer of a call {@link #tryAcquire()} let through. Returns a note for the
   * attempt's log line if the circuit opened or closed, else the empty string.
   */
  synchronized String record(boolean transientFailure) {
    if (state == State.OPEN) {
      return ""; // a call let through before another one opened the circuit
    }
    if (transientFailure) {
      if (state == State.HALF_OPEN || ++failuresInARow >= FAILURES_TO_OPEN) {
        state = State.OPEN;
        openedAt = scheduler.nanoTime();
        probing = false;
        failuresInARow = 0;
        return "; circuit breaker now open for " + openDuration.toMillis() + " ms";
      }
      return "";
    }
    failuresInARow = 0;
    if (state == State.HALF_OPEN) {
      state = State.CLOSED;
      probing = false;
      return "; circuit breaker closed again";
    }
    return "";
  }

  /** Gives back a call that sent nothing (a credential file was missing): it proves nothing. */
  synchronized void release() {
    if (state == State.HALF_OPEN) {
      probing = false;
    }
  }

  private long openNanosLeft() {
    return openDuration.toNanos() - (scheduler.nanoTime() - openedAt);
  }
}
