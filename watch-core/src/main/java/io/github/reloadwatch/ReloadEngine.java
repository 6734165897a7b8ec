package io.github.reloadwatch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a {@link ReloadWatcher}: {@code start()} checks the paths, wires the parts (the
 * {@link WatchSupervisor} that keeps OS watches, the {@link Debouncer}, the {@link Reconciler}
 * that runs reload cycles) and takes the initial snapshot; {@code close()} stops them in order
 * and joins every thread it started; {@code status()} asks each part for its share.
 *
 * <p>Thread-safe.
 */
final class ReloadEngine {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  /** How often start() reads a file that keeps changing before it gives up. */
  private static final int INITIAL_SCAN_ATTEMPTS = 5;

  private final Settings settings;
  private final Object lock = new Object();
  private final Queue<Thread> ownThreads = new ConcurrentLinkedQueue<>();

  // @GuardedBy("lock")
  private WatchStatus.State state = WatchStatus.State.NEW;

  // set by start() before any part can call another, read by every thread after
  private volatile ScheduledThreadPoolExecutor ownExecutor;
  private volatile Debouncer debouncer;
  private volatile Reconciler reconciler;
  private volatile WatchSupervisor supervisor;
  private volatile Health health;

  ReloadEngine(Settings settings) {
    this.settings = settings;
  }

  void start() throws IOException {
    synchronized (lock) {
      if (state == WatchStatus.State.RUNNING) {
        throw new IllegalStateException("watcher already started");
      }
      if (state == WatchStatus.State.CLOSED) {
        throw new IllegalStateException("watcher already closed: build a new one with toBuilder()");
      }
      state = WatchStatus.State.RUNNING;
    }
    try {
      List<WatchedPath> watched = PathChecks.classify(settings);
      PathChecks.checkOutputs(settings);
      PathChecks.warnIfNamesMayBeMangled(settings);
      Scheduler scheduler = settings.scheduler != null ? settings.scheduler : ownScheduler();
      GuardedListener listener = new GuardedListener(settings.listeners);
      health = new Health();
      DirtyPaths dirty = new DirtyPaths();
      SnapshotScanner scanner = new SnapshotScanner(watched, settings.recursive,
          PathChecks.matchers(settings.includes), PathChecks.matchers(settings.excludes),
          settings.excludePatterns);
      RenderStep renderStep = new RenderStep(settings.renders, renderer(),
          new RenderStep.Permissions(settings.renderOutputMode, settings.renderOutputGroup));
      renderStep.removeStaleStaging();
      ContentPipeline pipeline =
          new ContentPipeline(renderStep, settings.validators, settings.dryRun);
      debouncer = new Debouncer(scheduler, settings.debounce, settings.maxDelay,
          () -> reconciler.trigger(ReloadReason.CHANGE));
      reconciler = new Reconciler(settings, scheduler, scanner, dirty, pipeline, listener, health,
          debouncer::poke, () -> supervisor.check());
      supervisor = new WatchSupervisor(watched, settings.recursive, settings.backend, scheduler,
          listener, health, dirty, debouncer::poke,
          () -> reconciler.trigger(ReloadReason.RESYNC));

      supervisor.start(); // OS watches first: a change from here on is never missed
      SnapshotScanner.Result initial = initialScan(scanner);
      if (!initial.complete()) {
        throw new NoSuchFileException(initial.missing().get(0).toString(), null,
            "disappeared during start(); create it, or fix the path");
      }
      SubPathDetector.warnAboutSubPathMounts(settings.mountInfo, watched, initial.snapshot());
      scheduler.schedule(this::prepareActions, Duration.ZERO); // queued before any reload
      openWith(initial.snapshot(), pipeline, scheduler);
      reconciler.startResync();
      logger.info("watching {} path(s) {}: {} file(s), digest {}, debounce {} ms{}",
          watched.size(), settings.paths, initial.snapshot().size(),
          initial.snapshot().shortDigest(), settings.debounce.toMillis(),
          settings.reloadOnStart ? ", reloading on start" : "");
      if (settings.reloadOnStart) {
        reconciler.trigger(ReloadReason.START);
      }
    } catch (IOException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Templates read variables from the map given to renderEnvironment (all of it: the operator
   * chose it) or the allowed ones of the process environment, and only the allowed files.
   */
  private TemplateRenderer renderer() {
    RenderAccess access = new RenderAccess(
        settings.environment != null ? Set.of("*") : settings.renderAllowEnv,
        settings.renderAllowFiles);
    return new TemplateRenderer(
        settings.environment != null ? settings.environment::get : System::getenv, access,
        settings.renderStrict, settings.renderSyntax);
  }

  private Scheduler ownScheduler() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, Threads.factory("reload", ownThreads::add));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    ownExecutor = executor;
    return Scheduler.of(executor);
  }

  /**
   * Takes a file being written during start() again after a quiet period, a few times, rather
   * than failing start() or taking a torn file as the baseline. Waits in real time: start() is
   * the caller's thread, not the scheduler's.
   */
  private SnapshotScanner.Result initialScan(SnapshotScanner scanner) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return scanner.scan();
      } catch (ContentHasher.ChangedWhileHashingException e) {
        if (attempt == INITIAL_SCAN_ATTEMPTS) {
          throw new IOException(e.getMessage() + "; it kept changing during start(), so no"
              + " consistent snapshot could be taken: start again once writes have settled", e);
        }
        logger.debug("{}; waiting {} ms", e.getMessage(), settings.debounce.toMillis());
        LockSupport.parkNanos(
            Math.max(settings.debounce.toNanos(), TimeUnit.MILLISECONDS.toNanos(10)));
      }
    }
  }

  /**
   * Writes the rendered outputs through the content pipeline, so they exist before the target
   * needs them, and opens the reconciler with the initial content: as applied, or (with {@code
   * reloadOnStart}) as merely scanned. Content that does not render or validate now is recorded
   * as pending invalid content and nothing is written: start() does not fail, since the next
   * ConfigMap update may fix it.
   */
  private void openWith(Snapshot scanned, ContentPipeline pipeline, Scheduler scheduler)
      throws IOException {
    Snapshot effective = scanned;
    String problem = null;
    if (pipeline.renders()) {
      try {
        ContentPipeline.Prepared prepared = pipeline.prepare(scanned);
        pipeline.publish(prepared);
        effective = prepared.snapshot();
      } catch (ReloadRejectedException e) {
        problem = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while validating at start");
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        problem = "validation failed: " + e;
      }
    }
    if (problem != null) {
      logger.warn("the initial content is invalid, so no output was written: {}; waiting for it"
          + " to change", problem);
      String why = problem;
      reconciler.open(decision -> decision.invalidAtStart(scanned, scheduler.instant(), why));
    } else if (settings.reloadOnStart) {
      Snapshot initial = effective;
      reconciler.open(decision -> decision.scanned(initial));
    } else {
      Snapshot initial = effective;
      reconciler.open(decision -> decision.baseline(initial));
    }
  }

  void close() {
    synchronized (lock) {
      if (state == WatchStatus.State.CLOSED) {
        return;
      }
      boolean wasRunning = state == WatchStatus.State.RUNNING;
      state = WatchStatus.State.CLOSED;
      if (!wasRunning) {
        return;
      }
    }
    if (reconciler != null) {
      reconciler.close();
    }
    if (debouncer != null) {
      debouncer.cancel();
    }
    if (supervisor != null) {
      supervisor.close();
    }
    if (reconciler != null) {
      reconciler.awaitIdle(settings.closeTimeout);
    }
    closeActions();
    ScheduledThreadPoolExecutor executor = ownExecutor;
    if (executor != null) {
      executor.shutdownNow();
      try {
        if (!executor.awaitTermination(settings.closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          logger.warn("reload thread did not stop within {} ms", settings.closeTimeout.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Threads.join(ownThreads, settings.closeTimeout.toMillis());
    }
    logger.info("stopped watching {}", settings.paths);
  }

  /** Lets each action warm up (see {@link ReloadAction#prepare()}) before the first reload. */
  private void prepareActions() {
    for (ReloadAction action : settings.allActions()) {
      if (state() != WatchStatus.State.RUNNING) {
        return;
      }
      try {
        action.prepare();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception | LinkageError e) {
        logger.warn("preparing action {} failed; its first reload prepares again: {}", action,
            e.toString());
      }
    }
  }

  /** Closes the actions that hold resources (HTTP clients), once, after the last reload. */
  private void closeActions() {
    for (ReloadAction action : settings.allActions()) {
      if (action instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          logger.warn("closing action {} failed; ignored", action, e);
        }
      }
    }
  }

  WatchStatus.State state() {
    synchronized (lock) {
      return state;
    }
  }

  void reloadNow() {
    WatchStatus.State now = state();
    if (now != WatchStatus.State.RUNNING) {
      throw new IllegalStateException(now == WatchStatus.State.NEW
          ? "watcher not started: call start() first" : "watcher already closed");
    }
    reconciler.trigger(ReloadReason.MANUAL);
  }

  WatchStatus status() {
    WatchStatus.Builder status = new WatchStatus.Builder();
    status.state = state();
    Reconciler r = reconciler;
    WatchSupervisor s = supervisor;
    if (r != null && s != null) {
      r.describe(status);
      status.watchEvents = s.events();
      status.watchErrors = s.errors() + r.scanErrors();
      status.problems = health.problems();
    }
    return status.build();
  }

  @Override
  public String toString() {
    return "ReloadEngine{" + settings.paths + "}";
  }
}
