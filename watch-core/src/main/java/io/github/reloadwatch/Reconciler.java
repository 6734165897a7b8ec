package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reload cycle: brings the targets to the content on disk. Every trigger (a debounced
 * change, {@code reloadNow()}, the start, a retry, a resync, a missing path's re-check) goes
 * through {@link #trigger} or a {@link Timer}, and each runs one {@code reconcile}: scan, prepare
 * the content, ask each {@link Target}'s {@link ReloadDecision}, publish once, run the attempting
 * targets' actions, and let each record its outcome.
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
  private final DirtyPaths dirty;
  private final ContentPipeline pipeline;
  private final GuardedListener listener;
  private final Health health;
  private final Runnable awaitQuiet;
  private final Runnable beforeResync;
  private final Object lock = new Object();
  private final List<Target> targets;
  private final Timer missingTimer;
  private final Timer resyncTimer;
  private final AtomicLong scanErrors = new AtomicLong();

  // all below: guarded by lock
  private boolean closed;
  private long skippedCycles;
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
  Reconciler(Settings settings, Scheduler scheduler, SnapshotScanner scanner, DirtyPaths dirty,
      ContentPipeline pipeline, GuardedListener listener, Health health, Runnable awaitQuiet,
      Runnable beforeResync) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.scanner = scanner;
    this.dirty = dirty;
    this.pipeline = pipeline;
    this.listener = listener;
    this.health = health;
    this.awaitQuiet = awaitQuiet;
    this.beforeResync = beforeResync;
    List<Target> all = new ArrayList<>();
    boolean several = settings.targets.size() + (settings.actions.isEmpty() ? 0 : 1) > 1;
    Runnable retry = () -> reconcile(ReloadReason.RETRY);
    if (!settings.actions.isEmpty()) {
      all.add(new Target(ReloadEvent.DEFAULT_TARGET, settings.actions, several, settings.retry,
          scheduler, listener, retry));
    }
    for (Settings.TargetSpec spec : settings.targets) {
      all.add(new Target(spec.name(), List.of(spec.action()), several, settings.retry, scheduler,
          listener, retry));
    }
    this.targets = List.copyOf(all);
    this.missingTimer = new Timer(scheduler);
    this.resyncTimer = new Timer(scheduler);
  }

  /**
   * Records the initial content (start() calls it once, after its initial snapshot) and lets
   * cycles run; a trigger that arrived before runs now.
   */
  void open(Consumer<ReloadDecision> initial) {
    ReloadReason next;
    targets.forEach(target -> target.record(initial));
    synchronized (lock) {
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
    targets.forEach(Target::close);
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

  /**
   * Fills in the reload part of a status: each target's, and over all of them the sums of the
   * counters, the latest times, the digest every target applied (if they agree) and whether any is
   * failing. One target's status is the watcher's.
   */
  void describe(WatchStatus.Builder status) {
    List<WatchStatus.Target> parts = new ArrayList<>();
    if (targets.size() == 1) {
      targets.get(0).describe(status);
      parts.add(targets.get(0).describe());
    } else {
      String current = null;
      Set<String> applied = new HashSet<>();
      for (Target target : targets) {
        WatchStatus.Builder one = new WatchStatus.Builder();
        target.describe(one);
        parts.add(target.describe());
        current = one.currentDigest;
        applied.add(one.appliedDigest);
        status.reloadsSucceeded += one.reloadsSucceeded;
        status.reloadsFailed += one.reloadsFailed;
        status.reloadsRejected += one.reloadsRejected;
        status.lastAttempt = latest(status.lastAttempt, one.lastAttempt);
        status.lastSuccess = latest(status.lastSuccess, one.lastSuccess);
        if (one.lastError != null && status.lastError == null) {
          status.lastError = target.name() + ": " + one.lastError;
        }
        status.failing |= one.failing;
      }
      status.currentDigest = current;
      status.appliedDigest = applied.size() == 1 ? applied.iterator().next() : null;
    }
    synchronized (lock) {
      status.skippedUnchanged = skippedCycles;
    }
    status.targets = parts;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
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
      for (Map.Entry<Target, ReloadDecision.Attempt> a : attempts(scanned, trigger).entrySet()) {
        a.getKey().rejected(a.getValue(), rejection);
      }
      return;
    }
    Map<Target, ReloadDecision.Attempt> attempts = attempts(prepared.snapshot(), trigger);
    if (attempts.isEmpty() || !publish(attempts, prepared)) {
      return;
    }
    attempts.forEach(Target::run);
  }

  /**
   * Asks every target what the snapshot calls for; returns the attempts, in target order. If no
   * target attempts and one found the content unchanged, the cycle counts as one skip.
   */
  private Map<Target, ReloadDecision.Attempt> attempts(Snapshot snapshot, ReloadReason trigger) {
    Map<Target, ReloadDecision.Attempt> attempts = new LinkedHashMap<>();
    boolean skipped = false;
    for (Target target : targets) {
      ReloadDecision.Verdict verdict = target.decide(snapshot, trigger);
      if (verdict instanceof ReloadDecision.Attempt attempt) {
        attempts.put(target, attempt);
      } else if (verdict instanceof ReloadDecision.Skip) {
        skipped = true;
      }
    }
    if (attempts.isEmpty() && skipped) {
      synchronized (lock) {
        skippedCycles++;
      }
      ReloadLog.skipped(snapshot);
      listener.onSkipped(snapshot);
    }
    return attempts;
  }

  /** Scans; returns null (after reporting why) if there is no complete snapshot to decide on. */
  private Snapshot scan(ReloadReason trigger) {
    SnapshotScanner.Result result;
    DirtyPaths.Drained changed = dirty.drain();
    boolean full;
    synchronized (lock) {
      // a retry looks at everything: its attempt failed, maybe on a file whose event was lost
      full = changed.everything() || !lastMissing.isEmpty() || trigger == ReloadReason.START
          || trigger == ReloadReason.MANUAL || trigger == ReloadReason.RESYNC
          || trigger == ReloadReason.RETRY;
    }
    try {
      result = full ? scanner.scan() : scanner.scan(changed.paths());
    } catch (ContentHasher.ChangedWhileHashingException e) {
      dirty.restore(changed);
      logger.debug("{}; waiting for a quiet period", e.getMessage());
      awaitQuiet.run();
      if (trigger == ReloadReason.MANUAL || trigger == ReloadReason.START) {
        synchronized (lock) {
          pending = merge(pending, trigger); // not lost: scanned again right after this cycle
        }
      }
      return null;
    } catch (IOException e) {
      dirty.restore(changed);
      scanErrors.incrementAndGet();
      String problem = e.getMessage();
      boolean repeated;
      synchronized (lock) {
        repeated = problem.equals(lastScanProblem);
        lastScanProblem = problem;
      }
      targets.forEach(target -> target.problem(problem));
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
      boolean newlyMissing;
      synchronized (lock) {
        newlyMissing = !missing.equals(lastMissing);
        lastMissing = missing;
      }
      health.set(WatchStatus.Condition.PATH_MISSING, missing + " missing", scheduler.instant());
      health.clear(WatchStatus.Condition.SCAN_FAILING);
      missingTimer.scheduleIfIdle(() -> reconcile(ReloadReason.CHANGE), MISSING_PATH_POLL);
      if (newlyMissing) {
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

  /**
   * Stages, validates and commits once for every attempting target; returns whether their actions
   * should run. A rejection or failure of the content is each target's.
   */
  private boolean publish(Map<Target, ReloadDecision.Attempt> attempts,
      ContentPipeline.Prepared prepared) {
    if (pipeline.isPassThrough()) {
      return true;
    }
    try {
      pipeline.publish(prepared);
    } catch (ReloadRejectedException e) {
      attempts.forEach((target, attempt) -> target.rejected(attempt, e));
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      attempts.forEach((target, attempt) -> target.failed(attempt, e));
      return false;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      attempts.forEach((target, attempt) -> target.failed(attempt, t));
      return false;
    }
    if (pipeline.dryRun()) {
      attempts.forEach(Target::dryRun);
      return false;
    }
    return true;
  }
}
