package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Is it still watching? Keeps OS watches registered on every watched directory, and on each
 * one's parent (a sentinel: it sees the directory itself deleted, moved away, replaced or
 * re-created, even with the same inode number), registers them again when a directory's identity
 * changed or the backend reported a loss, checks every {@link #MISSING_DIR_POLL} for a directory
 * that is gone, and falls back to scanning every {@link #POLL_FALLBACK_INTERVAL} when the OS
 * refuses more watches. Receives the backend's events on the watch thread and turns each into a
 * poke of the quiet period; it never scans or reloads itself.
 *
 * <p>Thread-safe: registration is serialized on this object; the event callback takes no lock
 * of it.
 */
final class WatchSupervisor implements WatchBackend.Callback {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  /** How often a watched directory that is gone is checked for. */
  static final Duration MISSING_DIR_POLL = Duration.ofSeconds(1);

  /** The scan interval when the OS cannot watch (inotify exhausted). */
  static final Duration POLL_FALLBACK_INTERVAL = Duration.ofSeconds(2);

  private static final Object MISSING = new Object();

  private final List<WatchedPath> watched;
  private final boolean recursive;
  private final WatchBackend.Factory factory;
  private final GuardedListener listener;
  private final Health health;
  private final DirtyPaths dirty;
  private final Scheduler scheduler;
  private final Runnable poke;
  private final Runnable rescan;
  private final Timer checkTimer;
  private final Timer pollTimer;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  // read by the watch thread
  private volatile Set<Path> watchDirs = Set.of();
  private volatile Set<Path> sentinelDirs = Set.of();
  private volatile boolean lost;
  private volatile boolean closed;

  // @GuardedBy("this")
  private WatchBackend backend;
  // @GuardedBy("this")
  private boolean polling;
  // @GuardedBy("this"): each watched directory's identity when last registered
  private Map<Path, Object> registered;
  // @GuardedBy("this")
  private String lastProblem;

  /**
   * @param poke restarts the quiet period: something changed
   * @param rescan scans now, for the polling fallback
   */
  WatchSupervisor(List<WatchedPath> watched, boolean recursive, WatchBackend.Factory factory,
      Scheduler scheduler, GuardedListener listener, Health health, DirtyPaths dirty,
      Runnable poke, Runnable rescan) {
    this.watched = List.copyOf(watched);
    this.recursive = recursive;
    this.factory = factory;
    this.listener = listener;
    this.health = health;
    this.dirty = dirty;
    this.scheduler = scheduler;
    this.poke = poke;
    this.rescan = rescan;
    this.checkTimer = new Timer(scheduler);
    this.pollTimer = new Timer(scheduler);
  }

  /**
   * Registers the first watches, before the initial snapshot, so that no change made from here on
   * is missed.
   *
   * @throws IOException if a watch cannot be registered (other than the OS's watch limits, which
   *     fall back to polling)
   */
  synchronized void start() throws IOException {
    register(true);
  }

  /** Registers the watches again if a directory changed identity or a watch was lost. */
  synchronized void check() {
    if (closed) {
      return;
    }
    try {
      register(false);
      lastProblem = null;
      health.clear(WatchStatus.Condition.WATCH_FAILING);
    } catch (IOException e) {
      errors.incrementAndGet();
      String problem = e.getMessage();
      health.set(WatchStatus.Condition.WATCH_FAILING, problem, scheduler.instant());
      if (!problem.equals(lastProblem)) {
        logger.warn("{}; trying again every {} ms", problem, MISSING_DIR_POLL.toMillis());
      }
      lastProblem = problem;
      listener.onWatchError(e);
      checkTimer.scheduleIfIdle(this::check, MISSING_DIR_POLL);
    }
  }

  /** Stops watching; the backend's thread ends before this returns. */
  void close() {
    closed = true;
    checkTimer.cancel();
    pollTimer.cancel();
    WatchBackend b;
    synchronized (this) {
      b = backend;
      backend = null;
    }
    if (b != null) {
      b.close();
    }
  }

  /** Raw events seen since start. */
  long events() {
    return events.get();
  }

  /** Watch failures since start: losses, overflows, failed registrations. */
  long errors() {
    return errors.get();
  }

  private void register(boolean initial) throws IOException {
    boolean wasLost = lost;
    lost = false; // an event from here on sets it again, and its check registers again
    Set<Path> recursiveDirs = new LinkedHashSet<>();
    Set<Path> flatDirs = new LinkedHashSet<>();
    Map<Path, Object> now = new HashMap<>();
    for (WatchedPath w : watched) {
      Object key = directoryKey(w.watchDir());
      now.put(w.watchDir(), key == null ? MISSING : key);
      if (key != null) {
        (w.directory() && recursive ? recursiveDirs : flatDirs).add(w.watchDir());
      }
    }
    // each watched directory's parent too (flat), so that the directory itself being deleted,
    // moved away, replaced or re-created is seen, also while it is missing: inotify reports
    // IN_DELETE_SELF/IN_MOVE_SELF poorly, and a directory re-created at once may even get the
    // same inode number back
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
    if (now.containsValue(MISSING)) {
      checkTimer.scheduleIfIdle(this::check, MISSING_DIR_POLL);
    }
    boolean watching = backend != null || polling;
    if (!wasLost && now.equals(registered) && watching) {
      return;
    }
    if (backend != null) {
      logger.info("watched directories changed {}; registering the watches again",
          now.keySet());
      backend.close();
      backend = null;
    }
    Set<Path> flatAndSentinels = new LinkedHashSet<>(flatDirs);
    flatAndSentinels.addAll(sentinels);
    if (!recursiveDirs.isEmpty() || !flatAndSentinels.isEmpty()) {
      try {
        backend = factory.start(recursiveDirs, flatAndSentinels, this);
      } catch (IOException e) {
        if (!isWatchLimit(e)) {
          registered = null; // try again at the next check
          throw new IOException("cannot watch " + now.keySet() + ": " + e.getMessage()
              + "; check that the paths are readable directories or files", e);
        }
        startPolling(e);
      }
    }
    registered = Map.copyOf(now);
    if (!initial) {
      dirty.markEverything(); // events may have been lost while the watches were not there
      poke.run(); // registered again: scan for what changed while the watches were not there
    }
  }

  private void startPolling(IOException cause) {
    if (polling) {
      return;
    }
    polling = true;
    errors.incrementAndGet();
    health.set(WatchStatus.Condition.POLLING, "cannot register OS file watches ("
        + cause.getMessage() + "): scanning every " + POLL_FALLBACK_INTERVAL.toMillis() + " ms",
        scheduler.instant());
    logger.warn("cannot register OS file watches ({}): falling back to scanning every {} ms."
        + " Raise the limits, e.g. sysctl fs.inotify.max_user_watches=524288 and"
        + " fs.inotify.max_user_instances=512",
        cause.getMessage(), POLL_FALLBACK_INTERVAL.toMillis());
    listener.onWatchError(cause);
    poll();
  }

  private void poll() {
    pollTimer.schedule(() -> {
      poll();
      rescan.run();
    }, POLL_FALLBACK_INTERVAL);
  }

  // ---- the backend's callback, on the watch thread

  @Override
  public void onEvent(Path path, boolean overflow) {
    if (path != null) {
      if (watchDirs.contains(path)) {
        lost = true; // a watched directory itself was created, deleted or moved
        dirty.markEverything();
        checkSoon();
      } else if (path.getParent() != null && sentinelDirs.contains(path.getParent())) {
        return; // a sibling of a watched directory: none of our business
      } else {
        dirty.add(path);
      }
    }
    events.incrementAndGet();
    if (overflow) {
      dirty.markEverything();
      errors.incrementAndGet();
      logger.debug("event overflow: the OS dropped events; rescanning everything");
    } else {
      logger.debug("event [{}]", path);
    }
    listener.onWatchEvent();
    pokeSafely();
  }

  @Override
  public void onError(Exception error) {
    errors.incrementAndGet();
    if (closed) {
      return;
    }
    lost = true;
    dirty.markEverything();
    logger.debug("watch error; checking the watched directories", error);
    listener.onWatchError(error);
    checkSoon();
    pokeSafely();
  }

  private void checkSoon() {
    try {
      checkTimer.schedule(this::check, Duration.ZERO);
    } catch (RejectedExecutionException e) {
      refused(e);
    }
  }

  private void pokeSafely() {
    try {
      poke.run();
    } catch (RejectedExecutionException e) {
      refused(e);
    }
  }

  private void refused(RejectedExecutionException e) {
    if (!closed) {
      logger.error("the scheduler refused work, so changes are no longer acted on: do not shut"
          + " down a scheduler given to the watcher before closing the watcher", e);
    }
  }

  private static boolean underAny(Path path, Set<Path> roots) {
    return roots.stream().anyMatch(path::startsWith);
  }

  /** A directory's identity (inode, or creation time where there is none); null if missing. */
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
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("inotify") || message.contains("too many open files");
  }
}
