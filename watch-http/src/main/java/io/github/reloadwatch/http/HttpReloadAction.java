package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadFailedException;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
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
 * verification requests of a preset), bounded by {@link Builder#attemptTimeout(Duration)}: the
 * watcher owns retries and backoff. Outcomes:
 *
 * <ul>
 *   <li>the expected status (any 2xx by default): success;
 *   <li>connection refused or reset, unknown host, timeouts, 408, 429, 502, 503, 504, and other 5xx
 *       outside the presets: {@linkplain HttpReloadException.Kind#TRANSIENT transient}, retried
 *       with backoff; a {@code Retry-After} header is passed on as the least delay;
 *   <li>a status listed by {@link Builder#rejectStatus(int...)} (500 for the Prometheus and
 *       Alertmanager presets): the target refused the content, thrown as {@link
 *       ReloadRejectedException} and not retried until the content changes;
 *   <li>401, 403, 404, 405, other 4xx, redirects, unreadable credential or TLS files, TLS
 *       failures: {@linkplain HttpReloadException.Kind#MISCONFIGURATION misconfigurations} with a
 *       message that says what to fix. They are retried with backoff, so fixing the target (for
 *       example restarting Prometheus with {@code --web.enable-lifecycle}) heals the watcher
 *       without another content change.
 * </ul>
 *
 * <p>A circuit breaker (Resilience4j) stops calling a target that keeps failing transiently: after
 * three transient failures in a row it stays open for {@link Builder#circuitOpenDuration(Duration)},
 * failing attempts at once with a {@link ReloadFailedException} whose {@linkplain
 * ReloadFailedException#retryAfter() hint} is the time left, then lets one probe through.
 *
 * <p>Credentials are read from files on every attempt, so rotated Kubernetes tokens are picked up;
 * the CA bundle and client certificate are checked for changes on every attempt and reloaded when
 * they changed. Credentials, header values and the password of a URI's user info never appear in
 * logs, exceptions or {@link #toString()}. Each attempt logs one INFO line (target, outcome,
 * duration, attempt number); request and response details are logged at DEBUG.
 *
 * <p>One pooled HTTP client (Apache HttpClient 5) is created on first use and closed by {@link
 * #close()}, which {@code ReloadWatcher.close()} calls. This class is thread-safe.
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

  /** The default time the circuit stays open before one probe: 30 s. */
  public static final Duration DEFAULT_CIRCUIT_OPEN_DURATION = Duration.ofSeconds(30);

  /** The longest {@code Retry-After} passed on to the watcher: 10 minutes. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);
  /** Transient failures in a row that open the circuit. */
  private static final int FAILURES_TO_OPEN = 3;
  /** How much of a reload response is read: enough for any error message. */
  static final int RESPONSE_BODY_LIMIT = 64 * 1024;
  /** How much of a verification response is read: a whole /metrics page. */
  static final int VERIFY_BODY_LIMIT = 8 * 1024 * 1024;
  private static final int EXCERPT_LIMIT = 512;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern SENSITIVE_HEADER =
      Pattern.compile("(?i).*(auth|token|key|secret|cookie|password|session).*");
  private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");
  private static final AtomicInteger counter = new AtomicInteger();

  /** Which server the action talks to, for presets' classification and verification. */
  enum Preset {
    NONE,
    PROMETHEUS,
    ALERTMANAGER
  }

  private final URI uri;
  private final String target;
  private final URI base;
  private final String method;
  private final Map<String, String> headers;
  private final String contentType;
  private final String body;
  private final Set<Integer> expectStatus;
  private final Set<Integer> rejectStatus;
  private final Path bearerTokenFile;
  private final String basicUser;
  private final Path basicPasswordFile;
  private final String userInfoPassword;
  private final Path caCertificate;
  private final Path clientCertificate;
  private final Path clientKey;
  private final boolean insecureSkipVerify;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration attemptTimeout;
  private final boolean verify;
  private final Preset preset;
  private final Clock clock;
  private final CircuitBreaker circuitBreaker;
  private final Duration circuitOpenDuration;
  private final AtomicBoolean warnedInsecure = new AtomicBoolean();
  /** Requests being sent, so that close() can abort them. */
  private final Set<HttpUriRequestBase> inFlight = ConcurrentHashMap.newKeySet();

  // @GuardedBy("this")
  private CloseableHttpClient client;
  // @GuardedBy("this"): the TLS files' identities the client was built from
  private List<Object> clientTlsFiles;
  // @GuardedBy("this")
  private boolean closed;
  /** When the circuit breaker lets the next probe through, if it is open. */
  private volatile Instant openUntil;

  private HttpReloadAction(Builder b) {
    this.uri = withoutUserInfo(b.uri);
    this.target = b.method + " " + this.uri;
    this.base = b.base != null ? withoutUserInfo(b.base) : this.uri;
    this.method = b.method;
    this.headers = Map.copyOf(b.headers);
    this.contentType = b.contentType;
    this.body = b.body;
    this.expectStatus = Set.copyOf(b.expectStatus);
    this.rejectStatus = Set.copyOf(b.rejectStatus);
    this.bearerTokenFile = b.bearerTokenFile;
    String[] userInfo = userInfo(b.uri);
    this.basicUser = b.basicUser != null ? b.basicUser : userInfo[0];
    this.basicPasswordFile = b.basicPasswordFile;
    this.userInfoPassword = b.basicUser != null ? null : userInfo[1];
    this.caCertificate = b.caCertificate;
    this.clientCertificate = b.clientCertificate;
    this.clientKey = b.clientKey;
    this.insecureSkipVerify = b.insecureSkipVerify;
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.attemptTimeout = b.attemptTimeout;
    this.verify = b.verify;
    this.preset = b.preset;
    this.clock = b.clock;
    this.circuitOpenDuration = b.circuitOpenDuration;
    this.circuitBreaker = CircuitBreaker.of(
        "reloadwatch-http-" + counter.incrementAndGet(),
        CircuitBreakerConfig.custom()
            // open when the last three calls all failed transiently; any answer that is not
            // transient (a success, a 401, a rejection) counts as success: the target is alive
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(FAILURES_TO_OPEN)
            .minimumNumberOfCalls(FAILURES_TO_OPEN)
            .failureRateThreshold(100)
            .waitDurationInOpenState(b.circuitOpenDuration)
            .permittedNumberOfCallsInHalfOpenState(1)
            .clock(b.clock)
            .build());
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
   * Sends the reload request once, and verifies the result if enabled. Logs one INFO line with
   * the outcome.
   *
   * @param event the reload; its attempt number is logged
   * @throws ReloadRejectedException if the target refused the content (a {@link
   *     Builder#rejectStatus(int...) reject status}); the cause is an {@link HttpReloadException}
   * @throws HttpReloadException if the attempt failed in a way that may pass; see {@link
   *     HttpReloadException#kind()}
   * @throws ReloadFailedException if the circuit breaker is open; its hint is the time left
   * @throws IllegalStateException if this action was closed
   * @throws NullPointerException if {@code event} is null
   * @throws Exception only the types above; declared as in {@link ReloadAction}
   */
  @Override
  public void reload(ReloadEvent event) throws Exception {
    Objects.requireNonNull(event, "event cannot be null");
    checkOpen();
    long startNanos = System.nanoTime();
    if (!circuitBreaker.tryAcquirePermission()) {
      Duration wait = remainingOpen();
      logOutcome("not called, circuit breaker open for another " + wait.toMillis() + " ms",
          startNanos, event);
      throw new ReloadFailedException(target + " failed repeatedly, so it is not called for"
          + " another " + wait.toMillis() + " ms (circuit breaker open); then one probe goes"
          + " through", null, wait);
    }
    Instant started = clock.instant();
    String outcome = "failed unexpectedly";
    boolean recorded = false;
    try {
      Response response;
      try {
        response = execute(method, uri, true, startNanos, RESPONSE_BODY_LIMIT);
      } catch (HttpReloadException e) {
        if (e.requestSent()) {
          outcome = e.outcome()
              + record(e.kind() == HttpReloadException.Kind.TRANSIENT, startNanos);
          recorded = true;
        } else {
          outcome = e.outcome(); // nothing was sent: the permission is released below
        }
        throw e;
      }
      HttpReloadException failure = classify(response);
      outcome = response.status()
          + (response.reason() == null || response.reason().isEmpty() ? "" : " " + response.reason())
          + record(failure != null && failure.kind() == HttpReloadException.Kind.TRANSIENT,
              startNanos);
      recorded = true;
      if (failure != null) {
        if (failure.kind() == HttpReloadException.Kind.REJECTED) {
          throw new ReloadRejectedException(failure.getMessage(), failure);
        }
        throw failure;
      }
      if (verify && preset != Preset.NONE) {
        try {
          Verifier.verify(this, preset, started, startNanos);
          outcome += ", verified";
        } catch (HttpReloadException e) {
          outcome += "not confirmed".equals(e.outcome())
              ? ", not confirmed" : ", verification failed (" + e.outcome() + ")";
          throw e;
        }
      }
    } finally {
      if (!recorded) {
        circuitBreaker.releasePermission();
      }
      logOutcome(outcome, startNanos, event);
    }
  }

  /**
   * Records a call's result with the circuit breaker; returns a note for the log line if that
   * opened or closed the circuit.
   */
  private String record(boolean transientFailure, long startNanos) {
    CircuitBreaker.State before = circuitBreaker.getState();
    long took = System.nanoTime() - startNanos;
    if (transientFailure) {
      circuitBreaker.onError(took, TimeUnit.NANOSECONDS, new IOException("transient failure"));
    } else {
      circuitBreaker.onSuccess(took, TimeUnit.NANOSECONDS);
    }
    CircuitBreaker.State after = circuitBreaker.getState();
    if (after == before) {
      return "";
    }
    if (after == CircuitBreaker.State.OPEN) {
      openUntil = clock.instant().plus(circuitOpenDuration);
      return "; circuit breaker now open for " + circuitOpenDuration.toMillis() + " ms";
    }
    if (after == CircuitBreaker.State.CLOSED) {
      openUntil = null;
      return "; circuit breaker closed again";
    }
    return "";
  }

  private Duration remainingOpen() {
    Instant until = openUntil;
    if (until == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), until);
    return left.isNegative() ? Duration.ZERO : left;
  }

  private void logOutcome(String outcome, long startNanos, ReloadEvent event) {
    logger.info("{} -> {} in {} ms (attempt {})", target, outcome,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), event.attempt());
  }

  /** A response, read and released. */
  record Response(int status, String reason, String body, String excerpt, Header retryAfter,
      Header location) {}

  /**
   * Sends one request with this action's credentials, TLS and timeouts, bounded by what is left of
   * the attempt. Every failure is an {@link HttpReloadException}.
   */
  Response execute(String requestMethod, URI requestUri, boolean withBody, long attemptStartNanos,
      int bodyLimit) throws HttpReloadException {
    long remaining = attemptTimeout.toNanos() - (System.nanoTime() - attemptStartNanos);
    if (remaining <= 0) {
      throw attemptTimedOut(requestUri, null);
    }
    Credentials credentials = credentials();
    CloseableHttpClient http = client();
    Timeout wait = Timeout.of(Math.min(remaining, responseTimeout.toNanos()), TimeUnit.NANOSECONDS);
    HttpUriRequestBase request = new HttpUriRequestBase(requestMethod, requestUri);
    request.setConfig(RequestConfig.custom()
        .setResponseTimeout(wait)
        .setConnectionRequestTimeout(wait)
        .build());
    headers.forEach(request::addHeader);
    if (credentials.authorization() != null) {
      request.setHeader("Authorization", credentials.authorization());
    }
    if (withBody && body != null) {
      request.setEntity(new StringEntity(body, ContentType.parse(contentType)));
    } else if (METHODS_WITH_BODY.contains(requestMethod)) {
      request.setEntity(new ByteArrayEntity(new byte[0], null)); // Content-Length: 0
    }
    if (logger.isDebugEnabled()) {
      logger.debug("{} {}: sending with headers {}, {}, {} ms left of the attempt", requestMethod,
          requestUri, new TreeSet<>(headers.keySet()), credentials.description(),
          TimeUnit.NANOSECONDS.toMillis(remaining));
    }
    Deadline deadline = new Deadline(request, remaining);
    inFlight.add(request);
    try {
      Response response = http.execute(request, r -> {
        String text = read(r.getEntity(), bodyLimit);
        return new Response(r.getCode(), r.getReasonPhrase(), text, excerpt(text, credentials),
            r.getFirstHeader("Retry-After"), r.getFirstHeader("Location"));
      });
      if (logger.isDebugEnabled()) {
        logger.debug("{} {}: {} {}, Retry-After {}, body: {}", requestMethod, requestUri,
            response.status(), response.reason(),
            response.retryAfter() == null ? "none" : response.retryAfter().getValue(),
            response.excerpt());
      }
      return response;
    } catch (IOException e) {
      logger.debug("{} {}: failed: {}", requestMethod, requestUri, e.toString());
      if (deadline.fired()) {
        throw attemptTimedOut(requestUri, e);
      }
      if (isClosed()) {
        throw new HttpReloadException(describe(requestUri) + " was aborted: the action was"
            + " closed", HttpReloadException.Kind.TRANSIENT, 0, e, null, "aborted by close()");
      }
      throw translate(e, requestUri, wait);
    } finally {
      inFlight.remove(request);
      deadline.cancel();
    }
  }

  private HttpReloadException attemptTimedOut(URI requestUri, Throwable cause) {
    return new HttpReloadException(describe(requestUri) + " did not complete within the attempt"
        + " timeout of " + attemptTimeout.toMillis() + " ms",
        HttpReloadException.Kind.TRANSIENT, 0, cause, null, "attempt timed out");
  }

  private HttpReloadException translate(IOException e, URI requestUri, Timeout wait) {
    String where = describe(requestUri);
    if (e instanceof ConnectTimeoutException) {
      return new HttpReloadException("cannot connect to " + where + " within "
          + connectTimeout.toMillis() + " ms: " + e.getMessage(),
          HttpReloadException.Kind.TRANSIENT, 0, e, null, "connect timed out");
    }
    if (e instanceof ConnectException) {
      return new HttpReloadException("cannot connect to " + where + ": " + e.getMessage()
          + " (is it running and listening there?)",
          HttpReloadException.Kind.TRANSIENT, 0, e, null, "connection refused");
    }
    if (e instanceof UnknownHostException) {
      return new HttpReloadException("cannot resolve the host of " + where + ": " + e.getMessage(),
          HttpReloadException.Kind.TRANSIENT, 0, e, null, "unknown host");
    }
    if (e instanceof SocketTimeoutException) {
      return new HttpReloadException(where + " did not answer within "
          + TimeUnit.NANOSECONDS.toMillis(wait.toNanoseconds()) + " ms",
          HttpReloadException.Kind.TRANSIENT, 0, e, null, "timed out");
    }
    if (e instanceof NoHttpResponseException) {
      return new HttpReloadException(where + " closed the connection without answering: "
          + e.getMessage(), HttpReloadException.Kind.TRANSIENT, 0, e, null, "no response");
    }
    if (e instanceof SSLException) {
      if (causedBy(e, EOFException.class) || causedBy(e, SocketException.class)) {
        return new HttpReloadException("TLS connection to " + where + " was closed by the server"
            + " during the handshake: " + e.getMessage() + "; if this persists, check the client"
            + " certificate the server expects",
            HttpReloadException.Kind.TRANSIENT, 0, e, null, "TLS connection closed");
      }
      return new HttpReloadException("TLS with " + where + " failed: " + e.getMessage()
          + "; check caCertificate(...) (the server's CA), that the URI's host matches the"
          + " certificate, and the client certificate if the server wants one",
          HttpReloadException.Kind.MISCONFIGURATION, 0, e, null, "TLS failed");
    }
    return new HttpReloadException(where + " failed: " + e,
        HttpReloadException.Kind.TRANSIENT, 0, e, null,
        "I/O error (" + e.getClass().getSimpleName() + ")");
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String read(HttpEntity entity, int limit) throws IOException {
    if (entity == null) {
      return "";
    }
    try (InputStream in = entity.getContent()) {
      byte[] bytes = in.readNBytes(limit);
      EntityUtils.consumeQuietly(entity);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private String describe(URI requestUri) {
    return requestUri.equals(uri) ? target : requestUri.toString();
  }

  /** Classifies a response; null means success. */
  HttpReloadException classify(Response r) {
    int status = r.status();
    boolean ok = expectStatus.isEmpty() ? status / 100 == 2 : expectStatus.contains(status);
    if (ok) {
      return null;
    }
    String excerpt = r.excerpt();
    String answered = target + " answered " + status
        + (r.reason() == null || r.reason().isEmpty() ? "" : " " + r.reason());
    if (rejectStatus.contains(status)) {
      return new HttpReloadException(
          answered + ": the target rejected the new configuration: " + excerpt,
          HttpReloadException.Kind.REJECTED, status, null, null);
    }
    switch (status) {
      case 408, 429, 502, 503, 504 -> {
        Duration retryAfter = retryAfter(r.retryAfter());
        return new HttpReloadException(
            answered + (retryAfter != null ? " (retry after " + retryAfter.toSeconds() + " s)" : "")
                + ": " + excerpt,
            HttpReloadException.Kind.TRANSIENT, status, null, retryAfter);
      }
      case 401 -> {
        return new HttpReloadException(
            answered + ": the credentials were refused; check " + credentialSource(),
            HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
      }
      case 403 -> {
        if (r.body().toLowerCase(Locale.ROOT).contains("lifecycle api is not enabled")) {
          return new HttpReloadException(
              answered + ": the lifecycle API is not enabled; start Prometheus with"
                  + " --web.enable-lifecycle so that POST /-/reload works",
              HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
        }
        return new HttpReloadException(
            answered + ": forbidden; check " + credentialSource() + " and the server's"
                + " authorization rules: " + excerpt,
            HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
      }
      case 404 -> {
        return new HttpReloadException(
            answered + ": the URL is wrong; check the path (for Prometheus behind"
                + " --web.route-prefix, include the prefix in the base URI): " + excerpt,
            HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
      }
      case 405 -> {
        return new HttpReloadException(
            answered + ": the method is wrong; this endpoint does not accept " + method
                + " (set method(...))",
            HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
      }
      default -> {
        if (status / 100 == 3) {
          return new HttpReloadException(answered + ": redirects are not followed; use the"
              + " redirect target " + (r.location() == null ? "" : r.location().getValue() + " ")
              + "as the uri", HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
        }
        String expected = expectStatus.isEmpty() ? "" : " (expected " + new TreeSet<>(expectStatus)
            + ")";
        HttpReloadException.Kind kind = status >= 500
            ? HttpReloadException.Kind.TRANSIENT : HttpReloadException.Kind.MISCONFIGURATION;
        return new HttpReloadException(answered + expected + ": " + excerpt, kind, status, null,
            null);
      }
    }
  }

  private Duration retryAfter(Header header) {
    if (header == null) {
      return null;
    }
    String value = header.getValue().strip();
    Duration delay;
    try {
      long seconds = Long.parseLong(value);
      if (seconds < 0) {
        return null;
      }
      delay = Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds()));
    } catch (NumberFormatException e) {
      Instant date = DateUtils.parseStandardDate(value);
      if (date == null) {
        logger.debug("{}: ignoring an unreadable Retry-After [{}]", target, value);
        return null;
      }
      delay = Duration.between(clock.instant(), date);
      delay = delay.isNegative() ? Duration.ZERO : delay;
    }
    if (delay.compareTo(MAX_RETRY_AFTER) > 0) {
      logger.debug("{}: Retry-After [{}] capped at {}", target, value, MAX_RETRY_AFTER);
      return MAX_RETRY_AFTER;
    }
    return delay;
  }

  /**
   * A bounded, whitespace-collapsed excerpt of a response body with any credential this action
   * sends replaced, in case the server echoes the request.
   */
  private String excerpt(String responseBody, Credentials credentials) {
    String text = responseBody.strip().replaceAll("\\s+", " ");
    for (String secret : credentials.secrets()) {
      text = text.replace(secret, "[redacted]");
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (SENSITIVE_HEADER.matcher(h.getKey()).matches() && h.getValue().length() >= 4) {
        text = text.replace(h.getValue(), "[redacted]");
      }
    }
    if (text.isEmpty()) {
      return "(empty body)";
    }
    return text.length() > EXCERPT_LIMIT ? text.substring(0, EXCERPT_LIMIT) + "..." : text;
  }

  private String credentialSource() {
    if (bearerTokenFile != null) {
      return "the bearer token read from [" + bearerTokenFile + "]";
    }
    if (basicUser != null) {
      return "basic auth user '" + basicUser + "' with the password "
          + (basicPasswordFile != null ? "read from [" + basicPasswordFile + "]"
              : "from the URI's user info");
    }
    return "the credentials (none are configured: add bearerTokenFile(...) or basicAuth(...))";
  }

  /** What to send for this attempt, and which values must never be shown. */
  private record Credentials(String authorization, List<String> secrets, String description) {}

  private Credentials credentials() throws HttpReloadException {
    if (bearerTokenFile != null) {
      String token = readSecret(bearerTokenFile, "bearer token");
      return new Credentials("Bearer " + token, List.of(token),
          "bearer token from [" + bearerTokenFile + "]");
    }
    if (basicUser != null) {
      String password = basicPasswordFile != null
          ? readSecret(basicPasswordFile, "basic auth password")
          : Objects.requireNonNullElse(userInfoPassword, "");
      String encoded = Base64.getEncoder().encodeToString(
          (basicUser + ":" + password).getBytes(StandardCharsets.UTF_8));
      List<String> secrets = new ArrayList<>(List.of(encoded));
      if (password.length() >= 4) {
        secrets.add(password);
      }
      return new Credentials("Basic " + encoded, secrets, "basic auth user '" + basicUser + "'");
    }
    return new Credentials(null, List.of(), "no credentials");
  }

  /** A failure before any request was sent: a credential or TLS file problem. */
  private HttpReloadException local(String message, Throwable cause, String outcome) {
    return new HttpReloadException(target + ": " + message, HttpReloadException.Kind.MISCONFIGURATION,
        0, cause, null, outcome, false);
  }

  private String readSecret(Path file, String what) throws HttpReloadException {
    String value;
    try {
      value = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw local("the " + what + " file [" + file + "] is missing; check the path and the volume"
          + " that should provide it", e, what + " file missing");
    } catch (IOException | RuntimeException e) {
      throw local("cannot read the " + what + " file [" + file + "]: "
          + e.getClass().getSimpleName(), e, what + " file unreadable");
    }
    if (value.isEmpty()) {
      throw local("the " + what + " file [" + file + "] is empty", null, what + " file empty");
    }
    return value;
  }

  private void checkOpen() {
    if (isClosed()) {
      throw new IllegalStateException("HttpReloadAction for " + target + " is closed");
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Returns the pooled client, building it on first use and again when a TLS file changed (a
   * rotated certificate or CA bundle).
   */
  private synchronized CloseableHttpClient client() throws HttpReloadException {
    if (closed) {
      throw new IllegalStateException("HttpReloadAction for " + target + " is closed");
    }
    List<Object> tlsFiles = tlsFileIdentities();
    if (client != null && tlsFiles.equals(clientTlsFiles)) {
      return client;
    }
    SSLContext tls = null;
    if (insecureSkipVerify && warnedInsecure.compareAndSet(false, true)) {
      logger.warn("TLS certificate and hostname verification is OFF for {}"
          + " (insecureSkipVerify): anyone on the network path can impersonate the target;"
          + " use caCertificate(...) instead", target);
    }
    if (insecureSkipVerify || caCertificate != null || clientCertificate != null) {
      try {
        tls = Tls.context(caCertificate, clientCertificate, clientKey, insecureSkipVerify);
      } catch (IOException | RuntimeException e) {
        throw local("cannot set up TLS: " + e.getMessage(), e, "TLS files unusable");
      }
    }
    PoolingHttpClientConnectionManagerBuilder connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(2)
            .setMaxConnPerRoute(2)
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(responseTimeout))
                // reloads and retries are at least 100 ms apart: check a pooled connection (a
                // 1 ms read) before reusing it, so a restarted target does not cost an attempt
                .setValidateAfterInactivity(TimeValue.ofMilliseconds(100))
                .build());
    if (tls != null) {
      connections.setTlsSocketStrategy(insecureSkipVerify
          ? new DefaultClientTlsStrategy(
              tls, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE)
          : new DefaultClientTlsStrategy(tls));
    }
    CloseableHttpClient previous = client;
    client = HttpClients.custom()
        .setConnectionManager(connections.build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .setUserAgent("reloadwatch")
        .build();
    clientTlsFiles = tlsFiles;
    if (previous != null) {
      logger.debug("{}: TLS files changed; new HTTP client", target);
      previous.close(CloseMode.GRACEFUL);
    }
    return client;
  }

  /** The identity (file key, size, modification time) of every TLS file, to notice rotation. */
  private List<Object> tlsFileIdentities() throws HttpReloadException {
    List<Object> identities = new ArrayList<>();
    for (Path file : new Path[] {caCertificate, clientCertificate, clientKey}) {
      if (file == null) {
        continue;
      }
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        identities.add(List.of(file, String.valueOf(a.fileKey()), a.size(),
            a.lastModifiedTime().toMillis()));
      } catch (IOException e) {
        throw local("cannot read the TLS file [" + file + "]: " + e.getClass().getSimpleName()
            + "; check the path and the volume that should provide it", e, "TLS file unreadable");
      }
    }
    return identities;
  }

  /** The base URI of a preset (without user info), for verification requests. */
  URI base() {
    return base;
  }

  /**
   * Aborts a request in flight, if any, and closes the pooled HTTP client. Idempotent; may be
   * called from any thread; later reloads throw {@link IllegalStateException}.
   */
  @Override
  public void close() {
    CloseableHttpClient toClose;
    synchronized (this) {
      closed = true;
      toClose = client;
      client = null;
    }
    inFlight.forEach(HttpUriRequestBase::cancel);
    if (toClose != null) {
      toClose.close(CloseMode.GRACEFUL);
    }
  }

  /**
   * Describes the action: method, URI without user info, credential sources (file paths only),
   * TLS options. Never contains a secret or a header value.
   *
   * @return a description
   */
  @Override
  public String toString() {
    return "HttpReloadAction{" + target
        + (preset != Preset.NONE ? ", preset=" + preset.name().toLowerCase(Locale.ROOT) : "")
        + (headers.isEmpty() ? "" : ", headers=" + new TreeSet<>(headers.keySet()))
        + (bearerTokenFile != null ? ", bearerTokenFile=" + bearerTokenFile : "")
        + (basicUser != null ? ", basicAuthUser=" + basicUser : "")
        + (basicPasswordFile != null ? ", basicPasswordFile=" + basicPasswordFile : "")
        + (caCertificate != null ? ", caCertificate=" + caCertificate : "")
        + (clientCertificate != null ? ", clientCertificate=" + clientCertificate : "")
        + (insecureSkipVerify ? ", insecureSkipVerify" : "")
        + (verify && preset != Preset.NONE ? ", verify" : "") + "}";
  }

  /** The URI with its user info removed; path, query and port kept as they were. */
  static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    String authority = uri.getRawAuthority();
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    return URI.create(uri.getScheme() + "://" + hostAndPort
        + (uri.getRawPath() == null ? "" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  private static String[] userInfo(URI uri) {
    String raw = uri.getRawUserInfo();
    if (raw == null) {
      return new String[] {null, null};
    }
    int colon = raw.indexOf(':');
    String user = percentDecode(colon < 0 ? raw : raw.substring(0, colon));
    String password = colon < 0 ? null : percentDecode(raw.substring(colon + 1));
    return new String[] {user, password};
  }

  /** Percent-decodes user info; unlike form decoding, a '+' stays a '+'. */
  private static String percentDecode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * Cancels a request when the attempt's time is up, so that a server that trickles its response
   * cannot hold an attempt past {@link Builder#attemptTimeout(Duration)}. Uses the JDK's shared
   * delay thread; the timer is cancelled as soon as the request ends.
   */
  private static final class Deadline {
    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int FIRED = 2;
    private final CompletableFuture<Void> timer = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    Deadline(HttpUriRequestBase request, long nanos) {
      timer.completeOnTimeout(null, nanos, TimeUnit.NANOSECONDS);
      timer.thenRun(() -> {
        if (state.compareAndSet(RUNNING, FIRED)) {
          request.cancel();
        }
      });
    }

    boolean fired() {
      return state.get() == FIRED;
    }

    /** Stops the timer; completing it normally also removes it from the JDK's delay queue. */
    void cancel() {
      state.compareAndSet(RUNNING, FINISHED);
      timer.complete(null);
    }
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
    private Clock clock = Clock.systemUTC();

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
        throw new IllegalArgumentException("uri (" + redacted(uri)
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
        checked.add(checkStatus(code));
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
        checked.add(checkStatus(code));
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
      this.connectTimeout = checkPositive(timeout, "connectTimeout");
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
      this.responseTimeout = checkPositive(timeout, "responseTimeout");
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
      this.attemptTimeout = checkPositive(timeout, "attemptTimeout");
      return this;
    }

    /**
     * Sets how long the circuit breaker stays open after repeated transient failures, before it
     * lets one probe through. Defaults to 30 s.
     *
     * @param duration a positive duration
     * @return this builder
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder circuitOpenDuration(Duration duration) {
      this.circuitOpenDuration = checkPositive(duration, "circuitOpenDuration");
      return this;
    }

    /**
     * With a preset, checks after a successful response that the target really loaded the new
     * configuration: Prometheus' {@code /api/v1/status/runtimeinfo} ({@code reloadConfigSuccess}
     * and {@code lastConfigTime}, falling back to its {@code /metrics}), Alertmanager's {@code
     * alertmanager_config_last_reload_*} metrics. A failed check is a failed (retried) reload.
     * The target's clock is compared with ours, with a second of tolerance. Defaults to false;
     * has no effect without a preset.
     *
     * @param verify true to verify
     * @return this builder
     */
    public Builder verify(boolean verify) {
      this.verify = verify;
      return this;
    }

    Builder preset(Preset preset, URI base) {
      this.preset = preset;
      this.base = base;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock cannot be null");
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
        throw new IllegalStateException("TLS options are set but the uri (" + redacted(uri)
            + ") is plain http: use https://");
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

    private static String redacted(URI uri) {
      if (uri.getRawUserInfo() == null) {
        return uri.toString();
      }
      try {
        return withoutUserInfo(uri).toString();
      } catch (IllegalArgumentException e) {
        return "(a URI with user info)";
      }
    }

    private static int checkStatus(int code) {
      if (code < 100 || code > 599) {
        throw new IllegalArgumentException("status (" + code + ") must be in 100-599");
      }
      return code;
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
