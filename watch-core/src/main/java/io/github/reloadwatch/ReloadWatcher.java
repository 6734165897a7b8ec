package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

/**
 * Watches configuration files and runs {@link ReloadAction}s when their content really changed.
 *
 * <pre>{@code
 * try (ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(Path.of("/etc/prometheus"))
 *     .addAction(CommandReloadAction.of("curl", "-fsS", "-X", "POST",
 *         "http://localhost:9090/-/reload"))
 *     .build()) {
 *   watcher.start();
 *   // ... runs until closed
 * }
 * }</pre>
 *
 * <p>How it decides: any file system event only starts a quiet period ({@link
 * Builder#debounce(Duration)}); when it ends, every watched path is resolved (through a Kubernetes
 * volume's {@code ..data} link, pinned once per scan) and hashed. Only if the set of (logical path,
 * content digest) differs from the one last applied successfully do the actions run. So a burst of
 * events is one reload, a {@code touch} or an identical ConfigMap update is none, and a kubelet
 * {@code ..data} swap is exactly one, never a half one.
 *
 * <p>Lifecycle: {@link #builder()} → {@link Builder#build()} (pure, no I/O) → {@link #start()}
 * (registers OS watches and takes the initial snapshot) → {@link #close()}. A watcher cannot be
 * restarted; use {@link #toBuilder()} to make another.
 *
 * <p>Threads: one watch thread ({@code reloadwatch-watch-N}) that only forwards events, and one
 * reload thread ({@code reloadwatch-reload-N}) that scans, hashes and runs the actions serially,
 * unless you supply your own {@link Builder#scheduler(Scheduler) scheduler}. Both
 * are daemon threads and stop on {@link #close()}.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class ReloadWatcher implements AutoCloseable {

  /** The default quiet period: 250 ms. */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(250);

  /** The default longest delay between the first event of a burst and the reload: 5 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(5);

  /** The default interval of the safety rescan that catches unreported changes: 3 min. */
  public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofMinutes(3);

  /** The default time {@link #close()} waits for a running reload: 10 s. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Settings settings;
  private final ReloadEngine engine;

  private ReloadWatcher(Settings settings) {
    this.settings = settings;
    this.engine = new ReloadEngine(settings);
  }

  /**
   * Returns a new builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder with this watcher's configuration, to derive a variant or a replacement.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(settings.copy());
  }

  /**
   * Registers the OS watches and takes the initial snapshot, then returns. A change made after this
   * method returns is never missed. With {@link Builder#reloadOnStart(boolean)} a first reload is
   * scheduled; otherwise the initial content is taken as already applied.
   *
   * @throws IOException if a path is missing, unreadable, of the wrong type, a symbolic link loop,
   *     or cannot be watched; the message names the path and what to do. The watcher is then
   *     closed.
   * @throws IllegalStateException if the watcher was already started or closed
   */
  public void start() throws IOException {
    engine.start();
  }

  /**
   * Reloads now, even if the content did not change, for example after the target restarted. The
   * reload runs on the reload thread after any reload already running.
   *
   * @throws IllegalStateException if the watcher is not running
   */
  public void reloadNow() {
    engine.reloadNow();
  }

  /**
   * Returns the watcher's state and counters.
   *
   * @return an immutable snapshot of the status
   */
  public WatchStatus status() {
    return engine.status();
  }

  /**
   * Returns the watched paths, absolute and normalized, in the order they were added.
   *
   * @return an unmodifiable list
   */
  public List<Path> paths() {
    return settings.paths;
  }

  /**
   * Stops watching, waits up to the {@linkplain Builder#closeTimeout(Duration) close timeout} for a
   * running reload, then interrupts it, and stops every thread the watcher started. Idempotent;
   * callable from any thread, including from inside an action.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "ReloadWatcher{paths=" + settings.paths + ", state=" + engine.state() + "}";
  }

  /**
   * Configures a {@link ReloadWatcher}. Setters check their argument; {@link #build()} checks
   * combinations. The last call of a setter wins.
   *
   * <p>This class is not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Settings s;

    private Builder() {
      this(new Settings());
    }

    private Builder(Settings settings) {
      this.s = settings;
    }

    /**
     * Adds a path to watch: a directory, whose visible files form the watched set, or a single
     * file. A Kubernetes ConfigMap or Secret volume (the {@code ..data} layout) is detected; watch
     * the mount directory, or a file in it. Relative paths are resolved against the working
     * directory.
     *
     * <p>Visible files are regular files (symbolic links followed) whose names do not start with
     * {@code .} and do not end with {@code ~}, filtered by {@link #addInclude(String)} and {@link
     * #addExclude(String)}.
     *
     * @param path a directory or file; it must exist when {@link ReloadWatcher#start()} is called
     * @return this builder
     * @throws NullPointerException if {@code path} is null
     */
    public Builder addPath(Path path) {
      Objects.requireNonNull(path, "path cannot be null");
      Path normalized = Snapshot.logical(path);
      if (!s.paths.contains(normalized)) {
        s.paths = Settings.append(s.paths, normalized);
      }
      return this;
    }

    /**
     * Adds a directory to watch, like {@link #addPath(Path)}, but {@link ReloadWatcher#start()}
     * fails if it is not a directory.
     *
     * @param directory a directory
     * @return this builder
     * @throws NullPointerException if {@code directory} is null
     */
    public Builder addDirectory(Path directory) {
      addPath(Objects.requireNonNull(directory, "directory cannot be null"));
      s.directoriesRequired = Settings.with(s.directoriesRequired, Snapshot.logical(directory));
      return this;
    }

    /**
     * Sets whether watched directories include the files of their subdirectories. Defaults to
     * false. Hidden subdirectories (names starting with {@code .}) are never entered.
     *
     * @param recursive true to watch whole trees
     * @return this builder
     */
    public Builder recursive(boolean recursive) {
      s.recursive = recursive;
      return this;
    }

    /**
     * Adds a glob that a file's path relative to its watched directory must match, for example
     * {@code *.yml} or {@code rules/**.yaml}. With no includes every visible file is watched. Globs
     * do not apply to paths added as single files.
     *
     * @param glob a glob in {@link java.nio.file.FileSystem#getPathMatcher} syntax, without the
     *     {@code glob:} prefix
     * @return this builder
     * @throws NullPointerException if {@code glob} is null
     * @throws IllegalArgumentException if the glob is malformed
     */
    public Builder addInclude(String glob) {
      s.includes = Settings.append(s.includes, BuilderChecks.glob(glob, "include"));
      return this;
    }

    /**
     * Adds a glob of files to leave out, matched like {@link #addInclude(String)}; excludes win
     * over includes.
     *
     * @param glob a glob, without the {@code glob:} prefix
     * @return this builder
     * @throws NullPointerException if {@code glob} is null
     * @throws IllegalArgumentException if the glob is malformed
     */
    public Builder addExclude(String glob) {
      s.excludes = Settings.append(s.excludes, BuilderChecks.glob(glob, "exclude"));
      return this;
    }

    /**
     * Leaves out every file whose path, as watched (the watched path joined with the file's name
     * below it, links not resolved), contains a match of {@code regex}: the files are not read, and
     * a change to them alone does not reload. This is weaveworks/watch's {@code -x}; {@code
     * Pattern.compile("\\.swp$")} leaves out editors' swap files. Excludes win over includes.
     *
     * @param regex found anywhere in the path ({@link java.util.regex.Matcher#find()})
     * @return this builder
     * @throws NullPointerException if {@code regex} is null
     */
    public Builder addExclude(Pattern regex) {
      s.excludePatterns = Settings.append(s.excludePatterns, Objects.requireNonNull(regex, "regex"));
      return this;
    }

    /**
     * Sets the quiet period: a reload starts once no event arrived for this long. Longer values
     * absorb editors and slow writers; shorter ones react faster. Defaults to 250 ms.
     *
     * @param debounce zero or a positive duration
     * @return this builder
     * @throws NullPointerException if {@code debounce} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder debounce(Duration debounce) {
      s.debounce = BuilderChecks.notNegative(debounce, "debounce");
      return this;
    }

    /**
     * Sets the longest wait between the first event of a burst and the reload, so files written
     * continuously still reload this often. Defaults to 5 s; must not be less than the debounce.
     *
     * @param maxDelay a positive duration
     * @return this builder
     * @throws NullPointerException if {@code maxDelay} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder maxDelay(Duration maxDelay) {
      s.maxDelay = BuilderChecks.notNegative(maxDelay, "maxDelay");
      return this;
    }

    /**
     * Adds an action, run after the ones added before it. At least one is required.
     *
     * @param action what to do on a change
     * @return this builder
     * @throws NullPointerException if {@code action} is null
     */
    public Builder addAction(ReloadAction action) {
      s.actions = Settings.append(s.actions, Objects.requireNonNull(action, "action cannot be null"));
      return this;
    }

    /**
     * Adds an independent target: its own applied content, failures, retries and status ({@link
     * WatchStatus#targets()}), so that one target being down never holds back another, as when
     * one watcher reloads Prometheus and Alertmanager. Targets are tried one after the other on
     * the reload thread, after the actions added with {@link #addAction(ReloadAction)} (which form
     * the {@link ReloadEvent#DEFAULT_TARGET}); content is rendered and validated once for all.
     *
     * @param name a name for log lines, metrics and {@link ReloadEvent#target()}, such as {@code
     *     alertmanager}; unique per watcher
     * @param action what to do on a change for this target
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank, {@value ReloadEvent#DEFAULT_TARGET},
     *     or already used
     */
    public Builder addTarget(String name, ReloadAction action) {
      BuilderChecks.newTarget(s, name);
      Objects.requireNonNull(action, "action cannot be null");
      s.targets = Settings.append(s.targets, new Settings.TargetSpec(name, action));
      return this;
    }

    /**
     * Adds a listener that observes decisions and outcomes, such as metrics (watch-micrometer,
     * watch-prometheus) and a listener of your own: each is called in the order added, and an
     * exception one throws is logged and never reaches the others. None by default.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder addListener(ReloadListener listener) {
      s.listeners = Settings.append(s.listeners,
          Objects.requireNonNull(listener, "listener cannot be null"));
      return this;
    }

    /**
     * Adds a listener; the same as {@link #addListener(ReloadListener)}, under the first name this
     * option had.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(ReloadListener listener) {
      return addListener(listener);
    }

    /**
     * Sets whether {@link ReloadWatcher#start()} schedules a first reload of the initial content.
     * Defaults to false: the initial content is taken as already applied by the target.
     *
     * @param reloadOnStart true to reload on start
     * @return this builder
     */
    public Builder reloadOnStart(boolean reloadOnStart) {
      s.reloadOnStart = reloadOnStart;
      return this;
    }

    /**
     * Sets the interval of a full rescan that catches changes the OS did not report (network file
     * systems, dropped events) and re-registers lost watches. Costs one hash of every watched file
     * per interval. Defaults to 3 minutes; {@link Duration#ZERO} disables it.
     *
     * @param resyncInterval zero or a positive duration
     * @return this builder
     * @throws NullPointerException if {@code resyncInterval} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder resyncInterval(Duration resyncInterval) {
      s.resyncInterval = BuilderChecks.notNegative(resyncInterval, "resyncInterval");
      return this;
    }

    /**
     * Sets how failed reloads are retried. Defaults to {@link RetryPolicy#defaults()}.
     *
     * @param retry the policy; {@link RetryPolicy#never()} to wait for the next change instead
     * @return this builder
     * @throws NullPointerException if {@code retry} is null
     */
    public Builder retry(RetryPolicy retry) {
      s.retry = Objects.requireNonNull(retry, "retry cannot be null");
      return this;
    }

    /**
     * Sets where the watcher takes its time from and runs its timers, scans and actions: the
     * library's one time seam. Tasks are run as if on one thread: reloads never overlap, whatever
     * the executor behind it. The watcher never shuts down a scheduler it was given. Defaults to
     * a single daemon thread named {@code reloadwatch-reload-N} on system time, created by {@code
     * start()} and stopped by {@code close()}. Use {@link Scheduler#of(ScheduledExecutorService)}
     * to run on an executor of your own, or {@code FakeScheduler} ({@code watch-testing}) to
     * drive the watcher with fake time in tests.
     *
     * @param scheduler the scheduler
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      s.scheduler = Objects.requireNonNull(scheduler, "scheduler cannot be null");
      return this;
    }

    /**
     * Sets how long {@link ReloadWatcher#close()} waits for a running reload before interrupting
     * it. Defaults to 10 s.
     *
     * @param closeTimeout zero or a positive duration
     * @return this builder
     * @throws NullPointerException if {@code closeTimeout} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder closeTimeout(Duration closeTimeout) {
      s.closeTimeout = BuilderChecks.notNegative(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * Adds a template to render into an output file before the actions run. References: {@code
     * ${NAME}} from the environment, {@code ${file:/path}} from a file such as a mounted Secret
     * (one trailing newline dropped), each only if allowed with {@link #renderAllowEnv(String...)}
     * and {@link #renderAllowFile(Path)} (or {@link #renderEnvironment(Map)}), {@code
     * ${NAME:-default}} and {@code ${file:/path:-default}} with a default for unset or empty
     * values, and <code>$${</code> for a literal <code>${</code>. Other text, such as Prometheus'
     * {@code ${1}}, is left alone. A {@code .gz} template is decompressed first.
     *
     * <p>The reload decision is taken over the rendered output, so a rotated secret reloads even
     * when the template did not change (watch the secret's directory too, or rely on the
     * resync). The output is written atomically (staged in its directory, then renamed), with
     * permissions {@code 0640} when anything was substituted and {@code 0644} otherwise (see
     * {@link #renderOutputMode(int)} and {@link #renderOutputGroup(String)}), and removed when its
     * template disappears. Values never appear in logs or exceptions.
     *
     * @param template the template, usually inside a watched directory
     * @param output where the rendered file goes; must not be inside a watched path
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder addRender(Path template, Path output) {
      Objects.requireNonNull(template, "template cannot be null");
      Objects.requireNonNull(output, "output cannot be null");
      s.renders = Settings.append(s.renders, new RenderStep.Render(
          Snapshot.logical(template), Snapshot.logical(output)));
      return this;
    }

    /**
     * Sets whether a reference without a value fails the render. Defaults to true: the error names
     * the template, line and variable, nothing is written and no reload happens. When false, the
     * reference is left in place and a WARN counts it.
     *
     * @param strict false for the tolerant mode
     * @return this builder
     */
    public Builder renderStrict(boolean strict) {
      s.renderStrict = strict;
      return this;
    }

    /**
     * Sets how references are written in templates. Defaults to {@link
     * TemplateSyntax#DOLLAR_BRACES} ({@code ${NAME}}, {@code ${file:...}}); {@link
     * TemplateSyntax#DOLLAR_PARENTHESES} reads prometheus-operator's {@code $(NAME)} templates.
     *
     * @param syntax the syntax
     * @return this builder
     * @throws NullPointerException if {@code syntax} is null
     */
    public Builder renderSyntax(TemplateSyntax syntax) {
      s.renderSyntax = Objects.requireNonNull(syntax, "syntax cannot be null");
      return this;
    }

    /**
     * Sets the variables {@code ${NAME}} references resolve against. Defaults to the process
     * environment.
     *
     * @param environment variable names and values; copied
     * @return this builder
     * @throws NullPointerException if {@code environment} is null
     */
    public Builder renderEnvironment(Map<String, String> environment) {
      s.environment =
          Map.copyOf(Objects.requireNonNull(environment, "environment cannot be null"));
      return this;
    }

    /**
     * Allows templates to read process environment variables: exact names such as {@code
     * CLUSTER}, or prefixes ending in {@code *} such as {@code PROM_*}. By default templates may
     * read none: whoever can edit a template (often anyone who can edit a ConfigMap) could
     * otherwise read any variable of this process into a config the target serves back. Not
     * needed with {@link #renderEnvironment(Map)}, whose map is the allow-list. Repeatable.
     *
     * @param namesOrPrefixes names, or prefixes ending in {@code *}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a name is empty or not a variable name
     */
    public Builder renderAllowEnv(String... namesOrPrefixes) {
      for (String name : namesOrPrefixes) {
        s.renderAllowEnv = Settings.with(s.renderAllowEnv, BuilderChecks.variableOrPrefix(name));
      }
      return this;
    }

    /**
     * Allows {@code ${file:...}} references to read a file, or every file under a directory (for
     * example a mounted Secret such as {@code /etc/secrets/remote-write}). By default templates
     * may read no file: a template must not be able to read the service account token or another
     * Secret. A file is allowed only if its path, and its real path with links resolved, lie
     * under an allowed entry. Repeatable.
     *
     * @param fileOrDirectory a file or directory; relative paths resolve against the working
     *     directory
     * @return this builder
     * @throws NullPointerException if {@code fileOrDirectory} is null
     */
    public Builder renderAllowFile(Path fileOrDirectory) {
      Objects.requireNonNull(fileOrDirectory, "fileOrDirectory cannot be null");
      s.renderAllowFiles = Settings.append(s.renderAllowFiles, Snapshot.logical(fileOrDirectory));
      return this;
    }

    /**
     * Sets the permission bits of every rendered output, such as {@code 0640}. By default an
     * output holding substituted values is {@code 0640} (readable by the owner and the group, so a
     * target running as another user of the same group, as an {@code fsGroup} makes it in
     * Kubernetes, can read it) and any other output {@code 0644}.
     *
     * @param mode permission bits within {@code 0} to {@code 0777}
     * @return this builder
     * @throws IllegalArgumentException if {@code mode} is outside {@code 0} to {@code 0777}, or
     *     does not let the owner read
     */
    public Builder renderOutputMode(int mode) {
      s.renderOutputMode = BuilderChecks.outputMode(mode);
      return this;
    }

    /**
     * Sets the group that owns every rendered output: the group the target runs as, by name or
     * number. The process must be allowed to give files to that group (be a member, or root).
     * Defaults to the process's group.
     *
     * @param group a group name such as {@code nogroup}, or a number such as {@code 65534}
     * @return this builder
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder renderOutputGroup(String group) {
      s.renderOutputGroup = BuilderChecks.group(group);
      return this;
    }

    /**
     * Adds a validator, run after rendering and before the actions; invalid content is rejected
     * and the last good content stays applied.
     *
     * @param validator the check, for example a {@link CommandValidator} running {@code promtool}
     * @return this builder
     * @throws NullPointerException if {@code validator} is null
     */
    public Builder addValidator(Validator validator) {
      s.validators = Settings.append(s.validators,
          Objects.requireNonNull(validator, "validator cannot be null"));
      return this;
    }

    /**
     * Sets dry-run mode: everything runs (rendering into a temporary directory, validation, the
     * decision) but no output is written and no action is called; each decision is logged as
     * {@code dry run: would reload (...)}. Defaults to false.
     *
     * @param dryRun true to only log what would happen
     * @return this builder
     */
    public Builder dryRun(boolean dryRun) {
      s.dryRun = dryRun;
      return this;
    }

    /** Test seam: the source of file system signals (a fake backend in tests). */
    Builder backend(WatchBackend.Factory backend) {
      s.backend = Objects.requireNonNull(backend, "backend cannot be null");
      return this;
    }

    /**
     * Builds the watcher. Pure: no I/O, no threads; the builder stays usable.
     *
     * @return a new watcher, not yet started
     * @throws IllegalStateException if no path or no action was added, or {@code maxDelay} is less
     *     than {@code debounce}
     */
    public ReloadWatcher build() {
      BuilderChecks.buildable(s);
      return new ReloadWatcher(s.copy());
    }
  }
}
