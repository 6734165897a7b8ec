package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.kubernetes.VersionApplier.Outcome;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How is drift repaired? Every anti-entropy interval, a quorum GET by name on the check thread (so
 * that a slow API never delays a write), then a comparison with the informer and the directory on
 * the apply thread (so that it never races a write): a version the watch missed (an update, a
 * delete) or files someone changed are rewritten from the GET, and counted as a drift repair.
 *
 * <p>After a repair from the GET the informer still holds the older version it had; reconciling it
 * would undo the repair, so {@link #suppresses} ignores that version until the informer moves on.
 *
 * <p>A check never makes the watch look alive: see {@link WatchLiveness}.
 */
final class AntiEntropy {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);

  /** The GET, the informer's object, whether a reconcile is pending, whether closed. */
  private final MaterializerEngine engine;
  private final ObjectRef ref;
  private final Settings settings;
  private final VersionApplier applier;
  private final ReportingApplier applying;
  private final ExecutorService checkThread;
  private final Executor applyThread;
  private final Scheduler timers;
  /** The last error of the watch or of a check; shared with {@link WatchLiveness}. */
  private final AtomicReference<String> lastError;

  /** Set while a check is queued or running on the check thread, so checks never pile up. */
  private final AtomicBoolean checkRunning = new AtomicBoolean();
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong driftRepairs = new AtomicLong();
  /** Replaced by each tick; cancelled by the engine's close(). */
  private volatile Future<?> timer;
  /** Whether the last check failed, so a failure is logged once. Check thread only. */
  private volatile boolean checkFailing;

  /**
   * The informer's state known to be older than a version a check wrote: ignored until the
   * informer moves on. Confined to the apply thread.
   */
  private String staleInformerMarker;

  AntiEntropy(MaterializerEngine engine, ObjectRef ref, Settings settings,
      VersionApplier applier, ReportingApplier applying, ExecutorService checkThread,
      Executor applyThread, Scheduler timers, AtomicReference<String> lastError) {
    this.engine = engine;
    this.ref = ref;
    this.settings = settings;
    this.applier = applier;
    this.applying = applying;
    this.checkThread = checkThread;
    this.applyThread = applyThread;
    this.timers = timers;
    this.lastError = lastError;
  }

  /** Starts the periodic check, unless the interval is zero. */
  void startTimer() {
    if (!settings.antiEntropyInterval.isZero()) {
      timer = timers.schedule(this::tick, settings.antiEntropyInterval);
    }
  }

  void cancelTimer() {
    Future<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void tick() {
    if (engine.closed()) {
      return;
    }
    try {
      timer = timers.schedule(this::tick, settings.antiEntropyInterval);
      if (checkRunning.compareAndSet(false, true)) {
        checkThread.execute(this::check);
      }
    } catch (RejectedExecutionException e) {
      checkRunning.set(false); // closed meanwhile
    }
  }

  /** On the check thread: the GET, then the comparison on the apply thread. */
  private void check() {
    try {
      String before = VersionApplier.marker(engine.fromInformer());
      HasMetadata fetched;
      try {
        fetched = engine.get();
      } catch (KubernetesApiException e) {
        lastError.set("anti-entropy check: " + e.getMessage());
        if (!checkFailing) {
          checkFailing = true;
          logger.warn("anti-entropy check of {} failed: {}", ref, e.getMessage());
        }
        return;
      }
      if (checkFailing) {
        checkFailing = false;
        String error = lastError.get();
        if (error != null && error.startsWith("anti-entropy check")) {
          lastError.set(null);
        }
      }
      applyThread.execute(() -> {
        try {
          compare(before, fetched);
        } finally {
          checks.incrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    } finally {
      checkRunning.set(false);
    }
  }

  /**
   * Compares a GET with the informer and the directory, on the apply thread. The GET is a quorum
   * read issued after {@code before} was taken, so if the informer still holds {@code before} and
   * the GET differs, the GET is the newer: the watch missed something, and the GET's version is
   * written. If the informer moved meanwhile, nothing is concluded.
   */
  private void compare(String before, HasMetadata fetched) {
    String now = VersionApplier.marker(engine.fromInformer());
    if (!now.equals(before) || engine.reconcilePending()) {
      logger.debug("{}: the watch delivered during the check; the next check decides", ref);
      return;
    }
    String api = VersionApplier.marker(fetched);
    boolean watchBehind = !api.equals(now);
    boolean alreadyApplied = api.equals(applier.applied());
    if (!applier.needsApply(fetched)) {
      staleInformerMarker = watchBehind ? now : null;
      return;
    }
    if (!watchBehind && !alreadyApplied) {
      applying.applyLogged(fetched); // the informer has it and a reconcile is on its way
      return;
    }
    if (watchBehind) {
      staleInformerMarker = now;
      logger.warn("anti-entropy: {} is {} but the watch delivered {}: repairing [{}] from a GET",
          ref, VersionApplier.ABSENT.equals(api) ? "gone" : "at resourceVersion " + api,
          VersionApplier.ABSENT.equals(now) ? "nothing" : "resourceVersion " + now,
          settings.directory);
    } else {
      logger.warn("anti-entropy: the files in [{}] differ from {} at resourceVersion {}:"
          + " rewriting them", settings.directory, ref, api);
    }
    Outcome outcome = applying.applyLogged(fetched);
    if (outcome == Outcome.WRITTEN || outcome == Outcome.KEPT_DELETED) {
      driftRepairs.incrementAndGet();
    }
  }

  /**
   * On the apply thread, before a reconcile: whether the informer's current state ({@code
   * informerMarker}) is one a check found older than what it wrote, and must be ignored.
   */
  boolean suppresses(String informerMarker) {
    if (staleInformerMarker != null) {
      if (staleInformerMarker.equals(informerMarker)) {
        logger.debug("{}: the informer still holds {}, older than what the last check wrote",
            ref, informerMarker);
        return true;
      }
      staleInformerMarker = null;
    }
    return false;
  }

  long checks() {
    return checks.get();
  }

  long driftRepairs() {
    return driftRepairs.get();
  }
}
