package io.github.reloadwatch;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind {@link ReloadWatcher}: turns raw signals into debounced scans, decides
 * whether content changed, runs the actions serially, and retries failures.
 *
 * <p>Thread-safety: fields marked guarded by {@code lock} are shared between the caller's thread,
 * the watch thread and the reload thread. Scans and actions run on the reload thread, one at a time
 * even on a multi-threaded scheduler, enforced by {@code running}.
 */
final class ReloadEngine {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  /** How often a missing watched path is checked for while it is gone. */
  static final Duration MISSING_PATH_POLL = Duration.ofSeconds(1);

  /** How often start() reads a file that keeps changing before it gives up. */
  private static final int INITIAL_SCAN_ATTEMPTS = 5;

  /** The scan interval when the OS cannot watch (inotify exhausted). */
  static final Duration POLL_FALLBACK_INTERVAL = Duration.ofSeconds(2);

  private final Settings settings;
  private final Object lock = new Object();
  private final AtomicLong watchEvents = new AtomicLong();
  private final AtomicLong watchErrors = new AtomicLong();
  private final java.util.Queue<Thread> ownThreads =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  // set once by start(), read by every thread after
  private volatile ScheduledExecutorService scheduler;
  private volatile boolean ownScheduler;
  private volatile Debouncer debouncer;
  private volatile SnapshotScanner scanner;
  private volatile List<WatchedPath> watched;
  private volatile RenderStep renderStep;
  // written by ensureWatching before a backend starts, read by the watch thread
  private volatile Set<Path> watchDirs = Set.of();
  private volatile Set<Path> sentinelDirs = Set.of();

  // all below: guarded by lock
  private WatchStatus.State state = WatchStatus.State.NEW;
  private WatchBackend backend;
  private boolean backendLost;
  private boolean polling;
  private Map<Path, Object> registeredDirs = Map.of();
  private Snapshot applied = Snapshot.empty();
  private boolean appliedKnown;
  private Snapshot current;
  private String failedDigest;
  private boolean failedRejected;
  private int failedAttempt;
  private boolean running;
  private ReloadReason pendingReason;
  private Thread reloadThread;
  private Future<?> retryTask;
  private Future<?> resyncTask;
  private Future<?> missingTask;
  private long succeeded;
  private long failed;
  private long rejected;
  private long skipped;
  private Instant lastAttempt;
  private Instant lastSuccess;
  private String lastError;
  private String lastScanProblem;
  private Set<Path> lastMissing = Set.of();

  ReloadEngine(Settings settings) {
    this.settings = settings;
  }

  // ---------------------------------------------------------------------------------------------
  // lifecycle

  void start() throws IOException {
    synchronized (lock) {
      if (state == WatchStatus.State.RUNNING) {
        throw new IllegalStateException("watcher already started");
      }
      if (state == WatchStatus.State.CLOSED) {
        throw new IllegalStateException("watcher already closed: build a new one with toBuilder()");
      }
      state = WatchStatus.State.RUNNING;
      running = true; // no flush may interleave with the initial scan
    }
    try {
      watched = classify(settings);
      scanner =
          new SnapshotScanner(
              watched, settings.recursive(), matchers(settings.includes()),
              matchers(settings.excludes()));
      renderStep = new RenderStep(settings.renders(), new TemplateRenderer(
          settings.environment() != null ? settings.environment()::get : System::getenv,
          settings.renderStrict()));
      ownScheduler = settings.scheduler() == null;
      if (ownScheduler) {
        ScheduledThreadPoolExecutor executor =
            new ScheduledThreadPoolExecutor(1, Threads.factory("reload", ownThreads::add));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler = executor;
      } else {
        scheduler = settings.scheduler();
      }
      debouncer = new Debouncer(scheduler, settings.ticker(), settings.debounce(),
          settings.maxDelay(), () -> flush(ReloadReason.CHANGE));
      warnIfNamesMayBeMangled();

      ensureWatching(); // OS watches first: a change from here on is never missed
      SnapshotScanner.Result initial = initialScan();
      if (!initial.complete()) {
        throw new NoSuchFileException(
            initial.missing().get(0).toString(), null,
            "disappeared during start(); create it, or fix the path");
      }
      SubPathDetector.warnAboutSubPathMounts(settings.mountInfo(), watched, initial.snapshot());
      Snapshot baseline =
          renderStep.isEmpty() ? initial.snapshot() : renderAtStart(initial.snapshot());
      synchronized (lock) {
        current = baseline != null ? baseline : initial.snapshot();
        if (!settings.reloadOnStart() && baseline != null) {
          applied = baseline;
          appliedKnown = true;
        }
        running = false;
      }
      scheduleResync();
      logger.info(
          "watching {} path(s) {}: {} file(s), digest {}, debounce {} ms{}",
          watched.size(), settings.paths(), initial.snapshot().size(),
          initial.snapshot().shortDigest(), settings.debounce().toMillis(),
          settings.reloadOnStart() ? ", reloading on start" : "");
      if (settings.reloadOnStart()) {
        scheduler.execute(() -> flush(ReloadReason.START));
      }
    } catch (IOException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Renders and validates the outputs at start, so they exist before the target needs them, and
   * returns the snapshot they make with the scanned files; null if the templates do not render or
   * validate now, in which case the watcher waits for a change (start() does not fail: the content
   * may be fixed by the next ConfigMap update).
   */
  private Snapshot renderAtStart(Snapshot scanned) throws IOException {
    RenderStep.Staging staging = null;
    String problem;
    try {
      RenderStep.Rendered rendered = renderStep.render(scanned);
      Snapshot effective = RenderStep.effective(scanned, rendered);
      staging = RenderStep.stage(rendered, settings.dryRun());
      ValidationContext context = new ValidationContext(effective, staging.staged());
      for (Validator validator : settings.validators()) {
        validator.validate(context);
      }
      if (settings.dryRun()) {
        staging.discard();
      } else {
        staging.commit();
      }
      return effective;
    } catch (TemplateRenderer.UnresolvedReferenceException e) {
      problem = "cannot render: " + e.getMessage();
    } catch (ReloadRejectedException e) {
      problem = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while validating at start");
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      problem = "validation failed: " + e;
    }
    discard(staging);
    synchronized (lock) {
      failedDigest = scanned.digest();
      failedRejected = true;
      failedAttempt = 1;
      lastError = "pending invalid content since " + settings.clock().instant() + ", digest "
          + scanned.shortDigest() + ": " + problem;
    }
    logger.warn("the initial content is invalid, so no output was written: {}; waiting for it to"
        + " change", problem);
    return null;
  }

  /**
   * Takes the initial snapshot; a file being written at that moment is read again after a quiet
   * period, a few times, rather than failing start() or taking a torn file as the baseline.
   */
  private SnapshotScanner.Result initialScan() throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return scanner.scan();
      } catch (ContentHasher.ChangedWhileHashingException e) {
        if (attempt == INITIAL_SCAN_ATTEMPTS) {
          throw new IOException(e.getMessage() + "; it kept changing during start(), so no"
              + " consistent snapshot could be taken: start again once writes have settled", e);
        }
        logger.debug("{}; waiting {} ms", e.getMessage(), settings.debounce().toMillis());
        java.util.concurrent.locks.LockSupport.parkNanos(
            Math.max(settings.debounce().toNanos(), TimeUnit.MILLISECONDS.toNanos(10)));
      }
    }
  }

  void close() {
    Thread waitFor;
    synchronized (lock) {
      if (state == WatchStatus.State.CLOSED) {
        return;
      }
      boolean wasRunning = state == WatchStatus.State.RUNNING;
      state = WatchStatus.State.CLOSED;
      cancel(retryTask);
      cancel(resyncTask);
      cancel(missingTask);
      if (!wasRunning) {
        return;
      }
      waitFor = reloadThread;
    }
    if (debouncer != null) {
      debouncer.cancel();
    }
    closeBackend();
    if (waitFor != null && waitFor != Thread.currentThread()) {
      awaitReloadFinished(waitFor);
    }
    closeActions();
    if (ownScheduler && scheduler != null) {
      scheduler.shutdownNow();
      try {
        if (!scheduler.awaitTermination(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          logger.warn("reload thread did not stop within {} ms", settings.closeTimeout().toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Threads.join(ownThreads, settings.closeTimeout().toMillis());
    }
    logger.info("stopped watching {}", settings.paths());
  }

  /** Closes the actions that hold resources (HTTP clients), once, after the last reload. */
  private void closeActions() {
    for (ReloadAction action : settings.actions()) {
      if (action instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          logger.warn("closing action {} failed; ignored", action, e);
        }
      }
    }
  }

  private void awaitReloadFinished(Thread reloading) {
    long deadline = settings.ticker().getAsLong() + settings.closeTimeout().toNanos();
    synchronized (lock) {
      try {
        while (running) {
          long remaining = deadline - settings.ticker().getAsLong();
          if (remaining <= 0) {
            logger.warn(
                "a reload was still running {} ms after close(); interrupting it",
                settings.closeTimeout().toMillis());
            reloading.interrupt();
            return;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  WatchStatus.State state() {
    synchronized (lock) {
      return state;
    }
  }

  void reloadNow() {
    synchronized (lock) {
      if (state != WatchStatus.State.RUNNING) {
        throw new IllegalStateException(
            state == WatchStatus.State.NEW ? "watcher not started: call start() first"
                : "watcher already closed");
      }
    }
    scheduler.execute(() -> flush(ReloadReason.MANUAL));
  }

  WatchStatus status() {
    synchronized (lock) {
      return new WatchStatus(
          state,
          watchEvents.get(),
          watchErrors.get(),
          succeeded,
          failed,
          rejected,
          skipped,
          Optional.ofNullable(lastAttempt),
          Optional.ofNullable(lastSuccess),
          Optional.ofNullable(lastError),
          Optional.ofNullable(current).map(Snapshot::digest),
          appliedKnown ? Optional.of(applied.digest()) : Optional.empty(),
          failedDigest != null);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // start-up checks

  private static List<WatchedPath> classify(Settings settings) throws IOException {
    List<WatchedPath> result = new ArrayList<>();
    for (Path path : settings.paths()) {
      BasicFileAttributes attributes;
      try {
        path.toRealPath(); // follows links: detects loops and dangling links
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(
            path.toString(), null,
            Files.isSymbolicLink(path)
                ? "is a symbolic link to a missing target: fix the link or the path"
                : "does not exist: create it, or fix the path (in Kubernetes, check the"
                    + " volume's mountPath)");
      } catch (AccessDeniedException e) {
        throw new AccessDeniedException(
            path.toString(), null,
            "cannot be accessed by this process: fix the permissions of it or its parent"
                + " directories (in Kubernetes, the pod's securityContext/fsGroup)");
      } catch (FileSystemException e) {
        if (String.valueOf(e.getReason()).contains("symbolic links")) {
          throw new FileSystemException(
              path.toString(), null,
              "is a symbolic link loop: point the link at a real file or directory");
        }
        throw e;
      }
      boolean directory = attributes.isDirectory();
      if (settings.directoriesRequired().contains(path) && !directory) {
        throw new NotDirectoryException(
            path + ": is a file, but addDirectory(...) expects a directory; use addPath(...) to"
                + " watch a single file");
      }
      if (!directory && !attributes.isRegularFile()) {
        throw new FileSystemException(
            path.toString(), null, "is neither a directory nor a regular file: watch a file or"
                + " a directory");
      }
      if (!Files.isReadable(path) || (directory && !Files.isExecutable(path))) {
        throw new AccessDeniedException(
            path.toString(), null,
            "is not readable by this process: fix its permissions (chmod/chown), or in"
                + " Kubernetes the pod's securityContext (fsGroup)");
      }
      result.add(directory ? WatchedPath.directory(path) : WatchedPath.file(path));
    }
    return List.copyOf(result);
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> result = new ArrayList<>();
    for (String glob : globs) {
      result.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
    }
    return result;
  }

  private void warnIfNamesMayBeMangled() {
    String encoding = System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name());
    if (!encoding.toUpperCase(java.util.Locale.ROOT).replace("-", "").equals("UTF8")) {
      boolean nonAscii =
          settings.paths().stream().anyMatch(p -> !p.toString().chars().allMatch(c -> c < 128));
      if (nonAscii) {
        logger.warn(
            "file names are decoded as {}, so non-ASCII names may be mangled: start the JVM with"
                + " LANG=C.UTF-8 (or another UTF-8 locale)",
            encoding);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // OS watches

  /**
   * Registers OS watches if none are active or a watched directory was deleted or replaced since
   * they were registered. Missing directories are polled for until they come back.
   */
  private void ensureWatching() throws IOException {
    Set<Path> recursiveDirs = new LinkedHashSet<>();
    Set<Path> flatDirs = new LinkedHashSet<>();
    Map<Path, Object> now = new HashMap<>();
    for (WatchedPath w : watched) {
      Object key = directoryKey(w.watchDir());
      now.put(w.watchDir(), key == null ? MISSING : key);
      if (key != null) {
        (w.directory() && settings.recursive() ? recursiveDirs : flatDirs).add(w.watchDir());
      }
    }
    // each watched directory's parent too (flat), so that the directory itself being deleted,
    // moved away or replaced is seen: inotify reports IN_DELETE_SELF/IN_MOVE_SELF poorly, and a
    // directory re-created at once may even get the same inode number back
    Set<Path> sentinels = new LinkedHashSet<>();
    for (Path dir : now.keySet()) {
      Path parent = dir.getParent();
      if (parent != null && !now.containsKey(parent) && !underAny(parent, recursiveDirs)
          && Files.isDirectory(parent) && Files.isReadable(parent)) {
        sentinels.add(parent);
      }
    }
    watchDirs = Set.copyOf(now.keySet());
    sentinelDirs = Set.copyOf(sentinels);
    boolean anyMissing = now.containsValue(MISSING);
    synchronized (lock) {
      if (state != WatchStatus.State.RUNNING) {
        return;
      }
      if (anyMissing) {
        scheduleMissingCheck();
      }
      if (!backendLost && now.equals(registeredDirs) && (backend != null || polling)) {
        return;
      }
    }
    WatchBackend old;
    synchronized (lock) {
      old = backend;
      backend = null;
    }
    if (old != null) {
      logger.info("watched directories changed {}; registering the watches again", now.keySet());
      old.close();
    }
    WatchBackend started = null;
    if (!recursiveDirs.isEmpty() || !flatDirs.isEmpty()) {
      Set<Path> withSentinels = new LinkedHashSet<>(flatDirs);
      withSentinels.addAll(sentinels);
      try {
        started = settings.backend().start(recursiveDirs, withSentinels, new Callback());
      } catch (IOException e) {
        if (!isWatchLimit(e)) {
          synchronized (lock) {
            scheduleMissingCheck(); // try to register again, rather than stay deaf
          }
          throw new IOException(
              "cannot watch " + settings.paths() + ": " + e.getMessage()
                  + "; check that the paths are readable directories or files", e);
        }
        startPolling(e);
      }
    }
    synchronized (lock) {
      if (state != WatchStatus.State.RUNNING) {
        if (started != null) {
          started.close();
        }
        return;
      }
      backend = started;
      backendLost = false;
      registeredDirs = Map.copyOf(now);
    }
  }

  private static final Object MISSING = new Object();

  private static boolean underAny(Path path, Set<Path> roots) {
    return roots.stream().anyMatch(path::startsWith);
  }

  private static Object directoryKey(Path dir) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(dir, BasicFileAttributes.class);
      if (!attributes.isDirectory()) {
        return null;
      }
      Object key = attributes.fileKey();
      return key != null ? key : attributes.creationTime();
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isWatchLimit(IOException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return message.contains("inotify") || message.contains("too many open files");
  }

  private void startPolling(IOException cause) {
    synchronized (lock) {
      if (polling) {
        return;
      }
      polling = true;
    }
    watchErrors.incrementAndGet();
    logger.warn(
        "cannot register OS file watches ({}): falling back to scanning every {} ms. Raise the"
            + " limits, e.g. sysctl fs.inotify.max_user_watches=524288 and"
            + " fs.inotify.max_user_instances=512",
        cause.getMessage(), POLL_FALLBACK_INTERVAL.toMillis());
    notifyListener(l -> l.onWatchError(cause));
    schedulePoll();
  }

  private void schedulePoll() {
    scheduleSafely(
        () -> {
          flush(ReloadReason.RESYNC);
          schedulePoll();
        },
        POLL_FALLBACK_INTERVAL);
  }

  private void closeBackend() {
    WatchBackend b;
    synchronized (lock) {
      b = backend;
      backend = null;
    }
    if (b != null) {
      b.close();
    }
  }

  /** Receives the backend's signals on the watch thread. */
  private final class Callback implements WatchBackend.Callback {
    @Override
    public void onEvent(Path path, boolean overflow) {
      if (path != null) {
        if (watchDirs.contains(path)) {
          // a watched directory itself was created, deleted or moved: register again
          synchronized (lock) {
            backendLost = true;
          }
        } else if (path.getParent() != null && sentinelDirs.contains(path.getParent())) {
          return; // a sibling of a watched directory: none of our business
        }
      }
      watchEvents.incrementAndGet();
      if (overflow) {
        watchErrors.incrementAndGet();
        logger.debug("event overflow: the OS dropped events; rescanning everything");
      } else {
        logger.debug("event [{}]", path);
      }
      notifyListener(ReloadListener::onWatchEvent);
      poke();
    }

    @Override
    public void onError(Exception error) {
      watchErrors.incrementAndGet();
      synchronized (lock) {
        if (state != WatchStatus.State.RUNNING) {
          return;
        }
        backendLost = true;
      }
      logger.debug("watch error; checking the watched directories", error);
      notifyListener(l -> l.onWatchError(error));
      poke();
    }

    private void poke() {
      try {
        debouncer.poke();
      } catch (RejectedExecutionException e) {
        if (state() == WatchStatus.State.RUNNING) {
          logger.error("the scheduler refused work, so changes are no longer acted on: do not shut"
              + " down a scheduler given to the watcher before closing the watcher", e);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // scheduling

  private void scheduleResync() {
    if (settings.resyncInterval().isZero()) {
      return;
    }
    synchronized (lock) {
      if (state != WatchStatus.State.RUNNING) {
        return;
      }
      resyncTask =
          scheduler.schedule(
              () -> {
                flush(ReloadReason.RESYNC);
                scheduleResync();
              },
              settings.resyncInterval().toNanos(),
              TimeUnit.NANOSECONDS);
    }
  }

  private void scheduleMissingCheck() {
    // caller holds lock
    if (missingTask != null && !missingTask.isDone()) {
      return;
    }
    missingTask =
        scheduler.schedule(
            () -> flush(ReloadReason.CHANGE), MISSING_PATH_POLL.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void scheduleSafely(Runnable task, Duration delay) {
    synchronized (lock) {
      if (state != WatchStatus.State.RUNNING) {
        return;
      }
      scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static void cancel(Future<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the reload cycle

  /** Scans, decides and reloads. Runs on the scheduler; never two at once. */
  void flush(ReloadReason trigger) {
    synchronized (lock) {
      if (state != WatchStatus.State.RUNNING) {
        return;
      }
      if (running) {
        pendingReason = merge(pendingReason, trigger);
        return;
      }
      running = true;
      reloadThread = Thread.currentThread();
    }
    try {
      cycle(trigger);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      logger.error("reload cycle failed unexpectedly; the watcher keeps running", t);
    } finally {
      ReloadReason next;
      synchronized (lock) {
        running = false;
        reloadThread = null;
        next = pendingReason;
        pendingReason = null;
        lock.notifyAll();
      }
      if (next != null) {
        scheduleSafely(() -> flush(next), Duration.ZERO);
      }
    }
  }

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
    SnapshotScanner.Result result;
    try {
      ensureWatching();
      result = scanner.scan();
    } catch (ContentHasher.ChangedWhileHashingException e) {
      logger.debug("{}; waiting for a quiet period", e.getMessage());
      debouncer.poke();
      if (trigger == ReloadReason.MANUAL || trigger == ReloadReason.START) {
        synchronized (lock) {
          pendingReason = merge(pendingReason, trigger);
        }
      }
      return;
    } catch (IOException e) {
      watchErrors.incrementAndGet();
      String problem = e.getMessage();
      boolean repeated;
      synchronized (lock) {
        repeated = problem.equals(lastScanProblem);
        lastScanProblem = problem;
        lastError = problem;
      }
      if (!repeated) {
        logger.warn(
            "cannot read the watched files, so no reload: {}; will try again on the next change"
                + " or resync", problem);
      }
      notifyListener(l -> l.onWatchError(e));
      return;
    }
    if (!result.complete()) {
      Set<Path> missing = new TreeSet<>(result.missing());
      boolean changed;
      synchronized (lock) {
        changed = !missing.equals(lastMissing);
        lastMissing = missing;
        scheduleMissingCheck();
      }
      if (changed) {
        logger.warn(
            "{} missing, so no reload (never a half change): waiting for it to reappear",
            missing);
      }
      return;
    }
    Snapshot scanned = result.snapshot();
    RenderStep.Rendered rendered = null;
    Snapshot snapshot = scanned;
    if (!renderStep.isEmpty()) {
      try {
        rendered = renderStep.render(scanned);
        snapshot = RenderStep.effective(scanned, rendered);
      } catch (TemplateRenderer.UnresolvedReferenceException | IOException e) {
        // invalid until the inputs change: decided on the scanned files, which did not render
        Plan plan = decide(scanned, trigger);
        if (plan != null) {
          reject(plan, new ReloadRejectedException("cannot render: " + e.getMessage()));
        }
        return;
      }
    }
    Plan plan = decide(snapshot, trigger);
    if (plan != null && prepare(plan, rendered)) {
      run(plan);
    }
  }

  /**
   * Stages rendered outputs, validates, and puts the outputs in place; in a dry run, logs the
   * decision instead. Returns whether the actions should run.
   */
  private boolean prepare(Plan plan, RenderStep.Rendered rendered) {
    if (rendered == null && settings.validators().isEmpty() && !settings.dryRun()) {
      return true;
    }
    RenderStep.Staging staging = null;
    try {
      if (rendered != null) {
        staging = RenderStep.stage(rendered, settings.dryRun());
      }
      ValidationContext context = new ValidationContext(
          plan.event().snapshot(), staging == null ? Map.of() : staging.staged());
      for (Validator validator : settings.validators()) {
        validator.validate(context);
      }
      if (settings.dryRun()) {
        staging = discard(staging);
        synchronized (lock) {
          applied = plan.event().snapshot();
          appliedKnown = true;
          clearFailure();
        }
        logger.info("dry run: would reload ({})", describe(plan.event(), plan.previous()));
        notifyListener(l -> l.onDryRun(plan.event()));
        return false;
      }
      if (staging != null) {
        staging.commit();
      }
      return true;
    } catch (ReloadRejectedException e) {
      discard(staging);
      reject(plan, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discard(staging);
      fail(plan, e);
      return false;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      discard(staging);
      fail(plan, t);
      return false;
    }
  }

  private static RenderStep.Staging discard(RenderStep.Staging staging) {
    if (staging != null) {
      staging.discard();
    }
    return null;
  }

  private void clearFailure() {
    // caller holds lock
    failedDigest = null;
    failedAttempt = 0;
    failedRejected = false;
    lastError = null;
  }

  /** What one reload attempt will do. */
  private record Plan(ReloadEvent event, Snapshot previous) {}

  private Plan decide(Snapshot snapshot, ReloadReason trigger) {
    boolean unchanged = false;
    Plan plan;
    synchronized (lock) {
      if (!lastMissing.isEmpty()) {
        logger.info("{} present again", lastMissing);
        lastMissing = Set.of();
      }
      lastScanProblem = null;
      current = snapshot;
      String digest = snapshot.digest();
      boolean sameAsFailed = digest.equals(failedDigest);
      ReloadReason reason = trigger;
      int attempt = 1;
      if (trigger == ReloadReason.MANUAL || trigger == ReloadReason.START) {
        attempt = sameAsFailed ? failedAttempt + 1 : 1;
      } else if (failedDigest != null) {
        if (sameAsFailed) {
          if (trigger != ReloadReason.RETRY) {
            logger.debug(
                "content {} unchanged since it {}", snapshot.shortDigest(),
                failedRejected ? "was rejected; waiting for a change" : "failed; retry pending");
            return null;
          }
          attempt = failedAttempt + 1;
        } else if (trigger == ReloadReason.RETRY) {
          reason = ReloadReason.CHANGE; // newer content supersedes the failed one
        }
      } else if (digest.equals(applied.digest())) {
        if (trigger == ReloadReason.RETRY) {
          return null; // a stale retry timer
        }
        skipped++;
        unchanged = true;
      } else if (trigger == ReloadReason.RETRY) {
        reason = ReloadReason.CHANGE;
      }
      if (unchanged) {
        plan = null;
      } else {
        cancel(retryTask);
        retryTask = null;
        lastAttempt = settings.clock().instant();
        plan =
            new Plan(
                new ReloadEvent(reason, diff(applied, snapshot), attempt, snapshot, lastAttempt),
                applied);
      }
    }
    if (unchanged) {
      logger.debug("content unchanged ({}); no reload", snapshot.shortDigest());
      notifyListener(l -> l.onSkipped(snapshot));
    }
    return plan;
  }

  static List<FileChange> diff(Snapshot before, Snapshot after) {
    Set<Path> all = new TreeSet<>(before.paths());
    all.addAll(after.paths());
    List<FileChange> changes = new ArrayList<>();
    for (Path path : all) {
      String was = before.digests().get(path);
      String is = after.digests().get(path);
      if (was == null) {
        changes.add(new FileChange(path, FileChange.Kind.ADDED));
      } else if (is == null) {
        changes.add(new FileChange(path, FileChange.Kind.REMOVED));
      } else if (!was.equals(is)) {
        changes.add(new FileChange(path, FileChange.Kind.MODIFIED));
      }
    }
    return changes;
  }

  private void run(Plan plan) {
    ReloadEvent event = plan.event();
    long started = settings.ticker().getAsLong();
    Throwable failure = null;
    for (ReloadAction action : settings.actions()) {
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
    Duration took = Duration.ofNanos(settings.ticker().getAsLong() - started);
    if (failure == null) {
      succeed(plan, took);
    } else if (failure instanceof ReloadRejectedException rejection) {
      reject(plan, rejection);
    } else {
      fail(plan, failure);
    }
  }

  private void succeed(Plan plan, Duration took) {
    ReloadEvent event = plan.event();
    synchronized (lock) {
      applied = event.snapshot();
      appliedKnown = true;
      clearFailure();
      succeeded++;
      lastSuccess = settings.clock().instant();
    }
    logger.info("reloaded ({}) in {} ms", describe(event, plan.previous()), took.toMillis());
    notifyListener(l -> l.onReloaded(event, took));
  }

  private void reject(Plan plan, ReloadRejectedException rejection) {
    ReloadEvent event = plan.event();
    synchronized (lock) {
      failedDigest = event.snapshot().digest();
      failedRejected = true;
      failedAttempt = event.attempt();
      rejected++;
      lastError = "pending invalid content since " + event.time() + ", digest "
          + event.snapshot().shortDigest() + ": " + rejection.getMessage();
    }
    logger.warn(
        "reload rejected ({}): {}; not retried until the content changes",
        describe(event, plan.previous()), rejection.getMessage());
    notifyListener(l -> l.onRejected(event, rejection));
  }

  private void fail(Plan plan, Throwable failure) {
    ReloadEvent event = plan.event();
    Optional<Duration> hint = ReloadFailedException.retryAfterOf(failure);
    Optional<Duration> delay =
        settings.retry().delayAfter(event.attempt())
            .map(d -> hint.filter(h -> h.compareTo(d) > 0).orElse(d));
    boolean closing;
    synchronized (lock) {
      closing = state != WatchStatus.State.RUNNING;
      failedDigest = event.snapshot().digest();
      failedRejected = false;
      failedAttempt = event.attempt();
      failed++;
      lastError = String.valueOf(failure.getMessage());
      if (delay.isPresent() && !closing) {
        retryTask =
            scheduler.schedule(
                () -> flush(ReloadReason.RETRY), delay.get().toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    logFailure(describe(event, plan.previous()), failure, delay, closing);
    notifyListener(l -> l.onFailed(event, failure, delay.orElse(Duration.ZERO)));
  }

  private void logFailure(
      String what, Throwable failure, Optional<Duration> delay, boolean closing) {
    String next =
        closing
            ? "not retried: the watcher is closing"
            : delay
                .map(d -> "retrying in " + d.toMillis() + " ms")
                .orElse("giving up until the content changes (" + settings.retry() + ")");
    if (failure instanceof IOException || failure instanceof InterruptedException) {
      logger.warn("reload failed ({}): {}; {}", what, failure.toString(), next);
    } else {
      logger.warn("reload failed ({}): {}; {}", what, failure.toString(), next, failure);
    }
  }

  private static String describe(ReloadEvent event, Snapshot previous) {
    StringBuilder changes = new StringBuilder();
    int shown = 0;
    for (FileChange change : event.changes()) {
      if (shown++ == 5) {
        changes.append(", +").append(event.changes().size() - 5).append(" more");
        break;
      }
      if (changes.length() > 0) {
        changes.append(", ");
      }
      changes.append(change.kind().name().toLowerCase(java.util.Locale.ROOT))
          .append(' ')
          .append(change.path().getFileName());
    }
    return event.reason().name().toLowerCase(java.util.Locale.ROOT)
        + (event.attempt() > 1 ? " attempt " + event.attempt() : "")
        + (changes.length() > 0 ? ": " + changes : "")
        + ", digest " + previous.shortDigest() + " -> " + event.snapshot().shortDigest();
  }

  private void notifyListener(java.util.function.Consumer<ReloadListener> call) {
    try {
      call.accept(settings.listener());
    } catch (RuntimeException e) {
      logger.warn("ReloadListener {} threw; ignored", settings.listener(), e);
    }
  }

  @Override
  public String toString() {
    return "ReloadEngine{" + Objects.toString(settings.paths()) + "}";
  }
}
