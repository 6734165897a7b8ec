package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.Scheduler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.ContentType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a target over HTTP: {@code POST /-/reload} on Prometheus and Alertmanager, Grafana's
 * provisioning API, Fluent Bit's {@code /api/v2/reload}, Spring's {@code /actuator/refresh}.
 *
 * <pre>{@code
 * HttpReloadAction reload = HttpReloadAction.builder()
 *     .uri(URI.create("https://app.internal:8443/admin/reload"))
 *     .bearerTokenFile(Path.of("/var/run/secrets/tokens/reload-token"))
 *     .caCertificate(Path.of("/etc/tls/ca.pem"))
 *     .build();
 * ReloadWatcher.builder().addPath(configDir).addAction(reload).build();
 * }</pre>
 *
 * <p>Each {@link #reload(ReloadEvent)} call is exactly one attempt (one request, plus the
 * readiness and verification requests of a preset), bounded by {@link
 * Builder#attemptTimeout(Duration)}: the watcher owns retries and their timing. The {@linkplain
 * io.github.reloadwatch.http package documentation} tables each outcome: what is thrown, what the
 * watcher does, whether the circuit breaker counts it.
 *
 * <p>A response body is read up to 64 KiB (a verification page up to 8 MiB); a longer or endless
 * body is not drained: the connection is aborted and the outcome is decided on what was read.
 *
 * <p>A preset also reads its server's readiness endpoint after a 502, 503 or response timeout
 * (see {@link PrometheusReload}).
 *
 * <p>The circuit breaker guards a target that answers expensively: three counted failures in a
 * row open it for {@link Builder#circuitOpenDuration(Duration)} (5 s by default); retries of the
 * same content then fail at once with a {@link CircuitOpenException}, until one probe goes
 * through. New content (attempt 1, and every {@code MANUAL} or {@code START} reload) always goes
 * through and acts as the probe. {@link #circuitState()} shows the state.
 *
 * <p>Credentials are read from files on every attempt, so rotated Kubernetes tokens are picked up;
 * the CA bundle and client certificate are checked for changes on every attempt and reloaded when
 * they changed. Credentials, header values, the password of a URI's user info and the values of
 * sensitive query parameters ({@code ?token=}, {@code ?access_token=}, {@code ?apikey=} and the
 * like) never appear in logs, exceptions or {@link #toString()}. Each attempt logs one INFO line
 * (target, outcome, duration, attempt number); while the target stays unavailable, only the
 * first of the run is INFO and the rest DEBUG, and the first answer says "reachable again".
 * Request and response details are logged at DEBUG.
 *
 * <p>Timeouts, durations and the circuit breaker run on the {@linkplain
 * Builder#scheduler(Scheduler) scheduler}'s monotonic clock; {@code Retry-After} dates and
 * verification use its wall clock. One pooled HTTP client (Apache HttpClient 5) is created by
 * {@link #prepare()} (which the watcher calls after {@code start()}) or on first use, and closed
 * by {@link #close()}, which {@code ReloadWatcher.close()} calls. A plain {@code http://} action
 * never sets up TLS. This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class HttpReloadAction implements ReloadAction, AutoCloseable {

  /** The default connect timeout: 5 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The default wait for a response: 30 s (a Prometheus reload parses its whole config). */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

  /** The default bound on a whole attempt, verification included: 60 s. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The default time the circuit stays open before one probe: 5 s. Short, because the watcher's
   * backoff already spaces retries out; new content never waits for it.
   */
  public static final Duration DEFAULT_CIRCUIT_OPEN_DURATION = Duration.ofSeconds(5);

  /** The longest {@code Retry-After} passed on to the watcher: 10 minutes. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);
  /** How much of a reload response is read: enough for any error message. */
  static final int RESPONSE_BODY_LIMIT = 64 * 1024;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final String target;
  private final Scheduler scheduler;
  private final ClientHolder clients;
  private final RequestSender sender;
  private final CircuitGate gate;
  private final AttemptRunner attempts;
  private final String description;

  private HttpReloadAction(Builder b) {
    URI uri = Credentials.withoutUserInfo(b.uri);
    URI base = b.base != null ? Credentials.withoutUserInfo(b.base) : uri;
    boolean verify = b.verify && b.preset != Preset.NONE;
    this.target = b.method + " " + Credentials.redacted(uri);
    this.scheduler = b.scheduler;
    Credentials credentials = new Credentials(
        b.bearerTokenFile, b.basicUser, b.basicPasswordFile, b.uri, b.headers);
    this.clients = new ClientHolder(target, "https".equalsIgnoreCase(uri.getScheme()),
        b.caCertificate, b.clientCertificate, b.clientKey, b.insecureSkipVerify, b.connectTimeout,
        b.responseTimeout);
    this.sender = new RequestSender(target, uri, b.headers, b.contentType, b.body,
        b.connectTimeout, b.responseTimeout, b.attemptTimeout, credentials, clients, scheduler);
    this.gate = new CircuitGate(scheduler, b.circuitOpenDuration);
    this.attempts = new AttemptRunner(target, b.method, uri, base, b.preset, verify, scheduler,
        sender, new ResponseClassifier(target, b.method, b.expectStatus, b.rejectStatus,
            credentials.source(), b.preset, scheduler), gate, clients);
    this.description = "HttpReloadAction{" + target
        + (b.preset != Preset.NONE ? ", preset=" + b.preset.name() : "")
        + (b.headers.isEmpty() ? "" : ", headers=" + new TreeSet<>(b.headers.keySet()))
        + credentials.summary() + (b.caCertificate != null ? ", caCertificate=" + b.caCertificate
        : "") + (b.clientCertificate != null ? ", clientCertificate=" + b.clientCertificate : "")
        + (b.insecureSkipVerify ? ", insecureSkipVerify" : "") + (verify ? ", verify" : "") + "}";
  }

  /**
   * Returns a new builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends the reload request once, and verifies the result if enabled. Logs one line with the
   * outcome (at DEBUG for the second and later attempts in a row that find the target away).
   *
   * @param event the reload; its attempt number is logged, and attempt 1 (new content) or a
   *     {@code MANUAL} or {@code START} reason goes through an open circuit breaker
   * @throws ReloadRejectedException if the target refused the content (a {@link
   *     Builder#rejectStatus(int...) reject status}); the cause is an {@link HttpReloadException}
   * @throws HttpReloadException if the attempt failed in a way that may pass; see {@link
   *     HttpReloadException#kind()} and {@link HttpReloadException#targetUnavailable()}
   * @throws CircuitOpenException if the circuit breaker is open and this is a retry, so nothing
   *     was sent; its hint is the time left
   * @throws IllegalStateException if this action was closed
   * @throws NullPointerException if {@code event} is null
   * @throws Exception only the types above; declared as in {@link ReloadAction}
   */
  @Override
  public void reload(ReloadEvent event) throws Exception {
    Objects.requireNonNull(event, "event cannot be null");
    checkOpen();
    attempts.run(event);
  }

  /**
   * Prepares the first reload so that it costs what the tenth does: builds the pooled HTTP client
   * (reading the TLS files of an {@code https} target) and loads the classes of the request path
   * by building, never sending, a request. Contacts nobody and reads no credential file. The
   * watcher calls it once after {@code start()}; calling it again does nothing new.
   *
   * @throws HttpReloadException if a TLS file is unreadable or unusable (the first reload then
   *     reports it again)
   * @throws IllegalStateException if this action was closed
   */
  @Override
  public void prepare() throws HttpReloadException {
    checkOpen();
    long startNanos = scheduler.nanoTime();
    clients.prepare();
    sender.prepare();
    WarmUp.exchange(clients);
    Deadline.start(scheduler, DEFAULT_ATTEMPT_TIMEOUT, () -> { }).cancel(); // the timer thread
    logger.debug("{}: prepared in {} ms, nothing sent", target,
        Duration.ofNanos(scheduler.nanoTime() - startNanos).toMillis());
  }

  /**
   * Returns the state of the circuit breaker, for a metric: {@link CircuitState#OPEN} while
   * retries of the same content are held back, {@link CircuitState#HALF_OPEN} once the next
   * attempt is the probe.
   *
   * @return the state now
   */
  public CircuitState circuitState() {
    return gate.state();
  }

  private void checkOpen() {
    if (clients.isClosed()) {
      throw new IllegalStateException("HttpReloadAction for " + target + " is closed");
    }
  }

  /**
   * Aborts a request in flight, if any, and closes the pooled HTTP client. Idempotent; may be
   * called from any thread; later reloads throw {@link IllegalStateException}.
   */
  @Override
  public void close() {
    clients.close();
  }

  /**
   * Describes the action: method, URI without user info, credential sources (file paths only),
   * TLS options. Never contains a secret or a header value.
   *
   * @return a description
   */
  @Override
  public String toString() {
    return description;
  }

  /**
   * Builds an {@link HttpReloadAction}. Setters check their argument; {@link #build()} checks
   * combinations, does no I/O (files are read on each attempt) and may be called again. Not
   * thread-safe.
   */
  public static final class Builder {
    private URI uri;
    private URI base;
    private String method = "POST";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String contentType;
    private String body;
    private final Set<Integer> expectStatus = new LinkedHashSet<>();
    private final Set<Integer> rejectStatus = new LinkedHashSet<>();
    private Path bearerTokenFile;
    private String basicUser;
    private Path basicPasswordFile;
    private Path caCertificate;
    private Path clientCertificate;
    private Path clientKey;
    private boolean insecureSkipVerify;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private Duration circuitOpenDuration = DEFAULT_CIRCUIT_OPEN_DURATION;
    private boolean verify;
    private Preset preset = Preset.NONE;
    private Scheduler scheduler = Scheduler.system();

    Builder() {}

    /**
     * Sets the reload endpoint. User info ({@code http://user:pass@host/}) becomes basic auth and
     * is redacted everywhere. Required.
     *
     * @param uri an absolute {@code http} or {@code https} URI
     * @return this builder
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException if it is not an absolute http(s) URI with a host
     */
    public Builder uri(URI uri) {
      Objects.requireNonNull(uri, "uri cannot be null");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException("uri (" + Credentials.redacted(uri)
            + ") must be an absolute http:// or https:// URI with a host, like"
            + " http://localhost:9090/-/reload");
      }
      this.uri = uri;
      return this;
    }

    /**
     * Sets the HTTP method. Defaults to {@code POST}.
     *
     * @param method an HTTP method such as POST or PUT, in any case
     * @return this builder
     * @throws NullPointerException if {@code method} is null
     * @throws IllegalArgumentException if it is not a word of letters
     */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method cannot be null");
      if (!method.matches("[A-Za-z]+")) {
        throw new IllegalArgumentException("method (" + method + ") must be a word like POST");
      }
      this.method = method.toUpperCase(Locale.ROOT);
      return this;
    }

    /**
     * Sets a request header, replacing an earlier value of the same name (case-insensitive); call
     * it once per header. Values are never logged or shown, so they may hold secrets, but prefer
     * {@link #bearerTokenFile(Path)} for tokens that rotate.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not an HTTP token or the value holds a line
     *     break
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "header name cannot be null");
      Objects.requireNonNull(value, "header value cannot be null");
      if (!TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException("header name (" + name + ") must be an HTTP token"
            + " such as X-Reload-Source");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "header value for " + name + " must not contain line breaks");
      }
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /**
     * Sets a request body. Defaults to none (an empty body for POST, PUT and PATCH).
     *
     * @param contentType the media type, such as {@code application/json}
     * @param body the body
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the content type is malformed
     */
    public Builder body(String contentType, String body) {
      Objects.requireNonNull(contentType, "contentType cannot be null");
      Objects.requireNonNull(body, "body cannot be null");
      ContentType parsed;
      try {
        parsed = ContentType.parse(contentType);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("contentType (" + contentType + ") is malformed", e);
      }
      if (parsed == null || !parsed.getMimeType().contains("/")) {
        throw new IllegalArgumentException("contentType (" + contentType + ") must be a media"
            + " type like application/json");
      }
      this.contentType = contentType;
      this.body = body;
      return this;
    }

    /**
     * Sets the statuses that mean success. Defaults to any 2xx; calling it without codes restores
     * that default.
     *
     * @param codes HTTP status codes
     * @return this builder
     * @throws IllegalArgumentException if a code is outside 100-599
     */
    public Builder expectStatus(int... codes) {
      Set<Integer> checked = new LinkedHashSet<>();
      for (int code : codes) {
        checked.add(Checks.status(code));
      }
      expectStatus.clear();
      expectStatus.addAll(checked);
      return this;
    }

    /**
     * Sets the statuses that mean "the target refused this content": thrown as {@link
     * ReloadRejectedException}, not retried until the content changes. Defaults to none; the
     * Prometheus and Alertmanager presets use 500.
     *
     * @param codes HTTP status codes
     * @return this builder
     * @throws IllegalArgumentException if a code is outside 100-599
     */
    public Builder rejectStatus(int... codes) {
      Set<Integer> checked = new LinkedHashSet<>();
      for (int code : codes) {
        checked.add(Checks.status(code));
      }
      rejectStatus.clear();
      rejectStatus.addAll(checked);
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with the token read from a file on every
     * attempt, as Kubernetes rotates projected service account tokens. Surrounding whitespace is
     * stripped. Messages name the file, never the token.
     *
     * @param file the token file
     * @return this builder
     * @throws NullPointerException if {@code file} is null
     */
    public Builder bearerTokenFile(Path file) {
      this.bearerTokenFile = Objects.requireNonNull(file, "bearerTokenFile cannot be null");
      return this;
    }

    /**
     * Sends basic auth with the password read from a file on every attempt. Surrounding
     * whitespace is stripped.
     *
     * @param username the user name
     * @param passwordFile the password file
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the user name contains a colon
     */
    public Builder basicAuth(String username, Path passwordFile) {
      Objects.requireNonNull(username, "username cannot be null");
      if (username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("username (" + username + ") must not contain ':'");
      }
      this.basicUser = username;
      this.basicPasswordFile = Objects.requireNonNull(passwordFile, "passwordFile cannot be null");
      return this;
    }

    /**
     * Trusts the CA certificates in a PEM bundle instead of the JVM's default trust store.
     * Hostname verification stays on. The file is read on first use and again whenever it changes.
     *
     * @param pemBundle a file of PEM certificates
     * @return this builder
     * @throws NullPointerException if {@code pemBundle} is null
     */
    public Builder caCertificate(Path pemBundle) {
      this.caCertificate = Objects.requireNonNull(pemBundle, "caCertificate cannot be null");
      return this;
    }

    /**
     * Presents a client certificate (mutual TLS). The files are read on first use and again
     * whenever they change.
     *
     * @param certPem the certificate chain, PEM
     * @param keyPem the unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), RSA or EC
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder clientCertificate(Path certPem, Path keyPem) {
      this.clientCertificate = Objects.requireNonNull(certPem, "certPem cannot be null");
      this.clientKey = Objects.requireNonNull(keyPem, "keyPem cannot be null");
      return this;
    }

    /**
     * Turns off certificate and hostname verification. Logged at WARN on first use; never use it
     * outside a test. Prefer {@link #caCertificate(Path)}.
     *
     * @return this builder
     */
    public Builder insecureSkipVerify() {
      this.insecureSkipVerify = true;
      return this;
    }

    /**
     * Sets the connect timeout. Defaults to 5 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Checks.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long to wait for the response (and between bytes of it). Defaults to 30 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = Checks.positive(timeout, "responseTimeout");
      return this;
    }

    /**
     * Sets the bound on a whole attempt, verification included: when it is up the request in
     * flight is aborted. Defaults to 60 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = Checks.positive(timeout, "attemptTimeout");
      return this;
    }

    /**
     * Sets how long the circuit breaker stays open after three expensive failures in a row
     * (timeouts, 5xx that are not rejections, 429), before it lets one probe through. Only retries
     * of the same content wait for it; refused connections are never counted. Defaults to {@link
     * #DEFAULT_CIRCUIT_OPEN_DURATION 5 s}.
     *
     * @param duration a positive duration
     * @return this builder
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder circuitOpenDuration(Duration duration) {
      this.circuitOpenDuration = Checks.positive(duration, "circuitOpenDuration");
      return this;
    }

    /**
     * With a preset, checks after a successful response that the target really loaded the new
     * configuration, by reading the target's own signal; each preset's class says which (for
     * example {@link PrometheusReload}: {@code /api/v1/status/runtimeinfo}). A failed check is a
     * failed (retried) reload. The target's clock is compared with the {@linkplain
     * #scheduler(Scheduler) scheduler}'s wall clock, with a second of tolerance. Defaults to
     * false; has no effect without a preset.
     *
     * @param verify true to verify
     * @return this builder
     */
    public Builder verify(boolean verify) {
      this.verify = verify;
      return this;
    }

    /**
     * Sets where the action takes its time from: the monotonic clock for the attempt deadline,
     * the time left for each request, durations in log lines and the circuit breaker's open
     * interval; the wall clock for {@code Retry-After} dates and verification; and the timer that
     * cancels a request when the attempt's time is up. That timer must not run on the thread that
     * calls {@link HttpReloadAction#reload(ReloadEvent)} (such as a single-threaded executor that
     * also runs the watcher's reloads), or the deadline could not fire while the request blocks.
     * Defaults to {@link Scheduler#system()}; tests pass {@code FakeScheduler} from {@code
     * watch-testing} to run timeouts and the circuit breaker on fake time.
     *
     * @param scheduler the scheduler
     * @return this builder
     * @throws NullPointerException if {@code scheduler} is null
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler cannot be null");
      return this;
    }

    /** Applies a server's preset: its reload endpoint below {@code base} and reject statuses. */
    Builder preset(Preset preset, URI base) {
      Objects.requireNonNull(base, "base cannot be null");
      uri(Preset.resolve(Preset.checkBase(base), preset.reloadPath()));
      rejectStatus.clear();
      rejectStatus.addAll(preset.rejectStatuses());
      this.preset = preset;
      this.base = base;
      return this;
    }

    /**
     * Builds the action. Pure: no files are read and no client is created until the first
     * reload; the builder stays usable.
     *
     * @return a new action
     * @throws IllegalStateException if no URI was set, TLS options were given for plain HTTP,
     *     {@code insecureSkipVerify()} was combined with a CA bundle, or more than one kind of
     *     credentials was configured
     */
    public HttpReloadAction build() {
      if (uri == null) {
        throw new IllegalStateException("no uri: call uri(...) before build()");
      }
      boolean tlsOptions = caCertificate != null || clientCertificate != null || insecureSkipVerify;
      if (tlsOptions && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalStateException("TLS options are set but the uri ("
            + Credentials.redacted(uri) + ") is plain http: use https://");
      }
      if (insecureSkipVerify && caCertificate != null) {
        throw new IllegalStateException("insecureSkipVerify() turns off the verification that"
            + " caCertificate(...) configures: choose one");
      }
      int credentials = (bearerTokenFile != null ? 1 : 0) + (basicUser != null ? 1 : 0)
          + (uri.getRawUserInfo() != null ? 1 : 0)
          + (headers.keySet().stream().anyMatch("Authorization"::equalsIgnoreCase) ? 1 : 0);
      if (credentials > 1) {
        throw new IllegalStateException("more than one of bearerTokenFile(...), basicAuth(...),"
            + " user info in the uri and an Authorization header is configured: choose one");
      }
      return new HttpReloadAction(this);
    }
  }
}
