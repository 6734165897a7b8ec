package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.github.reloadwatch.AtomicWriter;
import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.kubernetes.VersionApplier.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle behind {@link KubernetesMaterializer}: the client, the informer, the anti-entropy
 * check and the liveness of the watch.
 *
 * <p>Threads: one apply thread ({@code reloadwatch-kubernetes-N}) that renders and writes, and so
 * never writes two versions at once; one check thread ({@code reloadwatch-kubernetes-check-N})
 * for the anti-entropy GET, so that a slow API never delays a write. The informer's callbacks run
 * on the client's executor and only hand work to the apply thread. Timers run on the {@link
 * Scheduler} (by default on the apply thread).
 *
 * <p>Liveness: only the watch path counts (a list, a watch event, or a bookmark seen as a change of
 * the informer's last resource version). The anti-entropy GET repairs the files but never makes
 * the watch look alive: a stalled watch stays stale however well the GETs go.
 */
final class MaterializerEngine {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);
  private static final AtomicInteger counter = new AtomicInteger();
  private static final long NEVER = Long.MIN_VALUE;

  /** The lifecycle, with the step between NEW and RUNNING that status() reports as NEW. */
  private enum State {
    NEW,
    STARTING,
    RUNNING,
    CLOSED
  }

  private final Settings settings;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  // written by start() before any other thread of ours runs, then read-only
  private volatile ObjectRef ref;
  private volatile KubernetesClient client;
  private volatile boolean ownsClient;
  private volatile VersionApplier applier;
  private volatile SharedIndexInformer<HasMetadata> informer;
  private volatile ScheduledThreadPoolExecutor applyThread;
  private volatile ExecutorService checkThread;
  /** Where time comes from: the given scheduler, or system time. */
  private volatile Scheduler time = Scheduler.system();
  /** Where timers run: the given scheduler, or the apply thread. */
  private volatile Scheduler timers;
  private volatile Future<?> antiEntropyTimer;
  private volatile Future<?> livenessTimer;

  private final AtomicBoolean reconcilePending = new AtomicBoolean();
  private final AtomicBoolean checkRunning = new AtomicBoolean();
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong driftRepairs = new AtomicLong();

  // liveness, written by informer callbacks and timers
  private volatile long startedNanos;
  private volatile long lastWatchContactNanos = NEVER;
  private volatile Instant lastWatchContact;
  private volatile Instant lastApiContact;
  private volatile String observedSyncVersion;
  private volatile boolean listSucceeded;
  private volatile String lastError; // of the watch or a check
  private volatile String applyError; // of the last apply; cleared by a good one
  private volatile boolean watchFailing;
  private volatile boolean checkFailing;
  private volatile Throwable startFailure;

  /**
   * The informer's state known to be older than a version an anti-entropy check wrote: ignored
   * until the informer moves on. Confined to the apply thread.
   */
  private String staleInformerMarker;

  /** Whether a degraded state was already logged, so it is logged once per episode. */
  private String loggedDegraded;

  MaterializerEngine(Settings settings) {
    this.settings = settings;
    this.ref = settings.source;
  }

  // ---------------------------------------------------------------- lifecycle

  void start() throws IOException {
    begin();
    try {
      open();
      HasMetadata seed = get();
      applyOrThrow(seed);
      startThreads();
      startInformer(seed);
      startTimers();
      if (!state.compareAndSet(State.STARTING, State.RUNNING)) {
        throw new IllegalStateException("materializer closed while starting");
      }
      logger.info("materializing {} into [{}]: watching by name{}", ref, settings.directory,
          settings.antiEntropyInterval.isZero() ? ""
              : ", anti-entropy check every " + settings.antiEntropyInterval);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  boolean syncOnce() throws IOException {
    begin();
    try {
      open();
      HasMetadata object = get();
      if (object == null && !settings.optional) {
        throw new KubernetesNotFoundException(ref + " not found: create it, or make the"
            + " materializer optional to write an empty directory");
      }
      return applier.apply(object) == Outcome.WRITTEN;
    } finally {
      close();
    }
  }

  private void begin() {
    if (!state.compareAndSet(State.NEW, State.STARTING)) {
      throw new IllegalStateException(state.get() == State.CLOSED
          ? "materializer already closed" : "materializer already started");
    }
  }

  /** The client, the namespace, the directory; no request yet. */
  private void open() throws IOException {
    if (settings.client != null) {
      client = settings.client;
    } else {
      KubernetesClientBuilder builder = new KubernetesClientBuilder()
          .withHttpClientFactory(new JdkHttpClientFactory());
      if (settings.config != null) {
        builder.withConfig(settings.config);
      }
      client = builder.build();
      ownsClient = true;
    }
    ref = Namespaces.resolve(settings.source, client, settings.podNamespaceFile);
    if (settings.scheduler != null) {
      time = settings.scheduler;
    }
    AtomicWriter writer = AtomicWriter.forDirectory(settings.directory);
    applier = new VersionApplier(
        ref, writer, settings.items, settings.mode(), settings.optional, time);
    if (ref.kind() == ObjectRef.Kind.SECRET) {
      warnIfOnDisk(writer.directory());
    }
  }

  private void warnIfOnDisk(Path dir) {
    try {
      String type = Files.getFileStore(dir).type();
      if (!type.equals("tmpfs") && !type.equals("ramfs")) {
        logger.warn("{} is written into [{}] on a {} file system, so its values reach a disk:"
            + " use a memory-backed directory (an emptyDir with medium: Memory, or a tmpfs)",
            ref, dir, type);
      }
    } catch (IOException e) {
      logger.warn("cannot tell whether [{}] is memory-backed ({}): make sure it is, for {}",
          dir, e.getMessage(), ref);
    }
  }

  private void startThreads() {
    applyThread = new ScheduledThreadPoolExecutor(1, factory("kubernetes"));
    applyThread.setRemoveOnCancelPolicy(true);
    checkThread = Executors.newSingleThreadExecutor(factory("kubernetes-check"));
    timers = settings.scheduler != null ? settings.scheduler : Scheduler.of(applyThread);
    startedNanos = time.nanoTime();
  }

  private ThreadFactory factory(String role) {
    return runnable -> {
      Thread thread = new Thread(runnable, "reloadwatch-" + role + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      threads.add(thread);
      return thread;
    };
  }

  private void startInformer(HasMetadata seed) throws IOException {
    SharedIndexInformer<HasMetadata> inf = ref.resource(client).runnableInformer(0);
    // seeding makes the informer's first list a quorum read instead of one from the watch cache,
    // which may lag the GET we just wrote from (a restarted sidecar would then go backwards)
    inf.initialState(seed == null ? Stream.empty() : Stream.of(seed));
    inf.exceptionHandler(this::onInformerException);
    inf.addEventHandler(new Handler());
    informer = inf;
    CompletableFuture<Void> started = inf.start().toCompletableFuture();
    try {
      started.get(settings.startTimeout.toNanos(), TimeUnit.NANOSECONDS);
      observedSyncVersion = inf.lastSyncResourceVersion(); // the list's: not news
    } catch (TimeoutException e) {
      logger.warn("no watch on {} after {}: retrying in the background; the files from the first"
          + " GET stay in place", ref, settings.startTimeout);
    } catch (ExecutionException e) {
      Throwable cause = startFailure != null ? startFailure : e.getCause();
      throw ApiErrors.translate(ref, listSucceeded ? "watch" : "list", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the watch on " + ref, e);
    }
  }

  private void startTimers() {
    if (!settings.antiEntropyInterval.isZero()) {
      antiEntropyTimer = timers.schedule(this::antiEntropyTick, settings.antiEntropyInterval);
    }
    livenessTimer = timers.schedule(this::livenessTick, livenessPeriod());
  }

  /** A quarter of the stale bound, so a change of the watch's version is seen in good time. */
  private Duration livenessPeriod() {
    Duration quarter = settings.staleAfter.dividedBy(4);
    return quarter.isZero() ? Duration.ofMillis(1) : quarter;
  }

  void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.CLOSED) {
      return;
    }
    cancel(antiEntropyTimer);
    cancel(livenessTimer);
    SharedIndexInformer<HasMetadata> inf = informer;
    if (inf != null) {
      inf.stop();
    }
    ExecutorService apply = applyThread;
    ExecutorService check = checkThread;
    if (apply != null) {
      apply.shutdownNow();
    }
    if (check != null) {
      check.shutdownNow();
    }
    boolean ownThread = threads.contains(Thread.currentThread());
    if (!ownThread) {
      await(apply);
      await(check);
    }
    for (Thread thread : threads) {
      if (thread != Thread.currentThread()) {
        try {
          thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    KubernetesClient owned = ownsClient ? client : null;
    if (owned != null) {
      owned.close();
    }
    if (previous == State.RUNNING) {
      logger.info("stopped materializing {} into [{}]", ref, settings.directory);
    }
  }

  private static void cancel(Future<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private static void await(ExecutorService executor) {
    if (executor == null) {
      return;
    }
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        logger.warn("a materializer thread did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  MaterializerStatus.State state() {
    return switch (state.get()) {
      case NEW, STARTING -> MaterializerStatus.State.NEW;
      case RUNNING -> MaterializerStatus.State.RUNNING;
      case CLOSED -> MaterializerStatus.State.CLOSED;
    };
  }

  ObjectRef ref() {
    return ref;
  }

  // ---------------------------------------------------------------- reading the API

  /** A quorum GET by name: the newest version, or null if the object does not exist. */
  private HasMetadata get() throws KubernetesApiException {
    HasMetadata object;
    try {
      object = ref.resource(client).get();
    } catch (RuntimeException e) {
      throw ApiErrors.translate(ref, "get", e);
    }
    lastApiContact = now();
    return object;
  }

  /** The object as the informer has it now, or null. */
  private HasMetadata fromInformer() {
    SharedIndexInformer<HasMetadata> inf = informer;
    if (inf == null) {
      return null;
    }
    for (HasMetadata o : inf.getStore().list()) {
      if (o.getMetadata() != null && ref.name().equals(o.getMetadata().getName())) {
        return o;
      }
    }
    return null;
  }

  private final class Handler implements ResourceEventHandler<HasMetadata> {
    @Override
    public void onAdd(HasMetadata obj) {
      watchContact();
    }

    @Override
    public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
      watchContact();
    }

    @Override
    public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
      watchContact();
    }

    @Override
    public void onList(String resourceVersion, boolean remainedEmpty) {
      listSucceeded = true;
      watchContact();
    }
  }

  /** Anything the informer delivers: proof the watch path works, and a reason to reconcile. */
  private void watchContact() {
    Instant at = now();
    lastWatchContactNanos = time.nanoTime();
    lastWatchContact = at;
    lastApiContact = at;
    if (watchFailing) {
      watchFailing = false;
      lastError = null;
      logger.info("watch on {} is back", ref);
    }
    requestReconcile();
  }

  private boolean onInformerException(boolean started, Throwable t) {
    int code = ApiErrors.code(t);
    String description = ApiErrors.describe(t);
    lastError = "watch on " + ref + " failed: " + description;
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

  // ---------------------------------------------------------------- applying

  private void requestReconcile() {
    if (reconcilePending.compareAndSet(false, true)) {
      try {
        applyThread.execute(this::reconcile);
      } catch (RejectedExecutionException e) {
        reconcilePending.set(false); // closed
      }
    }
  }

  /** Test seam: a reconcile on the apply thread, as a late informer callback would cause. */
  CompletableFuture<Void> reconcileNow() {
    return CompletableFuture.runAsync(this::reconcile, applyThread);
  }

  /** Level-triggered: renders whatever the informer holds now, never the event that woke it. */
  private void reconcile() {
    reconcilePending.set(false);
    HasMetadata current = fromInformer();
    String marker = VersionApplier.marker(current);
    if (staleInformerMarker != null) {
      if (staleInformerMarker.equals(marker)) {
        logger.debug("{}: the informer still holds {}, older than what the last check wrote",
            ref, marker);
        return;
      }
      staleInformerMarker = null;
    }
    applyLogged(current);
  }

  /** Applies and logs the outcome; returns null if nothing could be applied. */
  private Outcome applyLogged(HasMetadata object) {
    try {
      return applyOrThrow(object);
    } catch (IOException e) {
      applyError = "cannot write [" + settings.directory + "]: " + e;
      logger.warn("cannot write {} into [{}]: {}; the next change or check tries again", ref,
          settings.directory, e.toString());
      return null;
    }
  }

  /** Like {@link #applyLogged}, but a write failure is thrown: at start, it fails start(). */
  private Outcome applyOrThrow(HasMetadata object) throws IOException {
    try {
      Outcome outcome = applier.apply(object);
      applyError = null;
      if (outcome == Outcome.KEPT_DELETED) {
        logDegradedOnce(applier.degradedReason());
      } else {
        loggedDegraded = null;
      }
      return outcome;
    } catch (InvalidPayloadException e) {
      applyError = e.getMessage();
      logDegradedOnce(e.getMessage());
      return null;
    }
  }

  private void logDegradedOnce(String reason) {
    if (!reason.equals(loggedDegraded)) {
      loggedDegraded = reason;
      logger.warn("{}", reason);
    }
  }

  // ---------------------------------------------------------------- anti-entropy

  private void antiEntropyTick() {
    if (state.get() == State.CLOSED) {
      return;
    }
    try {
      antiEntropyTimer = timers.schedule(this::antiEntropyTick, settings.antiEntropyInterval);
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
      String before = VersionApplier.marker(fromInformer());
      HasMetadata fetched;
      try {
        fetched = get();
      } catch (KubernetesApiException e) {
        lastError = "anti-entropy check: " + e.getMessage();
        if (!checkFailing) {
          checkFailing = true;
          logger.warn("anti-entropy check of {} failed: {}", ref, e.getMessage());
        }
        return;
      }
      if (checkFailing) {
        checkFailing = false;
        String error = lastError;
        if (error != null && error.startsWith("anti-entropy check")) {
          lastError = null;
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
    String now = VersionApplier.marker(fromInformer());
    if (!now.equals(before) || reconcilePending.get()) {
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
      applyLogged(fetched); // the informer has it and a reconcile is on its way
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
    Outcome outcome = applyLogged(fetched);
    if (outcome == Outcome.WRITTEN || outcome == Outcome.KEPT_DELETED) {
      driftRepairs.incrementAndGet();
    }
  }

  // ---------------------------------------------------------------- liveness

  private void livenessTick() {
    if (state.get() == State.CLOSED) {
      return;
    }
    observeWatch();
    try {
      livenessTimer = timers.schedule(this::livenessTick, livenessPeriod());
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  /** A bookmark or event moves the informer's last resource version: the watch is alive. */
  private void observeWatch() {
    SharedIndexInformer<HasMetadata> inf = informer;
    if (inf == null) {
      return;
    }
    String version = inf.lastSyncResourceVersion();
    if (version != null && !version.equals(observedSyncVersion)) {
      observedSyncVersion = version;
      Instant at = now();
      lastWatchContactNanos = time.nanoTime();
      lastWatchContact = at;
      lastApiContact = at;
    }
  }

  private Instant now() {
    return time.instant();
  }

  // ---------------------------------------------------------------- status

  MaterializerStatus status() {
    MaterializerStatus.Builder b = new MaterializerStatus.Builder();
    b.state = state();
    b.source = ref.toString();
    b.directory = settings.directory;
    VersionApplier a = applier;
    SharedIndexInformer<HasMetadata> inf = informer;
    if (b.state == MaterializerStatus.State.RUNNING) {
      observeWatch();
      long now = time.nanoTime();
      long since = lastWatchContactNanos == NEVER ? startedNanos : lastWatchContactNanos;
      b.stale = now - since > settings.staleAfter.toNanos();
      b.connected = inf != null && inf.isWatching();
    }
    b.lastWatchContact = lastWatchContact;
    b.lastApiContact = lastApiContact;
    if (a != null) {
      b.ready = a.ready();
      b.resourceVersion = a.resourceVersion();
      b.writes = a.writes();
      b.lastWrite = a.lastWrite();
      b.degradedReason = a.degradedReason();
    }
    b.checks = checks.get();
    b.driftRepairs = driftRepairs.get();
    b.lastError = applyError != null ? applyError : lastError;
    if (b.lastError == null && b.state == MaterializerStatus.State.RUNNING && !b.connected) {
      b.lastError = "watch on " + ref + " is not open: reconnecting";
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "MaterializerEngine{" + ref + " -> " + settings.directory + ", " + state() + "}";
  }
}
