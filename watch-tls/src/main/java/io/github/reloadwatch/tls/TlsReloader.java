package io.github.reloadwatch.tls;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.Scheduler;
import io.github.reloadwatch.WatchStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Serves the TLS identity of a mounted Kubernetes Secret ({@code tls.crt}, {@code tls.key},
 * optional {@code ca.crt}) and follows its renewals without a restart: build the {@link
 * SSLContext} once, from {@link #keyManager()} and {@link #trustManager()} or with {@link
 * #sslContext()}, and every new handshake gets the newest valid certificate.
 *
 * <pre>{@code
 * TlsReloader tls = TlsReloader.builder()
 *     .directory(Path.of("/etc/tls"))          // the Secret volume that cert-manager renews
 *     .build();
 * tls.start();                                 // loads the identity, then watches
 * HttpsServer server = HttpsServer.create(new InetSocketAddress(8443), 0);
 * server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()));
 * }</pre>
 *
 * <p>How a rotation is served:
 *
 * <ul>
 *   <li>Each version is read from one pinned {@code ..data} version of the volume, its files
 *       verified against their digests, so the certificate and key of one read come from one
 *       Secret version.
 *   <li>It is validated before it is published: PEM certificates and an RSA or EC key (PKCS#8,
 *       PKCS#1 or SEC1, see {@link PemReader}); the key signs and the leaf's public key verifies;
 *       each certificate is issued by the next; each is valid now (see {@link ExpiryPolicy}). A
 *       version that fails is rejected: the previous identity keeps serving, {@link
 *       TlsStatus#pendingRejection()} says why, and it is not retried until the Secret changes.
 *   <li>Each published identity is a generation with its own alias. The key manager's {@code
 *       choose*Alias} returns the current one; {@code getPrivateKey} and {@code
 *       getCertificateChain} resolve the generation an alias names, kept for the {@linkplain
 *       Builder#retention(Duration) retention} after it was superseded, so a handshake that
 *       straddles a rotation never mixes the key of one version with the chain of another, and a
 *       cache keyed by alias (Netty's OpenSSL key material) sees a new alias for new material.
 *   <li>The trust manager is a PKIX manager rebuilt from the CA file; a bundle that holds the old
 *       and the new CA trusts peers of both during a CA rotation.
 * </ul>
 *
 * <p>It can also be an action of a watcher of your own, which then reads the Secret along with
 * other files: add it with {@code addAction(tls)}, start the watcher, then call {@link #load()}.
 *
 * <p>Threads: {@link #start()} runs a {@link ReloadWatcher} on the directory, with its two daemon
 * threads ({@code reloadwatch-watch-N}, {@code reloadwatch-reload-N}) unless given a {@linkplain
 * Builder#scheduler(Scheduler) scheduler}; {@link #close()} stops them. The key and trust managers
 * are lock-free and keep serving the last identity after {@code close()}.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class TlsReloader implements ReloadAction, AutoCloseable {


  /** The default certificate file, as a {@code kubernetes.io/tls} Secret names it: {@value}. */
  public static final String DEFAULT_CERTIFICATE_FILE = "tls.crt";

  /** The default private key file: {@value}. */
  public static final String DEFAULT_KEY_FILE = "tls.key";

  /** The default CA bundle file, as cert-manager names it: {@value}. */
  public static final String DEFAULT_CA_FILE = "ca.crt";

  /** The default time a superseded generation stays resolvable: 2 min. */
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(2);

  /** The default warning period before a certificate expires: 7 days. */
  public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(7);

  private enum State { NEW, STARTED, CLOSED }

  private final Builder.Config config;
  private final Scheduler time;
  private final SecretFiles files;
  private final Material.Names names;
  private final Generations generations;
  private final ReloadingKeyManager keyManager;
  private final ReloadingTrustManager trustManager;
  private final String noCaRefusal;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  private final Publisher publisher;

  private volatile ReloadWatcher watcher; // set once by start()
  private volatile SSLContext sslContext; // made once, on first use

  private TlsReloader(Builder.Config config) {
    this.config = config;
    this.time = config.scheduler != null ? config.scheduler : Scheduler.system();
    this.files = new SecretFiles(config.directory, config.certificateFile, config.keyFile,
        config.caFile);
    this.names = files.names();
    this.generations = new Generations(time, config.retention);
    this.keyManager = new ReloadingKeyManager(generations);
    this.noCaRefusal = "no CA certificate to check the peer with: [" + names.ca() + "] is not in"
        + " the Secret, or was not loaded yet; add it, or use another trust manager";
    this.trustManager = new ReloadingTrustManager(noCaRefusal);
    this.publisher = new Publisher(config, names, time, generations, trustManager, noCaRefusal,
        () -> sslContext);
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
   * Starts a {@link ReloadWatcher} on the directory, then loads the identity it holds now, so that
   * when this method returns the key manager serves it and no later change is missed.
   *
   * @throws TlsMaterialException if the directory holds no valid identity: the message names the
   *     file and what is wrong. The watcher is then closed.
   * @throws IOException if the directory is missing or cannot be watched or read
   * @throws IllegalStateException if already started or closed
   */
  public void start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException(state.get() == State.CLOSED
          ? "tls reloader already closed" : "tls reloader already started");
    }
    ReloadWatcher.Builder builder = ReloadWatcher.builder()
        .addDirectory(config.directory)
        .addInclude(glob(config.certificateFile))
        .addInclude(glob(config.keyFile))
        .addInclude(glob(config.caFile))
        .debounce(config.debounce)
        .addAction(this);
    if (config.scheduler != null) {
      builder.scheduler(config.scheduler);
    }
    ReloadWatcher w = Objects.requireNonNull(config.watcherOptions.apply(builder),
        "watcherOptions returned null").build();
    watcher = w;
    try {
      w.start(); // watches first: a change after the load below is never missed
      load();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Reads the directory now and publishes its identity if it is valid and differs from the one
   * served. {@link #start()} calls it; call it yourself when this reloader is an action of a
   * watcher of your own, after starting that watcher, so that the key manager serves before the
   * server accepts connections.
   *
   * @throws TlsMaterialException if the content is invalid: the previous identity, if any, keeps
   *     serving and {@link TlsStatus#pendingRejection()} holds the message
   * @throws IOException if the files cannot be read
   */
  public void load() throws IOException {
    publisher.apply(files.readNow());
  }

  /**
   * Publishes the version of the Secret in the event's snapshot: the watcher calls this on its
   * reload thread. An invalid version is rejected, so the watcher does not retry it.
   *
   * @param event the reload, whose snapshot holds the Secret's files
   * @throws ReloadRejectedException if the content is invalid; the previous identity keeps
   *     serving
   * @throws IOException if the snapshot's files were replaced since it was taken (a newer reload
   *     follows) or cannot be read
   */
  @Override
  public void reload(ReloadEvent event) throws ReloadRejectedException, IOException {
    Material.Files version = files.read(event.snapshot());
    try {
      publisher.apply(version);
    } catch (TlsMaterialException e) {
      throw new ReloadRejectedException(e.getMessage(), e);
    }
  }

  /**
   * Loads the identity on the watcher's reload thread if none is loaded yet, when this reloader
   * is an action of a watcher of your own and {@link #load()} was not called.
   *
   * @throws IOException if the content is invalid or cannot be read; the watcher logs it
   */
  @Override
  public void prepare() throws IOException {
    if (watcher == null && generations.current() == null) {
      load();
    }
  }

  /**
   * Returns the key manager: give it to an {@link SSLContext}, Netty's {@code
   * SslContextBuilder.forServer(keyManager)} or Jetty. Always the same instance; it serves
   * nothing until the first identity is loaded.
   *
   * @return the reloading key manager
   */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /**
   * Returns the trust manager, which checks peers (client certificates for mutual TLS, or servers
   * for a client) against the Secret's CA file. With no CA file it refuses every peer. Always
   * the same instance.
   *
   * @return the reloading trust manager
   */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /**
   * Returns an {@link SSLContext} (protocol {@code TLS}, the JDK's default provider) made once,
   * on first use, from {@link #keyManager()} and {@link #trustManager()}. It never needs to be
   * replaced. To trust the JDK's default CAs instead, make your own: {@code
   * context.init(new KeyManager[] {tls.keyManager()}, null, null)}.
   *
   * @return the same context on every call
   * @throws IllegalStateException if the JDK offers no TLS context
   */
  public SSLContext sslContext() {
    SSLContext context = sslContext;
    if (context == null) {
      synchronized (this) {
        context = sslContext;
        if (context == null) {
          try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context: " + e.getMessage(), e);
          }
          sslContext = context;
        }
      }
    }
    return context;
  }

  /**
   * Returns what is served and whether newer content was refused.
   *
   * @return an immutable snapshot of the status
   */
  public TlsStatus status() {
    Publisher.Rejections rejections = publisher.rejections();
    Identity current = generations.current();
    List<String> warnings = new ArrayList<>();
    if (current != null) {
      Certificates.Validity validity = Certificates.checkValidity(List.of(current.chain()),
          names.certificate(), time.instant(), config.expiryWarning);
      warnings.addAll(validity.problems());
      warnings.addAll(validity.warnings());
    }
    ReloadWatcher w = watcher;
    WatchStatus watch = w == null ? null : w.status();
    return TlsStatus.of(current, generations.retained(), trustManager.anchors(),
        rejections.pending(), rejections.count(), warnings, watch);
  }

  /**
   * Stops the watcher that {@link #start()} started, and its threads. The key and trust managers
   * keep serving the last identity, so connections still being accepted or drained are not
   * broken. Idempotent; callable from any thread. A watcher of your own that this reloader is an
   * action of calls it when it closes.
   */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    ReloadWatcher w = watcher;
    if (w != null) {
      w.close();
    }
  }

  @Override
  public String toString() {
    Identity current = generations.current();
    return "TlsReloader{directory=" + config.directory + ", state=" + state.get()
        + ", generation=" + (current == null ? 0 : current.generation()) + "}";
  }

  /** A glob that matches exactly one file name. */
  private static String glob(String name) {
    return name.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }

  /**
   * Configures a {@link TlsReloader}. Setters check their argument; {@link #build()} checks
   * combinations. The last call of a setter wins.
   *
   * <p>This class is not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {

    /** The immutable product of a builder. */
    static final class Config {
      Path directory;
      String certificateFile = DEFAULT_CERTIFICATE_FILE;
      String keyFile = DEFAULT_KEY_FILE;
      String caFile = DEFAULT_CA_FILE;
      Duration retention = DEFAULT_RETENTION;
      Duration expiryWarning = DEFAULT_EXPIRY_WARNING;
      ExpiryPolicy expiryPolicy = ExpiryPolicy.SERVE;
      Duration debounce = ReloadWatcher.DEFAULT_DEBOUNCE;
      Scheduler scheduler;
      boolean invalidateSessions;
      UnaryOperator<ReloadWatcher.Builder> watcherOptions = UnaryOperator.identity();

      Config copy() {
        Config c = new Config();
        c.directory = directory;
        c.certificateFile = certificateFile;
        c.keyFile = keyFile;
        c.caFile = caFile;
        c.retention = retention;
        c.expiryWarning = expiryWarning;
        c.expiryPolicy = expiryPolicy;
        c.debounce = debounce;
        c.scheduler = scheduler;
        c.invalidateSessions = invalidateSessions;
        c.watcherOptions = watcherOptions;
        return c;
      }
    }

    private final Config c = new Config();

    private Builder() {}

    /**
     * Sets the directory that holds the files: the mount path of the Secret volume. Required.
     * Relative paths are resolved against the working directory.
     *
     * @param directory the directory
     * @return this builder
     * @throws NullPointerException if {@code directory} is null
     */
    public Builder directory(Path directory) {
      Objects.requireNonNull(directory, "directory cannot be null");
      c.directory = directory.toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets the name of the certificate file in the directory: the leaf first, then its issuers.
     * Defaults to {@value TlsReloader#DEFAULT_CERTIFICATE_FILE}.
     *
     * @param name a file name, not a path
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is empty, hidden or holds a path separator
     */
    public Builder certificateFile(String name) {
      c.certificateFile = checkName(name, "certificateFile");
      return this;
    }

    /**
     * Sets the name of the private key file in the directory. It may be the certificate file, for
     * a combined PEM. Defaults to {@value TlsReloader#DEFAULT_KEY_FILE}.
     *
     * @param name a file name, not a path
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is empty, hidden or holds a path separator
     */
    public Builder keyFile(String name) {
      c.keyFile = checkName(name, "keyFile");
      return this;
    }

    /**
     * Sets the name of the CA bundle file in the directory, whose certificates the {@linkplain
     * TlsReloader#trustManager() trust manager} trusts. Optional in the Secret: without it the
     * trust manager refuses every peer. Defaults to {@value TlsReloader#DEFAULT_CA_FILE}.
     *
     * @param name a file name, not a path
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is empty, hidden or holds a path separator
     */
    public Builder caFile(String name) {
      c.caFile = checkName(name, "caFile");
      return this;
    }

    /**
     * Sets how long a superseded generation stays resolvable by its alias, for handshakes that
     * chose it before a rotation and ask for its key or chain afterwards. Handshakes take
     * milliseconds; the default leaves room for slow peers. Defaults to 2 minutes.
     *
     * @param retention a positive duration
     * @return this builder
     * @throws NullPointerException if {@code retention} is null
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention cannot be null");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention (" + retention + ") must be positive: a"
            + " handshake that straddles a rotation needs the superseded generation");
      }
      c.retention = retention;
      return this;
    }

    /**
     * Sets how long before a certificate expires it is reported: a WARN when such a version is
     * loaded, and in {@link TlsStatus#warnings()}. Defaults to 7 days.
     *
     * @param expiryWarning zero or a positive duration
     * @return this builder
     * @throws NullPointerException if {@code expiryWarning} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder expiryWarning(Duration expiryWarning) {
      c.expiryWarning = checkNotNegative(expiryWarning, "expiryWarning");
      return this;
    }

    /**
     * Sets what happens to a version whose certificate is expired or not yet valid. Defaults to
     * {@link ExpiryPolicy#SERVE}.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder expiryPolicy(ExpiryPolicy policy) {
      c.expiryPolicy = Objects.requireNonNull(policy, "policy cannot be null");
      return this;
    }

    /**
     * Sets the quiet period of the watcher {@link TlsReloader#start()} runs. kubelet swaps a
     * Secret atomically, so a short one is enough. Defaults to 250 ms ({@link
     * ReloadWatcher#DEFAULT_DEBOUNCE}).
     *
     * @param debounce zero or a positive duration
     * @return this builder
     * @throws NullPointerException if {@code debounce} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder debounce(Duration debounce) {
      c.debounce = checkNotNegative(debounce, "debounce");
      return this;
    }

    /**
     * Sets where time comes from (validity checks, retention) and where the watcher of {@link
     * TlsReloader#start()} runs. Defaults to system time, with the watcher's own thread, and
     * timers that drop expired generations on {@link Scheduler#system()}. A {@code
     * FakeScheduler} ({@code watch-testing}) drives it in tests.
     *
     * @param scheduler the scheduler; never shut down here
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      c.scheduler = Objects.requireNonNull(scheduler, "scheduler cannot be null");
      return this;
    }

    /**
     * Sets whether a rotation (a new identity or CA bundle) invalidates the sessions cached by
     * {@link TlsReloader#sslContext()}, so that peers make a full handshake, with the new
     * certificate, instead of resuming one made with the old. Defaults to false: a resumed
     * session is as secure as it was, and full handshakes cost CPU.
     *
     * <p>Effective on the client side and on a server's stateful session cache. It cannot reach
     * stateless session tickets (TLS 1.3, and TLS 1.2 with RFC 5077), which the JDK's servers
     * issue by default: a client holding one resumes until the ticket expires (the server
     * session context's {@code getSessionTimeout()}, 24 h by default). Shorten that with {@code
     * sslContext().getServerSessionContext().setSessionTimeout(seconds)}, or disable tickets with
     * {@code -Djdk.tls.server.enableSessionTicketExtension=false}. Contexts of your own are not
     * touched.
     *
     * @param invalidate true to invalidate on rotation
     * @return this builder
     */
    public Builder invalidateSessions(boolean invalidate) {
      c.invalidateSessions = invalidate;
      return this;
    }

    /**
     * Adjusts the watcher {@link TlsReloader#start()} runs, after the reloader configured its
     * directory, file filters, debounce, scheduler and action: add a listener, change the resync
     * interval or the retry policy.
     *
     * <pre>{@code
     * .watcherOptions(w -> w.resyncInterval(Duration.ofMinutes(1)).listener(metrics))
     * }</pre>
     *
     * @param options a function that returns the builder it was given, or one derived from it
     * @return this builder
     * @throws NullPointerException if {@code options} is null
     */
    public Builder watcherOptions(UnaryOperator<ReloadWatcher.Builder> options) {
      c.watcherOptions = Objects.requireNonNull(options, "options cannot be null");
      return this;
    }

    /**
     * Builds the reloader. Pure: no I/O, no threads; the builder stays usable.
     *
     * @return a new reloader, not started
     * @throws IllegalStateException if no directory was set
     */
    public TlsReloader build() {
      if (c.directory == null) {
        throw new IllegalStateException("no directory: call directory(...) before build()");
      }
      return new TlsReloader(c.copy());
    }

    private static String checkName(String name, String option) {
      Objects.requireNonNull(name, option + " cannot be null");
      if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException(option + " (" + name + ") must be a file name in the"
            + " directory, such as tls.crt: not empty, not hidden, no path");
      }
      return name;
    }

    private static Duration checkNotNegative(Duration value, String name) {
      Objects.requireNonNull(value, name + " cannot be null");
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " (" + value + ") must not be negative");
      }
      return value;
    }
  }
}
