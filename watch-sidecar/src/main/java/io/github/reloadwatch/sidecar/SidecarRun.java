package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * The sidecar's life: everything is built (so bad arguments fail before anything starts), then the
 * status server and the SIGTERM hook come up, the {@code --from-*} objects are written (see {@link
 * KubernetesSources}, referred to only when such an option is given), missing paths are awaited
 * with the probes served, the watcher starts, and the run ends on SIGTERM or SIGINT with status 0.
 * A start-up failure exits with 1.
 */
final class SidecarRun {

  private final SidecarOptions o;
  private final AtomicReference<ReloadWatcher> running = new AtomicReference<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final StatusServer.State state = new StatusServer.State();
  private volatile StatusServer server;
  /** The --from-* objects, or null without them (then no Kubernetes class is ever loaded). */
  private volatile KubernetesSources sources;

  SidecarRun(SidecarOptions options) {
    this.o = options;
  }

  /**
   * Runs until SIGTERM.
   *
   * @return the exit status: 0 when stopped or done ({@code --once}), 1 on a start-up failure
   * @throws UsageException on bad arguments, before anything started
   */
  int run() throws InterruptedException {
    Logger logger = Sidecar.logger();
    List<ApiObject> fromApi = ApiObject.plan(o);
    // checks the names as the API server would; loads the Kubernetes classes only if needed
    KubernetesSources fromKubernetes = fromApi.isEmpty() ? null
        : KubernetesSources.fromOptions(fromApi);
    List<Path> paths = new ArrayList<>(o.watch);
    fromApi.forEach(object -> paths.add(object.directory()));
    SidecarMetrics metrics = new SidecarMetrics();
    ConfigmapReloadMetrics perTarget = new ConfigmapReloadMetrics(metrics.registry());
    List<TargetAction> targets = new Targets(o, perTarget, System::nanoTime).build();
    metrics.registerTargets(targets);
    ReloadWatcher watcher = WatcherAssembly.build(o, paths, targets, metrics.listener(), perTarget);
    metrics.track(watcher);
    if (fromKubernetes != null) {
      fromKubernetes.registerMetrics(metrics.registry());
      state.sources = fromKubernetes::health;
      sources = fromKubernetes;
    }

    if (!o.listenAddress.isEmpty()) {
      try {
        server = StatusServer.start(Conversions.listenAddress(o.listenAddress), o.metricsPath,
            state, metrics.registry(), Clock.systemUTC(), o.unhealthyAfter);
      } catch (IOException e) {
        logger.error("cannot start: {}", e.getMessage());
        return 1;
      }
      logger.info("serving /healthz /readyz {} on port {}", o.metricsPath, server.port());
    }
    Thread hook = new Thread(this::shutdown, "reloadwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (sources != null && !materialize(logger)) {
      stop(hook);
      return 1;
    }
    if (!awaitPaths(logger)) {
      return 0; // stopped while waiting; the hook ends the process
    }
    running.set(watcher);
    try {
      watcher.start();
    } catch (IOException e) {
      logger.error("cannot start: {}", e.getMessage());
      stop(hook);
      return 1;
    }
    state.watcher = watcher::status;
    if (o.once) {
      boolean rendered = watcher.status().lastError().isEmpty();
      if (!rendered) {
        logger.error("--once: the outputs could not be rendered: {}",
            watcher.status().lastError().get());
      }
      stop(hook);
      return rendered ? 0 : 1;
    }
    logger.info("ready ({} front end): targets {}{}{}", o.frontEnd,
        targets.stream().map(TargetAction::name).toList(),
        fromApi.isEmpty() ? "" : "; from the Kubernetes API: " + fromApi.stream()
            .map(a -> a.describe() + " -> " + a.directory()).toList(),
        server == null ? "; no status server (--listen-address is empty)" : "");
    stopping.await();
    return 0;
  }

  /**
   * Writes the --from-* objects: once and closed with --once, else kept up to date. False after
   * logging why they could not be (a 403 names the RBAC rule; a missing object, its namespace).
   */
  private boolean materialize(Logger logger) {
    try {
      if (o.once) {
        sources.syncOnce();
        logger.info("--once: the Kubernetes objects are written; not watching them");
      } else {
        sources.start();
      }
      return true;
    } catch (IOException e) {
      logger.error("cannot start: {}", e.getMessage());
      return false;
    }
  }

  /** Waits for --wait-for-dirs, serving probes; false if the sidecar was stopped meanwhile. */
  private boolean awaitPaths(Logger logger) throws InterruptedException {
    long deadline = System.nanoTime() + o.waitForDirs.toNanos();
    boolean told = false;
    while (true) {
      List<Path> missing = o.watch.stream().filter(p -> !Files.exists(p)).toList();
      state.waitingFor = missing;
      if (missing.isEmpty() || System.nanoTime() - deadline >= 0) {
        state.waitingFor = List.of();
        return true; // start() reports what is still missing, with the path and the fix
      }
      if (!told) {
        logger.info("waiting up to {} s for {} to appear", o.waitForDirs.toSeconds(), missing);
        told = true;
      }
      if (stopping.await(200, TimeUnit.MILLISECONDS)) {
        return false;
      }
    }
  }

  /** Closes what runs, without waiting for SIGTERM (start-up failure, --once). */
  private void stop(Thread hook) {
    Runtime.getRuntime().removeShutdownHook(hook);
    ReloadWatcher watcher = running.getAndSet(null);
    if (watcher != null) {
      watcher.close();
    }
    closeSources();
    if (server != null) {
      server.close();
    }
  }

  /** Stops the --from-* materializers and closes their client; the files stay. */
  private void closeSources() {
    KubernetesSources fromKubernetes = sources;
    if (fromKubernetes != null) {
      fromKubernetes.close();
    }
  }

  /**
   * On SIGTERM/SIGINT: closes the watcher (a running reload gets {@code --close-timeout}, then its
   * whole process tree is killed) and the server, then exits with 0.
   */
  private void shutdown() {
    ReloadWatcher watcher = running.getAndSet(null);
    if (watcher != null) {
      Sidecar.logger().info("stopping");
      watcher.close();
    }
    closeSources();
    if (server != null) {
      server.close();
    }
    stopping.countDown();
    // a JVM ended by SIGTERM exits with 143; a sidecar stopped on purpose reports success
    Runtime.getRuntime().halt(0);
  }
}
