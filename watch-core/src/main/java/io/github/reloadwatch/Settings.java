package io.github.reloadwatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A watcher's options, each written once here with its default. {@link ReloadWatcher.Builder}
 * sets them on its own instance and {@link ReloadWatcher.Builder#build()} hands out a {@link
 * #copy()}, which nothing writes again: every list or set here is immutable and replaced, never
 * changed, so a shallow copy is a full one. Adding an option is therefore two edits: a field here
 * and a setter on the builder.
 *
 * <p>Not thread-safe while a builder owns it; effectively immutable once built (published to the
 * watcher's threads by starting them).
 */
final class Settings implements Cloneable {

  List<Path> paths = List.of();
  Set<Path> directoriesRequired = Set.of();
  boolean recursive;
  List<String> includes = List.of();
  List<String> excludes = List.of();
  /** Regular expressions found anywhere in a file's path leave it out. */
  List<java.util.regex.Pattern> excludePatterns = List.of();
  Duration debounce = ReloadWatcher.DEFAULT_DEBOUNCE;
  Duration maxDelay = ReloadWatcher.DEFAULT_MAX_DELAY;
  /** The actions of the default target, run together. */
  List<ReloadAction> actions = List.of();
  /** Independent targets, each with its own decision and retries. */
  List<TargetSpec> targets = List.of();
  /** Called in this order; each one's exception is logged and ignored. */
  List<ReloadListener> listeners = List.of();
  boolean reloadOnStart;
  Duration resyncInterval = ReloadWatcher.DEFAULT_RESYNC_INTERVAL;
  RetryPolicy retry = RetryPolicy.defaults();
  /** Null: the watcher creates its own thread and scheduler on system time. */
  Scheduler scheduler;
  Duration closeTimeout = ReloadWatcher.DEFAULT_CLOSE_TIMEOUT;
  WatchBackend.Factory backend = DirectoryWatcherAdapter.FACTORY;
  Path mountInfo = Path.of("/proc/self/mountinfo");
  List<RenderStep.Render> renders = List.of();
  boolean renderStrict = true;
  TemplateSyntax renderSyntax = TemplateSyntax.DOLLAR_BRACES;
  /** Null: the process environment. */
  Map<String, String> environment;
  /** Process environment variables templates may read: names, or prefixes ending in '*'. */
  Set<String> renderAllowEnv = Set.of();
  /** Files and directories {@code ${file:...}} may read. */
  List<Path> renderAllowFiles = List.of();
  /** Null: 0640 when a value was substituted, else 0644. */
  Integer renderOutputMode;
  /** Null: the process's group. */
  String renderOutputGroup;
  List<Validator> validators = List.of();
  boolean dryRun;

  /** A target added with {@code addTarget(name, action)}. */
  record TargetSpec(String name, ReloadAction action) {}

  /** Every action of every target, in the order they were added to their target. */
  List<ReloadAction> allActions() {
    List<ReloadAction> all = new ArrayList<>(actions);
    targets.forEach(t -> all.add(t.action()));
    return List.copyOf(all);
  }

  /** Returns a copy; see the class comment for why a shallow one suffices. */
  Settings copy() {
    try {
      return (Settings) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError("Settings is Cloneable", e);
    }
  }

  /** Returns {@code list} with {@code element} appended, as a new immutable list. */
  /** The set with one more element, as an immutable copy. */
  static <T> Set<T> with(Set<T> set, T element) {
    Set<T> result = new java.util.LinkedHashSet<>(set);
    result.add(element);
    return Set.copyOf(result);
  }

  static <T> List<T> append(List<T> list, T element) {
    List<T> result = new ArrayList<>(list);
    result.add(element);
    return List.copyOf(result);
  }

  /** Never prints the render environment, whose values may be secrets. */
  @Override
  public String toString() {
    return "Settings{paths=" + paths + ", debounce=" + debounce + ", maxDelay=" + maxDelay
        + ", actions=" + actions.size() + ", targets=" + targets.size() + ", renders=" + renders.size() + ", dryRun=" + dryRun
        + "}";
  }
}
