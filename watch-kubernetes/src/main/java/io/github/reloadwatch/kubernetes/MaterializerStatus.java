package io.github.reloadwatch.kubernetes;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a {@link KubernetesMaterializer}, for health checks and metrics. Obtain
 * one with {@link KubernetesMaterializer#status()}; it is not constructed by users, so values can
 * be added without breaking callers.
 *
 * <pre>{@code
 * MaterializerStatus status = materializer.status();
 * boolean ready = status.ready();                 // a version is in the directory
 * boolean live = status.healthy();                // running, watching, and heard from recently
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} holds no Secret data.
 *
 * @since 0.1.0
 */
public final class MaterializerStatus {

  /** The lifecycle of a {@link KubernetesMaterializer}. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** Watching the object and writing its versions. */
    RUNNING,
    /** Closed; it cannot be started again. */
    CLOSED
  }

  private final State state;
  private final String source;
  private final String kind;
  private final String namespace;
  private final String name;
  private final boolean missing;
  private final Path directory;
  private final boolean ready;
  private final boolean connected;
  private final boolean stale;
  private final Instant lastWatchContact;
  private final Instant lastApiContact;
  private final String resourceVersion;
  private final long writes;
  private final Instant lastWrite;
  private final long checks;
  private final long driftRepairs;
  private final String degradedReason;
  private final String lastError;

  private MaterializerStatus(Builder b) {
    this.state = Objects.requireNonNull(b.state, "state cannot be null");
    this.source = b.source;
    this.kind = Objects.requireNonNull(b.kind, "kind cannot be null");
    this.namespace = b.namespace;
    this.name = Objects.requireNonNull(b.name, "name cannot be null");
    this.missing = b.missing;
    this.directory = b.directory;
    this.ready = b.ready;
    this.connected = b.connected;
    this.stale = b.stale;
    this.lastWatchContact = b.lastWatchContact;
    this.lastApiContact = b.lastApiContact;
    this.resourceVersion = b.resourceVersion;
    this.writes = b.writes;
    this.lastWrite = b.lastWrite;
    this.checks = b.checks;
    this.driftRepairs = b.driftRepairs;
    this.degradedReason = b.degradedReason;
    this.lastError = b.lastError;
  }

  /**
   * Returns the lifecycle state.
   *
   * @return {@link State#NEW}, {@link State#RUNNING} or {@link State#CLOSED}
   */
  public State state() {
    return state;
  }

  /**
   * Returns the object followed, for labels and messages.
   *
   * @return for example {@code configmap prod/app-config}
   */
  public String source() {
    return source;
  }

  /**
   * Returns the kind of the object followed.
   *
   * @return {@code configmap} or {@code secret}
   */
  public String kind() {
    return kind;
  }

  /**
   * Returns the namespace of the object followed, once known: given to the builder, or resolved
   * at start from the client's configuration or the pod's own namespace.
   *
   * @return the namespace, empty before {@link KubernetesMaterializer#start()} resolved it
   */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /**
   * Returns the name of the object followed.
   *
   * @return the ConfigMap's or Secret's name
   */
  public String name() {
    return name;
  }

  /**
   * Returns whether the object did not exist when the API last answered for it (deleted, or not
   * created yet). A required object that is missing keeps its last files and makes the status
   * {@linkplain #degradedReason() degraded}; an optional one empties the directory.
   *
   * @return true if the API last said the object does not exist
   */
  public boolean missing() {
    return missing;
  }

  /**
   * Returns the directory the object is materialised into.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Returns whether a version of the object is in the directory, written or found current since
   * start (an optional object that does not exist counts, as an empty directory). Stays true when
   * the object is deleted later and the last files are kept. A sidecar's readiness.
   *
   * @return true once the directory holds a version
   */
  public boolean ready() {
    return ready;
  }

  /**
   * Returns whether the watch is open now. False during an API outage, while the client
   * reconnects.
   *
   * @return true while watching
   */
  public boolean connected() {
    return connected;
  }

  /**
   * Returns whether nothing came through the watch (a list, an event or a bookmark) for longer
   * than {@link KubernetesMaterializer.Builder#staleAfter(java.time.Duration) staleAfter}. A watch
   * that is open but silent (a stalled connection) turns stale; the anti-entropy GET keeps the
   * files right meanwhile, but never makes the watch look alive.
   *
   * @return true if the watch has been silent too long
   */
  public boolean stale() {
    return stale;
  }

  /**
   * Returns whether the materializer is running, ready, connected and not stale.
   *
   * @return true if all is well
   */
  public boolean healthy() {
    return state == State.RUNNING && ready && connected && !stale;
  }

  /**
   * Returns when the watch path last delivered something: a list, an event, or a bookmark.
   *
   * @return the instant, or empty if nothing arrived yet
   */
  public Optional<Instant> lastWatchContact() {
    return Optional.ofNullable(lastWatchContact);
  }

  /**
   * Returns when the API last answered successfully, through the watch or a GET.
   *
   * @return the instant, or empty before the first answer
   */
  public Optional<Instant> lastApiContact() {
    return Optional.ofNullable(lastApiContact);
  }

  /**
   * Returns the resource version of the object whose files are in the directory.
   *
   * @return the resource version, or empty if nothing was materialised (or the directory was
   *     emptied for an optional object that does not exist)
   */
  public Optional<String> resourceVersion() {
    return Optional.ofNullable(resourceVersion);
  }

  /**
   * Returns how many versions were written since start. An update that leaves the files as they
   * are (a relist, an annotation change) writes none.
   *
   * @return a count
   */
  public long writes() {
    return writes;
  }

  /**
   * Returns when the last version was written.
   *
   * @return the instant, or empty before the first write
   */
  public Optional<Instant> lastWrite() {
    return Optional.ofNullable(lastWrite);
  }

  /**
   * Returns how many anti-entropy GETs succeeded.
   *
   * @return a count
   */
  public long checks() {
    return checks;
  }

  /**
   * Returns how many times an anti-entropy GET found the directory out of date (a missed update or
   * delete, or files changed by someone else) and repaired it.
   *
   * @return a count
   */
  public long driftRepairs() {
    return driftRepairs;
  }

  /**
   * Returns why the directory does not follow the object: it does not exist and is not optional
   * (the last files are kept), or its current version was refused.
   *
   * @return the reason, or empty when the directory holds the object's current version
   */
  public Optional<String> degradedReason() {
    return Optional.ofNullable(degradedReason);
  }

  /**
   * Returns the last error: of a write, a refused version, the watch or a check; cleared when that
   * part works again.
   *
   * @return the message, or empty
   */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public String toString() {
    return "MaterializerStatus{state=" + state + ", source=" + source + ", directory=" + directory
        + ", missing=" + missing + ", ready=" + ready + ", connected=" + connected + ", stale=" + stale
        + ", lastWatchContact=" + lastWatchContact + ", lastApiContact=" + lastApiContact
        + ", resourceVersion=" + resourceVersion + ", writes=" + writes + ", lastWrite="
        + lastWrite + ", checks=" + checks + ", driftRepairs=" + driftRepairs
        + ", degradedReason=" + degradedReason + ", lastError=" + lastError + "}";
  }

  /** Collects the values of a status. */
  static final class Builder {
    State state = State.NEW;
    String source;
    String kind;
    String namespace;
    String name;
    boolean missing;
    Path directory;
    boolean ready;
    boolean connected;
    boolean stale;
    Instant lastWatchContact;
    Instant lastApiContact;
    String resourceVersion;
    long writes;
    Instant lastWrite;
    long checks;
    long driftRepairs;
    String degradedReason;
    String lastError;

    MaterializerStatus build() {
      return new MaterializerStatus(this);
    }
  }
}
