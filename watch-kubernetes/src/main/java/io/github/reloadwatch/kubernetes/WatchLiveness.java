package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.reloadwatch.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Is the watch still alive? When the watch path last answered, whether it is failing, and whether
 * it has been silent for longer than the stale bound ({@link Settings#staleAfter}).
 *
 * <p>Only the watch path counts: a list, a watch event, or a bookmark. A bookmark carries no
 * object, so the informer delivers no callback for it; it is seen as a change of the informer's
 * last resource version, read by a timer every quarter of the stale bound and on every status
 * read. A GET (the first one, or an anti-entropy check) refreshes {@link #lastApiContact()} only,
 * never the watch's contact: a stalled watch stays stale however well the GETs go.
 */
final class WatchLiveness {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);
  private static final long NEVER = Long.MIN_VALUE;

  private final ObjectRef ref;
  private final Duration staleAfter;
  /** Where time comes from: the given scheduler, or system time. */
  private final Scheduler time;
  /** The last error of the watch or of a check; shared with {@link AntiEntropy}. */
  private final AtomicReference<String> lastError;

  // written by the engine's start() before the informer and the timer run, then read-only
  private volatile SharedIndexInformer<HasMetadata> informer;
  private volatile long startedNanos;

  // written by informer callbacks (on the client's executor), the timer and status readers
  private volatile long lastWatchContactNanos = NEVER;
  private volatile Instant lastWatchContact;
  private volatile Instant lastApiContact; // also written by any GET
  private volatile String observedSyncVersion;
  private volatile boolean watchFailing;
  private volatile Throwable startFailure;

  /** Replaced by each tick; cancelled by the engine's close(). */
  private volatile Future<?> timer;

  WatchLiveness(ObjectRef ref, Duration staleAfter, Scheduler time,
      AtomicReference<String> lastError) {
    this.ref = ref;
    this.staleAfter = staleAfter;
    this.time = time;
    this.lastError = lastError;
  }

  // ---------------------------------------------------------------- wiring, by start()

  /** The stale bound counts from here until the watch's first contact. */
  void started() {
    startedNanos = time.nanoTime();
  }

  /** The informer whose resource version reveals bookmarks; set before it starts. */
  void follow(SharedIndexInformer<HasMetadata> inf) {
    informer = inf;
  }

  /** The informer's first list is done: its resource version is the list's, not news. */
  void synced() {
    observedSyncVersion = informer.lastSyncResourceVersion();
  }

  void startTimer(Scheduler timers, BooleanSupplier closed) {
    timer = timers.schedule(() -> tick(timers, closed), period());
  }

  void cancelTimer() {
    Future<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** A quarter of the stale bound, so a change of the watch's version is seen in good time. */
  private Duration period() {
    Duration quarter = staleAfter.dividedBy(4);
    return quarter.isZero() ? Duration.ofMillis(1) : quarter;
  }

  private void tick(Scheduler timers, BooleanSupplier closed) {
    if (closed.getAsBoolean()) {
      return;
    }
    observe();
    try {
      timer = timers.schedule(() -> tick(timers, closed), period());
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  // ---------------------------------------------------------------- contacts

  /** Anything the informer delivers: proof the watch path works. */
  void contact() {
    Instant at = time.instant();
    lastWatchContactNanos = time.nanoTime();
    lastWatchContact = at;
    lastApiContact = at;
    if (watchFailing) {
      watchFailing = false;
      lastError.set(null);
      logger.info("watch on {} is back", ref);
    }
  }

  /** A GET answered: the API is reachable, which says nothing about the watch. */
  void apiContact() {
    lastApiContact = time.instant();
  }

  /** A bookmark or event moves the informer's last resource version: the watch is alive. */
  private void observe() {
    SharedIndexInformer<HasMetadata> inf = informer;
    if (inf == null) {
      return;
    }
    String version = inf.lastSyncResourceVersion();
    if (version != null && !version.equals(observedSyncVersion)) {
      observedSyncVersion = version;
      Instant at = time.instant();
      lastWatchContactNanos = time.nanoTime();
      lastWatchContact = at;
      lastApiContact = at;
    }
  }

  /** The informer's exception handler: whether it keeps retrying. */
  boolean onInformerException(boolean started, Throwable t) {
    int code = ApiErrors.code(t);
    String description = ApiErrors.describe(t);
    lastError.set("watch on " + ref + " failed: " + description);
    if (!started && (code == 401 || code == 403)) {
      startFailure = t; // start() turns it into an exception that names the rule
      return false;
    }
    if (!watchFailing) {
      watchFailing = true;
      logger.warn("watch on {} failed ({}): retrying; the files stay as they are", ref,
          description);
    }
    return true; // keep retrying, whatever failed: the informer must never stop by itself
  }

  /** A 401 or 403 that stopped the informer before it started, or null. */
  Throwable startFailure() {
    return startFailure;
  }

  // ---------------------------------------------------------------- for status

  /** Whether the watch path has been silent for longer than the stale bound; reads bookmarks. */
  boolean stale() {
    observe();
    long now = time.nanoTime();
    long since = lastWatchContactNanos == NEVER ? startedNanos : lastWatchContactNanos;
    return now - since > staleAfter.toNanos();
  }

  /** Whether the informer's watch is open now. */
  boolean connected() {
    SharedIndexInformer<HasMetadata> inf = informer;
    return inf != null && inf.isWatching();
  }

  Instant lastWatchContact() {
    return lastWatchContact;
  }

  Instant lastApiContact() {
    return lastApiContact;
  }
}
