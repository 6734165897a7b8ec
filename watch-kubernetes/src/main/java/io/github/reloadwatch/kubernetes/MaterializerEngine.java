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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle behind {@link KubernetesMaterializer}, and the wiring of its parts: it opens the
 * client, reads the object, starts the threads and the informer, hands each informer callback to
 * the apply thread as a reconcile, assembles the status, and stops it all. The parts answer the
 * other questions: {@link ReportingApplier} (how a version is applied and reported), {@link
 * AntiEntropy} (how drift is repaired), {@link WatchLiveness} (whether the watch is alive), {@link
 * MaterializerThreads} (which threads run, and how they stop).
 *
 * <p>Threads: the apply thread renders and writes, the check thread runs the anti-entropy GET (see
 * {@link MaterializerThreads}). The informer's callbacks run on the client's executor and only
 * hand work to the apply thread. Timers run on the {@link Scheduler} (by default on the apply
 * thread).
 *
 * <p>Liveness: only the watch path counts (see {@link WatchLiveness}). The anti-entropy GET repairs
 * the files but never makes the watch look alive.
 */
final class MaterializerEngine {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);

  /** The lifecycle, with the step between NEW and RUNNING that status() reports as NEW. */
  private enum State {
    NEW,
    STARTING,
    RUNNING,
    CLOSED
  }

  private final Settings settings;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  // written by start() before any other thread of ours runs, then read-only
  private volatile ObjectRef ref;
  private volatile KubernetesClient client;
  private volatile boolean ownsClient;
  private volatile VersionApplier applier;
  private volatile ReportingApplier applying;
  private volatile WatchLiveness liveness; // from open(): a GET is an API contact
  private volatile AntiEntropy antiEntropy; // from startThreads()
  private volatile SharedIndexInformer<HasMetadata> informer;
  private volatile MaterializerThreads threads;
  /** Where time comes from: the given scheduler, or system time. */
  private volatile Scheduler time = Scheduler.system();
  /** Where timers run: the given scheduler, or the apply thread. */
  private volatile Scheduler timers;

  /** Set while a reconcile is queued on the apply thread, so callbacks never pile up. */
  private final AtomicBoolean reconcilePending = new AtomicBoolean();
  /** The last error of the watch or of a check: written by WatchLiveness and AntiEntropy. */
  private final AtomicReference<String> lastError = new AtomicReference<>();
  /** Whether the informer's list succeeded, so a start failure names the list or the watch. */
  private volatile boolean listSucceeded;

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
      applying.applyOrThrow(seed);
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
    applying = new ReportingApplier(ref, settings.directory, applier);
    liveness = new WatchLiveness(ref, settings.staleAfter, time, lastError);
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
    MaterializerThreads t = new MaterializerThreads();
    threads = t;
    timers = settings.scheduler != null ? settings.scheduler : Scheduler.of(t.apply);
    liveness.started();
    antiEntropy = new AntiEntropy(this, ref, settings, applier, applying, t.check, t.apply,
        timers, lastError);
  }

  private void startInformer(HasMetadata seed) throws IOException {
    SharedIndexInformer<HasMetadata> inf = ref.resource(client).runnableInformer(0);
    // seeding makes the informer's first list a quorum read instead of one from the watch cache,
    // which may lag the GET we just wrote from (a restarted sidecar would then go backwards)
    inf.initialState(seed == null ? Stream.empty() : Stream.of(seed));
    inf.exceptionHandler(liveness::onInformerException);
    inf.addEventHandler(new Handler());
    informer = inf;
    liveness.follow(inf);
    CompletableFuture<Void> started = inf.start().toCompletableFuture();
    try {
      started.get(settings.startTimeout.toNanos(), TimeUnit.NANOSECONDS);
      liveness.synced();
    } catch (TimeoutException e) {
      logger.warn("no watch on {} after {}: retrying in the background; the files from the first"
          + " GET stay in place", ref, settings.startTimeout);
    } catch (ExecutionException e) {
      Throwable refused = liveness.startFailure();
      Throwable cause = refused != null ? refused : e.getCause();
      throw ApiErrors.translate(ref, listSucceeded ? "watch" : "list", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the watch on " + ref, e);
    }
  }

  private void startTimers() {
    antiEntropy.startTimer();
    liveness.startTimer(timers, this::closed);
  }

  void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.CLOSED) {
      return;
    }
    AntiEntropy checker = antiEntropy;
    if (checker != null) {
      checker.cancelTimer();
    }
    WatchLiveness watch = liveness;
    if (watch != null) {
      watch.cancelTimer();
    }
    SharedIndexInformer<HasMetadata> inf = informer;
    if (inf != null) {
      inf.stop();
    }
    MaterializerThreads t = threads;
    if (t != null) {
      t.stop();
    }
    KubernetesClient owned = ownsClient ? client : null;
    if (owned != null) {
      owned.close();
    }
    if (previous == State.RUNNING) {
      logger.info("stopped materializing {} into [{}]", ref, settings.directory);
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

  boolean closed() {
    return state.get() == State.CLOSED;
  }

  // ---------------------------------------------------------------- reading the API

  /** A quorum GET by name: the newest version, or null if the object does not exist. */
  HasMetadata get() throws KubernetesApiException {
    HasMetadata object;
    try {
      object = ref.resource(client).get();
    } catch (RuntimeException e) {
      throw ApiErrors.translate(ref, "get", e);
    }
    liveness.apiContact();
    return object;
  }

  /** The object as the informer has it now, or null. */
  HasMetadata fromInformer() {
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
    liveness.contact();
    requestReconcile();
  }

  // ---------------------------------------------------------------- reconciling

  private void requestReconcile() {
    if (reconcilePending.compareAndSet(false, true)) {
      try {
        threads.apply.execute(this::reconcile);
      } catch (RejectedExecutionException e) {
        reconcilePending.set(false); // closed
      }
    }
  }

  /** Test seam: a reconcile on the apply thread, as a late informer callback would cause. */
  CompletableFuture<Void> reconcileNow() {
    return CompletableFuture.runAsync(this::reconcile, threads.apply);
  }

  /** Level-triggered: renders whatever the informer holds now, never the event that woke it. */
  private void reconcile() {
    reconcilePending.set(false);
    HasMetadata current = fromInformer();
    if (antiEntropy.suppresses(VersionApplier.marker(current))) {
      return;
    }
    applying.applyLogged(current);
  }

  boolean reconcilePending() {
    return reconcilePending.get();
  }

  // ---------------------------------------------------------------- status

  MaterializerStatus status() {
    MaterializerStatus.Builder b = new MaterializerStatus.Builder();
    b.state = state();
    ObjectRef object = ref;
    b.source = object.toString();
    b.kind = object.kind().singular;
    b.namespace = object.namespace();
    b.name = object.name();
    b.directory = settings.directory;
    VersionApplier a = applier;
    WatchLiveness watch = liveness;
    if (b.state == MaterializerStatus.State.RUNNING) {
      b.stale = watch.stale();
      b.connected = watch.connected();
    }
    if (watch != null) {
      b.lastWatchContact = watch.lastWatchContact();
      b.lastApiContact = watch.lastApiContact();
    }
    if (a != null) {
      b.ready = a.ready();
      b.resourceVersion = a.resourceVersion();
      b.writes = a.writes();
      b.lastWrite = a.lastWrite();
      b.degradedReason = a.degradedReason();
      b.missing = a.missing();
    }
    AntiEntropy checker = antiEntropy;
    if (checker != null) {
      b.checks = checker.checks();
      b.driftRepairs = checker.driftRepairs();
    }
    ReportingApplier reporting = applying;
    String applyError = reporting == null ? null : reporting.error();
    b.lastError = applyError != null ? applyError : lastError.get();
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
