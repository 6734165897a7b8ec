package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reload cycle: brings the target to the content on disk. Every trigger (a debounced change,
 * {@code reloadNow()}, the start, a retry, a resync, a missing path's re-check) goes through
 * {@link #trigger} or a {@link Timer}, and each runs one {@code reconcile}: scan, prepare the
 * content, ask the {@link ReloadDecision}, publish, run the actions, record the outcome.
 *
 * <p>Cycles run on the scheduler and never overlap: a trigger arriving during a cycle is merged
 * into one follow-up. Thread-safe; fields are guarded by {@code lock}.
 */
final class Reconciler {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  /** How often a watched path that is missing, or a half-written ConfigMap, is scanned again. */
  static final Duration MISSING_PATH_POLL = Duration.ofSeconds(1);

  private final Settings settings;
  private final Scheduler scheduler;
  private final SnapshotScanner scanner;
  private final ContentPipeline pipeline;
  private final GuardedListener listener;
  private final Health health;
  private final Runnable awaitQuiet;
  private final Runnable beforeResync;
  private final Object lock = new Object();
  private final Timer retryTimer;
  private final Timer missingTimer;
  private final Timer resyncTimer;
  private final AtomicLong scanErrors = new AtomicLong();

  // all below: guarded by lock
  private final ReloadDecision decision;
  private boolean closed;
  // true until open(): start() takes the initial snapshot meanwhile, and a trigger that comes
  // before it is done waits as if a cycle were running
  private boolean running = true;
  private Thread reloadThread;
  private ReloadReason pending;
  private String lastScanProblem;
  private Set<Path> lastMissing = Set.of();

  /**
   * @param awaitQuiet restarts the quiet period, for a file caught while being written
   * @param beforeResync runs before each periodic resync: the watches are checked too
   */
  Reconciler(Settings settings, Scheduler scheduler, SnapshotScanner scanner,
      ContentPipeline pipeline, GuardedListener listener, Health health, Runnable awaitQuiet,
      Runnable beforeResync) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.scanner = scanner;
    this.pipeline = pipeline;
    this.listener = listener;
    this.health = health;
    this.awaitQuiet = awaitQuiet;
    this.beforeResync = beforeResync;
    this.decision = new ReloadDecision(settings.retry);
    this.retryTimer = new Timer(scheduler);
    this.missingTimer = new Timer(scheduler);
    this.resyncTimer = new Timer(scheduler);
  }

  /**
   * Records the initial content (start() calls it once, after its initial snapshot) and lets
   * cycles run; a trigger that arrived before runs now.
   */
  void open(Consumer<ReloadDecision> initial) {
    ReloadReason next;
    synchronized (lock) {
      initial.accept(decision);
      running = false;
      next = pending;
      pending = null;
      lock.notifyAll();
    }
    if (next != null) {
      trigger(next);
    }
  }

  /** Reconciles as soon as the scheduler gets to it. */
  void trigger(ReloadReason reason) {
    synchronized (lock) {
      if (closed) {
        return;
      }
    }
    scheduler.schedule(() -> reconcile(reason), Duration.ZERO);
  }

  /** Starts the periodic resync, if enabled; each resync arms the next. */
  void startResync() {
    if (!settings.resyncInterval.isZero()) {
      resyncTimer.schedule(() -> {
        startResync();
        beforeResync.run();
        reconcile(ReloadReason.RESYNC);
      }, settings.resyncInterval);
    }
  }

  /** Stops every timer; a running cycle finishes, no new one starts. */
  void close() {
    synchronized (lock) {
      closed = true;
    }
    retryTimer.cancel();
    missingTimer.cancel();
    resyncTimer.cancel();
  }

  /**
   * Waits for a running cycle to finish, up to {@code timeout} of real time, then interrupts it.
   * Returns at once when called from the cycle's own thread (an action closing its watcher).
   */
  void awaitIdle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      try {
        while (running && reloadThread != null && reloadThread != Thread.currentThread()) {
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            logger.warn("a reload was still running {} ms after close(); interrupting it",
                timeout.toMillis());
            reloadThread.interrupt();
            return;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Scan errors since start, part of the watch errors. */
  long scanErrors() {
    return scanErrors.get();
  }

  /** Fills in the reload part of a status. */
  void describe(WatchStatus.Builder status) {
    synchronized (lock) {
      decision.describe(status);
    }
  }

  /** One cycle; runs on the scheduler, never two at once. */
  private void reconcile(ReloadReason trigger) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (running) {
        pending = merge(pending, trigger);
        return;
      }
      running = true;
      reloadThread = Thread.currentThread();
    }
    try {
      cycle(trigger);
      health.clear(WatchStatus.Condition.CYCLE_FAILING);
    } catch (Throwable t) {
      // also an OutOfMemoryError: a scheduler's Future would swallow it, and the watcher would
      // go deaf with nothing said; say it, and let status() (and a liveness probe) see it
      health.set(WatchStatus.Condition.CYCLE_FAILING, t.toString(), scheduler.instant());
      try {
        logger.error("reload cycle failed unexpectedly; the watcher keeps trying at the next"
            + " change{}", t instanceof VirtualMachineError
                ? " (raise the heap, -Xmx, or watch fewer files: each costs about 1 KiB)" : "", t);
      } catch (Throwable ignored) {
        // out of memory even for the log line: the status still says it
      }
    } finally {
      ReloadReason next;
      synchronized (lock) {
        running = false;
        reloadThread = null;
        next = pending;
        pending = null;
        lock.notifyAll();
      }
      if (next != null) {
        trigger(next);
      }
    }
  }

  /** A manual reload wins; otherwise the first real trigger, not a timer's, names the cycle. */
  private static ReloadReason merge(ReloadReason pending, ReloadReason trigger) {
    if (pending == ReloadReason.MANUAL || trigger == ReloadReason.MANUAL) {
      return ReloadReason.MANUAL;
    }
    if (pending == null || pending == ReloadReason.RETRY || pending == ReloadReason.RESYNC) {
      return trigger;
    }
    return pending;
  }

  private void cycle(ReloadReason trigger) {
    Snapshot scanned = scan(trigger);
    if (scanned == null) {
      return;
    }
    ContentPipeline.Prepared prepared;
    try {
      prepared = pipeline.prepare(scanned);
    } catch (ReloadRejectedException | IOException e) {
      // invalid until the inputs change: decided on the scanned files, which did not render
      ReloadRejectedException rejection = e instanceof ReloadRejectedException r ? r
          : new ReloadRejectedException("cannot render: " + e.getMessage(), e);
      if (decide(scanned, trigger) instanceof ReloadDecision.Attempt attempt) {
        rejected(attempt, rejection);
      }
      return;
    }
    if (decide(prepared.snapshot(), trigger) instanceof ReloadDecision.Attempt attempt) {
      if (publish(attempt, prepared)) {
        runActions(attempt);
      }
    }
  }

  /** Scans; returns null (after reporting why) if there is no complete snapshot to decide on. */
  private Snapshot scan(ReloadReason trigger) {
    SnapshotScanner.Result result;
    try {
      result = scanner.scan();
    } catch (ContentHasher.ChangedWhileHashingException e) {
      logger.debug("{}; waiting for a quiet period", e.getMessage());
      awaitQuiet.run();
      if (trigger == ReloadReason.MANUAL || trigger == ReloadReason.START) {
        synchronized (lock) {
          pending = merge(pending, trigger); // not lost: scanned again right after this cycle
        }
      }
      return null;
    } catch (IOException e) {
      scanErrors.incrementAndGet();
      String problem = e.getMessage();
      boolean repeated;
      synchronized (lock) {
        repeated = problem.equals(lastScanProblem);
        lastScanProblem = problem;
        decision.problem(problem);
      }
      health.set(WatchStatus.Condition.SCAN_FAILING, problem, scheduler.instant());
      if (!repeated) {
        logger.warn("cannot read the watched files, so no reload: {}; will try again on the next"
            + " change or resync", problem);
      }
      listener.onWatchError(e);
      return null;
    }
    if (!result.complete()) {
      Set<Path> missing = new TreeSet<>(result.missing());
      boolean changed;
      synchronized (lock) {
        changed = !missing.equals(lastMissing);
        lastMissing = missing;
      }
      health.set(WatchStatus.Condition.PATH_MISSING, missing + " missing", scheduler.instant());
      health.clear(WatchStatus.Condition.SCAN_FAILING);
      missingTimer.scheduleIfIdle(() -> reconcile(ReloadReason.CHANGE), MISSING_PATH_POLL);
      if (changed) {
        logger.warn("{} missing, so no reload (never a half change): waiting for it to reappear",
            missing);
      }
      return null;
    }
    Set<Path> back;
    synchronized (lock) {
      back = lastMissing;
      lastMissing = Set.of();
      lastScanProblem = null;
    }
    if (!back.isEmpty()) {
      logger.info("{} present again", back);
    }
    health.clear(WatchStatus.Condition.PATH_MISSING);
    health.clear(WatchStatus.Condition.SCAN_FAILING);
    return result.snapshot();
  }

  private ReloadDecision.Verdict decide(Snapshot snapshot, ReloadReason trigger) {
    ReloadDecision.Verdict verdict;
    synchronized (lock) {
      verdict = decision.decide(snapshot, trigger, scheduler.instant());
    }
    if (verdict instanceof ReloadDecision.Attempt) {
      retryTimer.clear(); // this attempt supersedes a pending retry
    } else if (verdict instanceof ReloadDecision.Skip skip) {
      ReloadLog.skipped(skip.snapshot());
      listener.onSkipped(skip.snapshot());
    } else if (verdict instanceof ReloadDecision.Wait wait) {
      ReloadLog.waiting(wait.why());
    }
    return verdict;
  }

  /** Stages, validates and commits; returns whether the actions should run. */
  private boolean publish(ReloadDecision.Attempt attempt, ContentPipeline.Prepared prepared) {
    if (pipeline.isPassThrough()) {
      return true;
    }
    try {
      pipeline.publish(prepared);
    } catch (ReloadRejectedException e) {
      rejected(attempt, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed(attempt, e);
      return false;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(attempt, t);
      return false;
    }
    if (pipeline.dryRun()) {
      synchronized (lock) {
        decision.dryRun(attempt.event());
      }
      ReloadLog.dryRun(attempt);
      listener.onDryRun(attempt.event());
      return false;
    }
    return true;
  }

  private void runActions(ReloadDecision.Attempt attempt) {
    ReloadEvent event = attempt.event();
    long started = scheduler.nanoTime();
    Throwable failure = null;
    for (ReloadAction action : settings.actions) {
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
      synchronized (lock) {
        unavailable = decision.unavailableInARow();
        decision.succeeded(event, scheduler.instant());
      }
      ReloadLog.reloaded(attempt, took, unavailable);
      listener.onReloaded(event, took);
    } else if (failure instanceof ReloadRejectedException rejection) {
      rejected(attempt, rejection);
    } else {
      failed(attempt, failure);
    }
  }

  private void rejected(ReloadDecision.Attempt attempt, ReloadRejectedException rejection) {
    rejection = Redaction.redact(rejection, attempt.event().snapshot());
    synchronized (lock) {
      decision.rejected(attempt.event(), rejection.getMessage());
    }
    ReloadLog.rejected(attempt, rejection.getMessage());
    listener.onRejected(attempt.event(), rejection);
  }

  private void failed(ReloadDecision.Attempt attempt, Throwable failure) {
    failure = Redaction.redact(failure, attempt.event().snapshot());
    ReloadDecision.Retry retry;
    boolean closing;
    synchronized (lock) {
      retry = decision.failed(attempt.event(), failure);
      closing = closed;
    }
    Optional<Duration> retryIn = retry.delay();
    if (retryIn.isPresent() && !closing) {
      retryTimer.schedule(() -> reconcile(ReloadReason.RETRY), retryIn.get());
    }
    ReloadLog.failed(attempt, failure, retryIn, closing, decision.retry(),
        retry.unavailableInARow());
    listener.onFailed(attempt.event(), failure, retryIn.orElse(Duration.ZERO));
  }
}
