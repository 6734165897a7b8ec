package io.github.reloadwatch;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/** The immutable configuration a {@link ReloadWatcher.Builder} produces. */
record Settings(
    List<Path> paths,
    Set<Path> directoriesRequired,
    boolean recursive,
    List<String> includes,
    List<String> excludes,
    Duration debounce,
    Duration maxDelay,
    List<ReloadAction> actions,
    ReloadListener listener,
    boolean reloadOnStart,
    Duration resyncInterval,
    RetryPolicy retry,
    Clock clock,
    LongSupplier ticker,
    ScheduledExecutorService scheduler,
    Duration closeTimeout,
    WatchBackend.Factory backend,
    Path mountInfo,
    List<RenderStep.Render> renders,
    boolean renderStrict,
    Map<String, String> environment,
    List<Validator> validators,
    boolean dryRun) {

  /** Never prints the render environment, whose values may be secrets. */
  @Override
  public String toString() {
    return "Settings{paths=" + paths + ", debounce=" + debounce + ", maxDelay=" + maxDelay
        + ", actions=" + actions.size() + ", renders=" + renders.size() + ", dryRun=" + dryRun
        + "}";
  }
}
