package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadFailedException;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
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
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
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
 * <p>Each {@link #reload(ReloadEvent)} call is one attempt: the watcher owns retries and backoff.
 * Outcomes: the expected status (any 2xx by default) is success; connection refused or reset,
 * timeouts, 429, 502, 503 and 504 are {@linkplain HttpReloadException.Kind#TRANSIENT transient}
 * (a {@code Retry-After} header is honoured); a status listed by {@link
 * Builder#rejectStatus(int...)} (500 for the Prometheus and Alertmanager presets) means the target
 * refused the content and is thrown as {@link ReloadRejectedException}; 401, 403, 404, 405 and TLS
 * failures are {@linkplain HttpReloadException.Kind#MISCONFIGURATION misconfigurations} with a
 * message that says what to fix. A circuit breaker stops calling a target that keeps failing
 * transiently and lets one probe through after {@link Builder#circuitOpenDuration(Duration)}.
 *
 * <p>Credentials are read from files on every attempt, so rotated Kubernetes tokens are picked up.
 * They, and the password of a URI's user info, never appear in logs, exceptions or {@link
 * #toString()}. One pooled HTTP client (Apache HttpClient 5) is created on first use and closed by
 * {@link #close()}, which {@code ReloadWatcher.close()} calls.
 *
 * <p>This class is thread-safe.
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

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);
  private static final int BODY_LIMIT = 64 * 1024;
  private static final int EXCERPT_LIMIT = 512;
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

  // @GuardedBy("this")
  private CloseableHttpClient client;
  // @GuardedBy("this")
  private boolean closed;

  private HttpReloadAction(Builder b) {
    this.uri = withoutUserInfo(b.uri);
    this.target = b.method + " " + this.uri;
    this.base = b.base != null ? b.base : this.uri;
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
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(5)
            .minimumNumberOfCalls(3)
            .failureRateThreshold(60)
            .waitDurationInOpenState(b.circuitOpenDuration)
            .permittedNumberOfCallsInHalfOpenState(1)
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
   * Sends the reload request once, and verifies the result if enabled.
   *
   * @param event the reload
   * @throws ReloadRejectedException if the target refused the content
   * @throws HttpReloadException if the attempt failed; see {@link HttpReloadException#kind()}
   * @throws ReloadFailedException if the circuit breaker is open
   * @throws IOException if a credential file cannot be read
   */
  @Override
  public void reload(ReloadEvent event) throws ReloadRejectedException, IOException {
    if (!circuitBreaker.tryAcquirePermission()) {
      throw new ReloadFailedException(
          target + " failed repeatedly; not calling it for up to "
              + circuitOpenDuration.toSeconds() + " s (circuit breaker open)",
          null, circuitOpenDuration);
    }
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    Response response;
    try {
      response = execute(method, uri, true, startNanos);
    } catch (HttpReloadException e) {
      circuitBreaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, e);
      logOutcome(e.getMessage(), startNanos, event);
      throw e;
    } catch (IOException | RuntimeException e) {
      circuitBreaker.releasePermission();
      throw e;
    }
    HttpReloadException failure = classify(response);
    if (failure == null) {
      circuitBreaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    } else if (failure.kind() == HttpReloadException.Kind.TRANSIENT) {
      circuitBreaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, failure);
    } else {
      circuitBreaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
    logOutcome(String.valueOf(response.status()), startNanos, event);
    if (failure != null) {
      if (failure.kind() == HttpReloadException.Kind.REJECTED) {
        throw new ReloadRejectedException(failure.getMessage(), failure);
      }
      throw failure;
    }
    if (verify && preset != Preset.NONE) {
      Verifier.verify(this, preset, started, startNanos);
    }
  }

  private void logOutcome(String outcome, long startNanos, ReloadEvent event) {
    logger.info("{} -> {} in {} ms (attempt {})", target, outcome,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), event.attempt());
  }

  /** A response, read and released. */
  record Response(int status, String reason, String body, Header retryAfter) {}

  /**
   * Sends one request with this action's credentials, TLS and timeouts, bounded by what is left of
   * the attempt.
   */
  Response execute(String requestMethod, URI requestUri, boolean withBody, long attemptStartNanos)
      throws IOException {
    long remaining = attemptTimeout.toNanos() - (System.nanoTime() - attemptStartNanos);
    if (remaining <= 0) {
      throw new HttpReloadException(target + " did not complete within the attempt timeout of "
          + attemptTimeout.toMillis() + " ms", HttpReloadException.Kind.TRANSIENT, 0, null, null);
    }
    Timeout wait = Timeout.of(Math.min(remaining, responseTimeout.toNanos()), TimeUnit.NANOSECONDS);
    HttpUriRequestBase request = new HttpUriRequestBase(requestMethod, requestUri);
    request.setConfig(RequestConfig.custom()
        .setResponseTimeout(wait)
        .setConnectionRequestTimeout(wait)
        .build());
    headers.forEach(request::addHeader);
    String authorization = authorization();
    if (authorization != null) {
      request.setHeader("Authorization", authorization);
    }
    if (withBody && body != null) {
      request.setEntity(new StringEntity(body, ContentType.parse(contentType)));
    }
    try {
      return client().execute(request, r -> new Response(
          r.getCode(), r.getReasonPhrase(), read(r.getEntity()), r.getFirstHeader("Retry-After")));
    } catch (ConnectException e) {
      throw new HttpReloadException("cannot connect to " + describe(requestUri) + ": "
          + e.getMessage() + " (is it running and listening there?)",
          HttpReloadException.Kind.TRANSIENT, 0, e, null);
    } catch (SocketTimeoutException e) {
      throw new HttpReloadException(describe(requestUri) + " did not answer within "
          + TimeUnit.NANOSECONDS.toMillis(wait.toNanoseconds()) + " ms",
          HttpReloadException.Kind.TRANSIENT, 0, e, null);
    } catch (SSLException e) {
      throw new HttpReloadException("TLS with " + describe(requestUri) + " failed: "
          + e.getMessage() + "; check caCertificate(...) (the server's CA), that the URI's host"
          + " matches the certificate, and the client certificate if the server wants one",
          HttpReloadException.Kind.MISCONFIGURATION, 0, e, null);
    } catch (IOException e) {
      if (e instanceof HttpReloadException) {
        throw e;
      }
      throw new HttpReloadException(describe(requestUri) + " failed: " + e,
          HttpReloadException.Kind.TRANSIENT, 0, e, null);
    }
  }

  private static String read(HttpEntity entity) throws IOException {
    if (entity == null) {
      return "";
    }
    try (InputStream in = entity.getContent()) {
      byte[] bytes = in.readNBytes(BODY_LIMIT);
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
    String excerpt = excerpt(r.body());
    String answered = target + " answered " + status
        + (r.reason() == null || r.reason().isEmpty() ? "" : " " + r.reason());
    if (rejectStatus.contains(status)) {
      return new HttpReloadException(
          answered + ": the target rejected the new configuration: " + excerpt,
          HttpReloadException.Kind.REJECTED, status, null, null);
    }
    switch (status) {
      case 429, 502, 503, 504 -> {
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
                + " --web.route-prefix, include the prefix in the base URI)",
            HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
      }
      case 405 -> {
        return new HttpReloadException(
            answered + ": the method is wrong; this endpoint does not accept " + method,
            HttpReloadException.Kind.MISCONFIGURATION, status, null, null);
      }
      default -> {
        HttpReloadException.Kind kind = status >= 500
            ? HttpReloadException.Kind.TRANSIENT : HttpReloadException.Kind.MISCONFIGURATION;
        return new HttpReloadException(answered + ": " + excerpt, kind, status, null, null);
      }
    }
  }

  private Duration retryAfter(Header header) {
    if (header == null) {
      return null;
    }
    String value = header.getValue().strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException e) {
      Instant date = DateUtils.parseStandardDate(value);
      if (date == null) {
        return null;
      }
      Duration until = Duration.between(clock.instant(), date);
      return until.isNegative() ? Duration.ZERO : until;
    }
  }

  private static String excerpt(String body) {
    String text = body.strip().replaceAll("\\s+", " ");
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

  private String authorization() throws IOException {
    if (bearerTokenFile != null) {
      String token = readSecret(bearerTokenFile, "bearer token");
      return "Bearer " + token;
    }
    if (basicUser != null) {
      String password = basicPasswordFile != null
          ? readSecret(basicPasswordFile, "basic auth password")
          : Objects.requireNonNullElse(userInfoPassword, "");
      return "Basic " + Base64.getEncoder().encodeToString(
          (basicUser + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  private static String readSecret(Path file, String what) throws IOException {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new IOException(what + " file [" + file + "] is empty");
      }
      return value;
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null,
          what + " file is missing: check the path and the volume that should provide it");
    }
  }

  private synchronized CloseableHttpClient client() throws IOException {
    if (closed) {
      throw new IOException("HttpReloadAction for " + target + " is closed");
    }
    if (client == null) {
      SSLContext tls = null;
      if (insecureSkipVerify) {
        logger.warn("TLS certificate and hostname verification is OFF for {}"
            + " (insecureSkipVerify): anyone on the network path can impersonate the target;"
            + " use caCertificate(...) instead", target);
      }
      if (insecureSkipVerify || caCertificate != null || clientCertificate != null) {
        tls = Tls.context(caCertificate, clientCertificate, clientKey, insecureSkipVerify);
      }
      PoolingHttpClientConnectionManagerBuilder connections =
          PoolingHttpClientConnectionManagerBuilder.create()
              .setMaxConnTotal(2)
              .setMaxConnPerRoute(2)
              .setDefaultConnectionConfig(ConnectionConfig.custom()
                  .setConnectTimeout(Timeout.of(connectTimeout))
                  .setSocketTimeout(Timeout.of(responseTimeout))
                  .build());
      if (tls != null) {
        connections.setTlsSocketStrategy(insecureSkipVerify
            ? new DefaultClientTlsStrategy(
                tls, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE)
            : new DefaultClientTlsStrategy(tls));
      }
      client = HttpClients.custom()
          .setConnectionManager(connections.build())
          .disableAutomaticRetries()
          .disableRedirectHandling()
          .disableCookieManagement()
          .setUserAgent("reloadwatch")
          .build();
    }
    return client;
  }

  /** The base URI of a preset, for verification requests. */
  URI base() {
    return base;
  }

  /** Closes the HTTP client. Idempotent. */
  @Override
  public void close() {
    CloseableHttpClient toClose;
    synchronized (this) {
      closed = true;
      toClose = client;
      client = null;
    }
    if (toClose != null) {
      try {
        toClose.close();
      } catch (IOException e) {
        logger.debug("closing the HTTP client for {} failed", target, e);
      }
    }
  }

  @Override
  public String toString() {
    return "HttpReloadAction{" + target
        + (bearerTokenFile != null ? ", bearerTokenFile=" + bearerTokenFile : "")
        + (basicUser != null ? ", basicAuthUser=" + basicUser : "")
        + (insecureSkipVerify ? ", insecureSkipVerify" : "")
        + (verify ? ", verify" : "") + "}";
  }

  private static URI withoutUserInfo(URI uri) {
    if (uri.getUserInfo() == null) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(),
          uri.getQuery(), uri.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("uri cannot be rebuilt without its user info", e);
    }
  }

  private static String[] userInfo(URI uri) {
    String raw = uri.getRawUserInfo();
    if (raw == null) {
      return new String[] {null, null};
    }
    int colon = raw.indexOf(':');
    String user = URLDecoder.decode(colon < 0 ? raw : raw.substring(0, colon), StandardCharsets.UTF_8);
    String password = colon < 0 ? null
        : URLDecoder.decode(raw.substring(colon + 1), StandardCharsets.UTF_8);
    return new String[] {user, password};
  }

  /**
   * Builds an {@link HttpReloadAction}. Setters check their argument; {@link #build()} checks
   * combinations and does no I/O (files are read on each attempt). Not thread-safe.
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
     * is redacted everywhere.
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
        throw new IllegalArgumentException("uri (" + withoutUserInfo(uri)
            + ") must be an absolute http:// or https:// URI with a host, like"
            + " http://localhost:9090/-/reload");
      }
      this.uri = uri;
      return this;
    }

    /**
     * Sets the HTTP method. Defaults to {@code POST}.
     *
     * @param method an HTTP method such as POST or PUT
     * @return this builder
     * @throws IllegalArgumentException if it is blank or not a token
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
     * Adds a request header. Values are never logged, so they may hold secrets; prefer {@link
     * #bearerTokenFile(Path)} for tokens that rotate.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "header name cannot be null"),
          Objects.requireNonNull(value, "header value cannot be null"));
      return this;
    }

    /**
     * Sets a request body. Defaults to none.
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
      try {
        ContentType.parse(contentType);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("contentType (" + contentType + ") is malformed", e);
      }
      this.contentType = contentType;
      this.body = body;
      return this;
    }

    /**
     * Sets the statuses that mean success. Defaults to any 2xx.
     *
     * @param codes HTTP status codes
     * @return this builder
     * @throws IllegalArgumentException if a code is outside 100-599
     */
    public Builder expectStatus(int... codes) {
      expectStatus.clear();
      for (int code : codes) {
        expectStatus.add(checkStatus(code));
      }
      return this;
    }

    /**
     * Sets the statuses that mean "the target refused this content": not retried until the
     * content changes. Defaults to none; the Prometheus and Alertmanager presets use 500.
     *
     * @param codes HTTP status codes
     * @return this builder
     * @throws IllegalArgumentException if a code is outside 100-599
     */
    public Builder rejectStatus(int... codes) {
      rejectStatus.clear();
      for (int code : codes) {
        rejectStatus.add(checkStatus(code));
      }
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with the token read from a file on every
     * attempt, as Kubernetes rotates projected service account tokens.
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
     * Sends basic auth with the password read from a file on every attempt.
     *
     * @param username the user name
     * @param passwordFile the password file
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder basicAuth(String username, Path passwordFile) {
      this.basicUser = Objects.requireNonNull(username, "username cannot be null");
      this.basicPasswordFile = Objects.requireNonNull(passwordFile, "passwordFile cannot be null");
      return this;
    }

    /**
     * Trusts the CA certificates in a PEM bundle instead of the JVM's default trust store.
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
     * Presents a client certificate (mutual TLS).
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
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = checkPositive(timeout, "responseTimeout");
      return this;
    }

    /**
     * Sets the bound on a whole attempt, verification included. Defaults to 60 s.
     *
     * @param timeout a positive duration
     * @return this builder
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
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder circuitOpenDuration(Duration duration) {
      this.circuitOpenDuration = checkPositive(duration, "circuitOpenDuration");
      return this;
    }

    /**
     * With a preset, checks after a successful response that the target really loaded the new
     * configuration: Prometheus' {@code /api/v1/status/runtimeinfo} ({@code reloadConfigSuccess}
     * and {@code lastConfigTime}), Alertmanager's {@code alertmanager_config_last_reload_*}
     * metrics. A failed check is a failed reload. Defaults to false. Compares the target's clock
     * with ours, with a second of tolerance.
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
     * reload.
     *
     * @return a new action
     * @throws IllegalStateException if no URI was set, TLS options were given for plain HTTP, or
     *     {@code verify(true)} was set without a preset
     */
    public HttpReloadAction build() {
      if (uri == null) {
        throw new IllegalStateException("no uri: call uri(...) before build()");
      }
      boolean tlsOptions = caCertificate != null || clientCertificate != null || insecureSkipVerify;
      if (tlsOptions && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalStateException("TLS options are set but the uri (" + withoutUserInfo(uri)
            + ") is plain http: use https://");
      }
      if (verify && preset == Preset.NONE) {
        throw new IllegalStateException(
            "verify(true) needs a preset: use PrometheusReload.at(...) or AlertmanagerReload.at(...)");
      }
      if (bearerTokenFile != null && (basicUser != null || uri.getUserInfo() != null)) {
        throw new IllegalStateException(
            "both a bearer token and basic auth are configured: choose one");
      }
      return new HttpReloadAction(this);
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
