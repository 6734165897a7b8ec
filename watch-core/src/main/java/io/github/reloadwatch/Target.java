package io.github.reloadwatch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One thing to keep up to date, with its own actions, its own {@link ReloadDecision} (what it has
 * applied, what failed for it) and its own retry timer: one target that is down never holds back
 * another, and each has its own outcome. Actions added with {@link
 * ReloadWatcher.Builder#addAction(ReloadAction)} form the {@link ReloadEvent#DEFAULT_TARGET}.
 *
 * <p>Attempts run on the reload thread; {@link #describe} is called from any thread. Thread-safe:
 * the decision is guarded by this object.
 */
final class Target {

  private final String name;
  private final List<ReloadAction> actions;
  private final boolean named;
  private final Scheduler scheduler;
  private final GuardedListener listener;
  private final Timer retryTimer;
  private final Runnable retry;

  // @GuardedBy("this")
  private final ReloadDecision decision;
  // @GuardedBy("this")
  private boolean closed;

  /**
   * @param named whether log lines name the target (when there is more than one)
   * @param retry what a retry timer runs: a reconcile cycle for RETRY
   */
  Target(String name, List<ReloadAction> actions, boolean named, RetryPolicy policy,
      Scheduler scheduler, GuardedListener listener, Runnable retry) {
    this.name = name;
    this.actions = List.copyOf(actions);
    this.named = named;
    this.scheduler = scheduler;
    this.listener = listener;
    this.retryTimer = new Timer(scheduler);
    this.retry = retry;
    this.decision = new ReloadDecision(policy);
  }

  String name() {
    return name;
  }

  List<ReloadAction> actions() {
    return actions;
  }

  /** The name for log lines, or null when the watcher has only this target. */
  private String label() {
    return named ? name : null;
  }

  synchronized void record(Consumer<ReloadDecision> initial) {
    initial.accept(decision);
  }

  /** The files could not be read: shown as this target's last error until a success. */
  synchronized void problem(String message) {
    decision.problem(message);
  }

  /** Asks this target's decision; an attempt supersedes a pending retry. */
  ReloadDecision.Verdict decide(Snapshot snapshot, ReloadReason trigger) {
    ReloadDecision.Verdict verdict;
    synchronized (this) {
      verdict = decision.decide(snapshot, trigger, scheduler.instant(), name);
    }
    if (verdict instanceof ReloadDecision.Attempt) {
      retryTimer.clear();
    } else if (verdict instanceof ReloadDecision.Wait wait) {
      ReloadLog.waiting(label(), wait.why());
    }
    return verdict;
  }

  /** Runs the actions, in order, and records the outcome. */
  void run(ReloadDecision.Attempt attempt) {
    ReloadEvent event = attempt.event();
    long started = scheduler.nanoTime();
    Throwable failure = null;
    for (ReloadAction action : actions) {
      try {
        action.reload(event);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = e;
        break;
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        failure = t;
        break;
      }
    }
    Duration took = Duration.ofNanos(scheduler.nanoTime() - started);
    if (failure == null) {
      int unavailable;
      synchronized (this) {
        unavailable = decision.unavailableInARow();
        decision.succeeded(event, scheduler.instant());
      }
      ReloadLog.reloaded(label(), attempt, took, unavailable);
      listener.onReloaded(event, took);
    } else if (failure instanceof ReloadRejectedException rejection) {
      rejected(attempt, rejection);
    } else {
      failed(attempt, failure);
    }
  }

  void rejected(ReloadDecision.Attempt attempt, ReloadRejectedException rejection) {
    rejection = Redaction.redact(rejection, attempt.event().snapshot());
    synchronized (this) {
      decision.rejected(attempt.event(), rejection.getMessage());
    }
    ReloadLog.rejected(label(), attempt, rejection.getMessage());
    listener.onRejected(attempt.event(), rejection);
  }

  void failed(ReloadDecision.Attempt attempt, Throwable failure) {
    failure = Redaction.redact(failure, attempt.event().snapshot());
    ReloadDecision.Retry next;
    boolean closing;
    RetryPolicy policy;
    synchronized (this) {
      next = decision.failed(attempt.event(), failure);
      closing = closed;
      policy = decision.retry();
    }
    Optional<Duration> retryIn = next.delay();
    if (retryIn.isPresent() && !closing) {
      retryTimer.schedule(retry, retryIn.get());
    }
    ReloadLog.failed(label(), attempt, failure, retryIn, closing, policy, next.unavailableInARow());
    listener.onFailed(attempt.event(), failure, retryIn.orElse(Duration.ZERO));
  }

  void dryRun(ReloadDecision.Attempt attempt) {
    synchronized (this) {
      decision.dryRun(attempt.event());
    }
    ReloadLog.dryRun(label(), attempt);
    listener.onDryRun(attempt.event());
  }

  void close() {
    synchronized (this) {
      closed = true;
    }
    retryTimer.cancel();
  }

  synchronized void describe(WatchStatus.Builder status) {
    decision.describe(status);
  }

  synchronized WatchStatus.Target describe() {
    WatchStatus.Builder status = new WatchStatus.Builder();
    decision.describe(status);
    return new WatchStatus.Target(name, status);
  }
}
