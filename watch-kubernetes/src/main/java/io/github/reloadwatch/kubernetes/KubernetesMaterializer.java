package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.kubernetes.ObjectRef.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Follows one ConfigMap or Secret through the Kubernetes API and materialises it into a local
 * directory in kubelet's volume layout, seconds after {@code kubectl apply} instead of after
 * kubelet's next sync of the pod (a minute or more). Point a {@link
 * io.github.reloadwatch.ReloadWatcher} at the directory and everything it does (hashing,
 * validation, rendering, actions, {@code snapshot().read()}) applies unchanged.
 *
 * <pre>{@code
 * try (KubernetesMaterializer config = KubernetesMaterializer.builder()
 *     .configMap("prod", "app-config")          // or "prod/app-config", or a Secret
 *     .directory(Path.of("/run/app-config"))
 *     .build()) {                               // pure: no I/O, no threads
 *   config.start();                             // quorum GET, first write, then the watch
 *   // ... runs until closed
 * }
 * }</pre>
 *
 * <p>How it works: {@link #start()} reads the object with a GET by name (a quorum read, never the
 * API server's watch cache), writes it, and starts an informer on that one name (its list and
 * watch carry {@code fieldSelector=metadata.name=NAME}, which RBAC {@code resourceNames} allows),
 * seeded with the GET so that its first list is a quorum read too. Every event re-renders the
 * informer's current object (level-triggered, never a delta) and writes it with {@link
 * io.github.reloadwatch.AtomicWriter}: a new {@code ..<timestamp>} directory, {@code ..data_tmp}
 * renamed over {@code ..data}, {@code key -> ..data/key} links, the old version deleted. An update
 * that leaves the files as they are (a resync, a relist, an annotation change) writes nothing.
 * Every {@linkplain Builder#antiEntropyInterval(Duration) anti-entropy interval} a GET by name is
 * compared with what was written, and drift (a missed update or delete) is repaired.
 *
 * <p>Deletes follow kubelet: an object that disappears leaves the last files in place, with a WARN
 * and a {@linkplain MaterializerStatus#degradedReason() degraded status}, unless the materializer
 * is {@linkplain Builder#optional(boolean) optional}, which empties the directory; a re-created
 * object is written. Secret values are never logged, and never appear in {@link #toString()} or in
 * an exception.
 *
 * <p>Lifecycle: {@link #builder()} → {@link Builder#build()} (pure) → {@link #start()} or {@link
 * #syncOnce()} → {@link #close()}. A materializer cannot be restarted. Threads: one named daemon
 * thread writes ({@code reloadwatch-kubernetes-N}), one runs the anti-entropy GET ({@code
 * reloadwatch-kubernetes-check-N}); informer callbacks run on the client's executor. {@link
 * #close()} stops them all and closes the client if the materializer created it.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class KubernetesMaterializer implements AutoCloseable {

  /** The default file mode of a ConfigMap's files: {@code 0644}, as kubelet's. */
  public static final int DEFAULT_CONFIG_MAP_MODE = 0644;

  /** The default file mode of a Secret's files: {@code 0600} (kubelet's is {@code 0644}). */
  public static final int DEFAULT_SECRET_MODE = 0600;

  /** The default interval of the anti-entropy GET: 5 min. */
  public static final Duration DEFAULT_ANTI_ENTROPY_INTERVAL = Duration.ofMinutes(5);

  /**
   * The default bound after which a silent watch is stale: 3 min. API servers send a bookmark on
   * every watch about once a minute, so this is three missed bookmarks.
   */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(3);

  /** The default time {@link #start()} waits for the watch to be established: 30 s. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

  private final Settings settings;
  private final MaterializerEngine engine;

  private KubernetesMaterializer(Settings settings) {
    this.settings = settings;
    this.engine = new MaterializerEngine(settings);
  }

  /**
   * Returns a new builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder(new Settings());
  }

  /**
   * Returns a builder with this materializer's configuration, to make a replacement.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(settings.copy());
  }

  /**
   * Reads the object with a quorum GET by name, writes it, then starts the watch and waits (up to
   * the {@linkplain Builder#startTimeout(Duration) start timeout}) until it is established. When
   * this method returns, the directory holds the object's current version, unless the object does
   * not exist (see {@link MaterializerStatus#degradedReason()}) or its version was refused (see
   * {@link InvalidPayloadException}); either way it keeps watching and writes the next good
   * version. If the watch is not established in time, it keeps trying in the background.
   *
   * @throws KubernetesForbiddenException if RBAC refuses the GET, list or watch; the message names
   *     the rule to grant. The materializer is then closed.
   * @throws KubernetesApiException if the API cannot be reached or refuses the credentials
   * @throws IOException if the namespace cannot be determined or the directory cannot be written
   * @throws IllegalStateException if the materializer was already started or closed
   */
  public void start() throws IOException {
    engine.start();
  }

  /**
   * Reads the object once with a quorum GET and writes it, without watching, then closes the
   * materializer: for an init container or a {@code --once} run. No thread is started.
   *
   * @return true if a new version was written, false if the directory already held it
   * @throws KubernetesNotFoundException if the object does not exist and the materializer is not
   *     optional
   * @throws InvalidPayloadException if the object cannot be projected into files
   * @throws KubernetesForbiddenException if RBAC refuses the GET; the message names the rule
   * @throws KubernetesApiException if the API cannot be reached or refuses the credentials
   * @throws IOException if the namespace cannot be determined or the directory cannot be written
   * @throws IllegalStateException if the materializer was already started or closed
   */
  public boolean syncOnce() throws IOException {
    return engine.syncOnce();
  }

  /**
   * Returns the materializer's state, health and counters.
   *
   * @return an immutable snapshot
   */
  public MaterializerStatus status() {
    return engine.status();
  }

  /**
   * Returns the directory the object is materialised into.
   *
   * @return the directory, absolute and normalized
   */
  public Path directory() {
    return settings.directory;
  }

  /**
   * Stops the watch and the anti-entropy check, waits for a write in progress, stops every thread
   * the materializer started, and closes the client if the materializer created it (a client
   * given to {@link Builder#client(KubernetesClient)} stays open). The files stay in place.
   * Idempotent; callable from any thread.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** Test seam: reconciles now on the apply thread, as a late informer callback would. */
  CompletableFuture<Void> reconcileNow() {
    return engine.reconcileNow();
  }

  @Override
  public String toString() {
    return "KubernetesMaterializer{" + engine.ref() + " -> " + settings.directory + ", "
        + engine.state() + "}";
  }

  /**
   * Configures a {@link KubernetesMaterializer}. Setters check their argument; {@link #build()}
   * checks combinations. The last call of a setter wins.
   *
   * <p>This class is not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Settings s;

    private Builder(Settings settings) {
      this.s = settings;
    }

    /**
     * Sets the client to use; it stays the caller's, and {@link KubernetesMaterializer#close()}
     * leaves it open. Defaults to a client the materializer creates on the JDK HTTP client, from
     * {@link #config(Config)} or else from the standard places ({@code KUBECONFIG}, {@code
     * ~/.kube/config}, the pod's service account), and closes.
     *
     * @param client the client
     * @return this builder
     * @throws NullPointerException if {@code client} is null
     */
    public Builder client(KubernetesClient client) {
      s.client = Objects.requireNonNull(client, "client cannot be null");
      return this;
    }

    /**
     * Sets the configuration of the client the materializer creates (and closes). Defaults to
     * fabric8's auto-configuration: {@code KUBECONFIG}, {@code ~/.kube/config}, or in a pod its
     * service account.
     *
     * @param config the client configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder config(Config config) {
      s.config = Objects.requireNonNull(config, "config cannot be null");
      return this;
    }

    /**
     * Follows a ConfigMap given as {@code NAME} or {@code NAMESPACE/NAME}. Without a namespace,
     * the client's is used (the kubeconfig context's), else the pod's own.
     *
     * @param ref the ConfigMap
     * @return this builder
     * @throws NullPointerException if {@code ref} is null
     * @throws IllegalArgumentException if the name or namespace is not one the API server accepts
     */
    public Builder configMap(String ref) {
      s.source = ObjectRef.parse(Kind.CONFIG_MAP, ref);
      return this;
    }

    /**
     * Follows a ConfigMap in a namespace.
     *
     * @param namespace the namespace
     * @param name the ConfigMap's name
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name or namespace is not one the API server accepts
     */
    public Builder configMap(String namespace, String name) {
      s.source = ObjectRef.of(Kind.CONFIG_MAP, namespace, name);
      return this;
    }

    /**
     * Follows a Secret given as {@code NAME} or {@code NAMESPACE/NAME}; namespaces default as for
     * {@link #configMap(String)}. Its files get mode {@link KubernetesMaterializer#DEFAULT_SECRET_MODE} unless {@link
     * #defaultMode(int)} says otherwise, and a WARN says so if the directory is not memory-backed.
     *
     * @param ref the Secret
     * @return this builder
     * @throws NullPointerException if {@code ref} is null
     * @throws IllegalArgumentException if the name or namespace is not one the API server accepts
     */
    public Builder secret(String ref) {
      s.source = ObjectRef.parse(Kind.SECRET, ref);
      return this;
    }

    /**
     * Follows a Secret in a namespace.
     *
     * @param namespace the namespace
     * @param name the Secret's name
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name or namespace is not one the API server accepts
     */
    public Builder secret(String namespace, String name) {
      s.source = ObjectRef.of(Kind.SECRET, namespace, name);
      return this;
    }

    /**
     * Sets the directory to materialise into; it is created if missing, and holds nothing else
     * (it is what a volume mount would be). Relative paths are resolved against the working
     * directory.
     *
     * @param directory the directory
     * @return this builder
     * @throws NullPointerException if {@code directory} is null
     */
    public Builder directory(Path directory) {
      s.directory = Objects.requireNonNull(directory, "directory cannot be null")
          .toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets whether the object (and the keys listed with {@link #addItem(String, String)}) may be
     * missing, as a volume's {@code optional}. Defaults to false: a missing object keeps the last
     * files and degrades the status. When true, a missing object empties the directory and a
     * missing listed key is left out.
     *
     * @param optional true if the object may be missing
     * @return this builder
     */
    public Builder optional(boolean optional) {
      s.optional = optional;
      return this;
    }

    /**
     * Projects only the listed keys, each to its path, as a volume's {@code items}; repeatable.
     * Without items every key becomes a file of its name.
     *
     * @param key a key of the object's data
     * @param path a relative path such as {@code app.yaml} or {@code conf/app.yaml}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key is not a valid key, or the path is empty,
     *     absolute, contains {@code ..}, starts with {@code ..}, or is already used
     */
    public Builder addItem(String key, String path) {
      return add(new Item(key, path, -1));
    }

    /**
     * Like {@link #addItem(String, String)}, with the file's own mode, as an item's {@code mode}.
     *
     * @param key a key of the object's data
     * @param path a relative path
     * @param mode the permission bits, for example {@code 0400}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as for {@link #addItem(String, String)}, or if the mode is
     *     outside {@code 0} to {@code 0777}
     */
    public Builder addItem(String key, String path, int mode) {
      return add(new Item(key, path, Item.checkMode("mode of item " + key, mode)));
    }

    private Builder add(Item item) {
      for (Item other : s.items) {
        if (other.path().equals(item.path())) {
          throw new IllegalArgumentException("item path (" + item.path() + ") of key "
              + item.key() + " is already used by key " + other.key() + ": choose another path");
        }
      }
      s.items = Settings.append(s.items, item);
      return this;
    }

    /**
     * Sets the mode of files without their own, as a volume's {@code defaultMode}. Defaults to
     * {@link KubernetesMaterializer#DEFAULT_CONFIG_MAP_MODE} for a ConfigMap and {@link KubernetesMaterializer#DEFAULT_SECRET_MODE} for a
     * Secret.
     *
     * @param mode the permission bits, for example {@code 0644}
     * @return this builder
     * @throws IllegalArgumentException if the mode is outside {@code 0} to {@code 0777}
     */
    public Builder defaultMode(int mode) {
      s.defaultMode = Item.checkMode("defaultMode", mode);
      return this;
    }

    /**
     * Sets how often a GET by name is compared with what was written, to repair drift: an update
     * or delete the watch missed (during a disconnect, for example), or files changed by someone
     * else. Costs one GET per interval. Defaults to 5 minutes; {@link Duration#ZERO} disables it.
     *
     * @param interval zero or a positive duration
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder antiEntropyInterval(Duration interval) {
      Objects.requireNonNull(interval, "antiEntropyInterval cannot be null");
      if (interval.isNegative()) {
        throw new IllegalArgumentException(
            "antiEntropyInterval (" + interval + ") must not be negative");
      }
      s.antiEntropyInterval = interval;
      return this;
    }

    /**
     * Sets how long the watch may stay silent (no list, event or bookmark) before {@link
     * MaterializerStatus#stale()} turns true. Defaults to 3 minutes, three missed bookmarks.
     *
     * @param staleAfter a positive duration
     * @return this builder
     * @throws NullPointerException if {@code staleAfter} is null
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder staleAfter(Duration staleAfter) {
      s.staleAfter = checkPositive(staleAfter, "staleAfter");
      return this;
    }

    /**
     * Sets how long {@link KubernetesMaterializer#start()} waits for the watch to be established
     * after the first write. Defaults to 30 s.
     *
     * @param startTimeout a positive duration
     * @return this builder
     * @throws NullPointerException if {@code startTimeout} is null
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder startTimeout(Duration startTimeout) {
      s.startTimeout = checkPositive(startTimeout, "startTimeout");
      return this;
    }

    /**
     * Sets where the materializer takes its time from and runs its timers (the anti-entropy
     * check, the staleness bound): the library's one time seam, as for {@link
     * io.github.reloadwatch.ReloadWatcher.Builder#scheduler(Scheduler)}. Defaults to the
     * materializer's own thread on system time. Use {@code FakeScheduler} ({@code watch-testing})
     * to drive it with fake time in tests.
     *
     * @param scheduler the scheduler
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      s.scheduler = Objects.requireNonNull(scheduler, "scheduler cannot be null");
      return this;
    }

    /** Test seam: where the pod's namespace is read from. */
    Builder podNamespaceFile(Path file) {
      s.podNamespaceFile = Objects.requireNonNull(file, "file cannot be null");
      return this;
    }

    /**
     * Builds the materializer. Pure: no I/O, no threads; the builder stays usable.
     *
     * @return a new materializer, not yet started
     * @throws IllegalStateException if no object or no directory was given, or both a client and
     *     a config
     */
    public KubernetesMaterializer build() {
      if (s.source == null) {
        throw new IllegalStateException(
            "no object to follow: call configMap(...) or secret(...) before build()");
      }
      if (s.directory == null) {
        throw new IllegalStateException(
            "no directory: call directory(...) before build()");
      }
      if (s.client != null && s.config != null) {
        throw new IllegalStateException("both client(...) and config(...) were given: a config"
            + " only configures a client the materializer creates; give one of them");
      }
      return new KubernetesMaterializer(s.copy());
    }

    private static Duration checkPositive(Duration value, String name) {
      Objects.requireNonNull(value, name + " cannot be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " (" + value + ") must be positive");
      }
      return value;
    }
  }
}
