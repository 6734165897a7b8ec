package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadFailedException;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpReloadAction against a loopback server that can do what Prometheus cannot. */
class HttpReloadActionTest {

  private static final String TOKEN = "tok-3f9a-super-secret";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.400Z");

  @TempDir Path tmp;
  private TestServer server;
  private HttpReloadAction action;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = TestServer.http();
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (action != null) {
      action.close();
    }
    server.close();
  }

  private HttpReloadAction build(HttpReloadAction.Builder builder) {
    action = builder.build();
    return action;
  }

  private HttpReloadAction.Builder reload() {
    return HttpReloadAction.builder().uri(server.uri("/-/reload"));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  // --- requests -------------------------------------------------------------------------------

  @Test
  void success_sendsMethodHeadersAndBody() throws Exception {
    build(reload().method("put").header("X-Team", "sre").header("x-team", "platform")
        .body("application/json", "{\"a\":1}"))
        .reload(Events.attempt(1));
    assertThat(server.requests).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.path()).isEqualTo("/-/reload");
      assertThat(r.header("X-Team")).isEqualTo("platform");
      assertThat(r.header("Content-Type")).startsWith("application/json");
      assertThat(r.body()).isEqualTo("{\"a\":1}");
    });
  }

  @Test
  void postWithoutBody_sendsContentLengthZero() throws Exception {
    build(reload()).reload(Events.attempt(1));
    assertThat(server.requests.get(0).header("Content-Length")).isEqualTo("0");
  }

  @Test
  void consecutiveReloads_reuseOneConnection() throws Exception {
    HttpReloadAction a = build(reload());
    for (int i = 1; i <= 5; i++) {
      a.reload(Events.attempt(i));
    }
    assertThat(server.requests).extracting(TestServer.Request::remotePort).containsOnly(
        server.requests.get(0).remotePort());
  }

  @Test
  void expectStatus_restrictsSuccess() throws Exception {
    server.answer(200, "ok");
    HttpReloadAction a = build(reload().expectStatus(204));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("answered 200")
        .hasMessageContaining("(expected [204])");
    server.answer(204, "");
    a.reload(Events.attempt(2));
  }

  // --- credentials ----------------------------------------------------------------------------

  @Test
  void bearerToken_isReadAgainOnEveryAttempt() throws Exception {
    Path tokenFile = Files.writeString(tmp.resolve("token"), "first\n");
    HttpReloadAction a = build(reload().bearerTokenFile(tokenFile));
    a.reload(Events.attempt(1));
    Files.writeString(tokenFile, "rotated");
    a.reload(Events.attempt(2));
    assertThat(server.requests).extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer first", "Bearer rotated");
  }

  @Test
  void basicAuth_readsThePasswordFileOnEveryAttempt() throws Exception {
    Path password = Files.writeString(tmp.resolve("password"), "pw\n");
    HttpReloadAction a = build(reload().basicAuth("admin", password));
    a.reload(Events.attempt(1));
    Files.writeString(password, "pw2");
    a.reload(Events.attempt(2));
    assertThat(server.requests).extracting(r -> r.header("Authorization"))
        .containsExactly("Basic " + base64("admin:pw"), "Basic " + base64("admin:pw2"));
  }

  @Test
  void userInfo_becomesBasicAuthAndIsRedacted() throws Exception {
    URI withSecret = URI.create(
        "http://admin:" + TOKEN + "+%40x@127.0.0.1:" + server.port() + "/-/reload");
    HttpReloadAction a = build(HttpReloadAction.builder().uri(withSecret));
    a.reload(Events.attempt(1));
    assertThat(server.requests.get(0).header("Authorization"))
        .isEqualTo("Basic " + base64("admin:" + TOKEN + "+@x"));
    assertThat(a.toString()).doesNotContain(TOKEN).doesNotContain("admin:")
        .contains("POST http://127.0.0.1:" + server.port() + "/-/reload");
    server.answer(401, "no");
    assertThatThrownBy(() -> a.reload(Events.attempt(2)))
        .hasMessageNotContaining(TOKEN)
        .hasMessageContaining("basic auth user 'admin' with the password from the URI's user info");
  }

  @Test
  void userInfoOnAPreset_isUsedForVerificationAndNeverShown() throws Exception {
    server.answer(r -> r.path().equals("/api/v1/status/runtimeinfo")
        ? TestServer.Reply.of(200, runtimeInfo(true, NOW)) : TestServer.Reply.of(200, ""));
    URI base = URI.create("http://admin:" + TOKEN + "@127.0.0.1:" + server.port());
    HttpReloadAction a = build(PrometheusReload.at(base).verify(true).scheduler(timeAt(NOW)));
    a.reload(Events.attempt(1));
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/reload", "/api/v1/status/runtimeinfo");
    assertThat(server.requests).extracting(r -> r.header("Authorization"))
        .containsOnly("Basic " + base64("admin:" + TOKEN));
    assertThat(a.toString()).doesNotContain(TOKEN);

    server.answer(r -> r.path().equals("/api/v1/status/runtimeinfo")
        ? TestServer.Reply.of(503, "busy") : TestServer.Reply.of(200, ""));
    assertThatThrownBy(() -> a.reload(Events.attempt(2)))
        .hasMessageContaining("http://127.0.0.1:" + server.port() + "/api/v1/status/runtimeinfo")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void unauthorized_namesTheTokenFileNeverTheToken() throws IOException {
    Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
    server.answer(401, "unauthorized");
    HttpReloadAction a = build(reload().bearerTokenFile(tokenFile));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION);
          assertThat(e.statusCode()).isEqualTo(401);
        })
        .hasMessageContaining("the bearer token read from [" + tokenFile + "]")
        .hasMessageNotContaining(TOKEN);
    assertThat(a.toString()).doesNotContain(TOKEN).contains(tokenFile.toString());
  }

  @Test
  void aServerThatEchoesTheRequest_getsItsSecretsRedacted() throws IOException {
    Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
    server.answer(r -> TestServer.Reply.of(400,
        "bad request; you sent Authorization: " + r.header("Authorization")
            + " and X-Api-Key: " + r.header("X-Api-Key")));
    HttpReloadAction a = build(reload().bearerTokenFile(tokenFile)
        .header("X-Api-Key", "key-77aa-secret"));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .hasMessageContaining("answered 400")
        .hasMessageContaining("Authorization: Bearer [redacted]")
        .hasMessageContaining("X-Api-Key: [redacted]")
        .hasMessageNotContaining(TOKEN)
        .hasMessageNotContaining("key-77aa-secret");
    assertThat(a.toString()).contains("headers=[X-Api-Key]").doesNotContain("key-77aa-secret");
  }

  @Test
  void logs_carryOneInfoLinePerAttemptAndNoSecrets() throws Exception {
    Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
    HttpReloadAction a = build(reload().bearerTokenFile(tokenFile));
    String text;
    try (LogCapture logs = new LogCapture()) {
      a.reload(Events.attempt(1));
      server.answer(r -> TestServer.Reply.of(401, "echo " + r.header("Authorization")));
      assertThatThrownBy(() -> a.reload(Events.attempt(2))).isInstanceOf(HttpReloadException.class);
      text = logs.text();
    }
    String target = "POST http://127.0.0.1:" + server.port() + "/-/reload";
    assertThat(text)
        .containsPattern("INFO .*HttpReloadAction - " + Pattern.quote(target)
            + " -> 200 OK in \\d+ ms \\(attempt 1\\)")
        .containsPattern("INFO .*HttpReloadAction - " + Pattern.quote(target)
            + " -> 401 Unauthorized in \\d+ ms \\(attempt 2\\)")
        .contains("DEBUG") // the detail lines were checked too
        .doesNotContain(TOKEN)
        .doesNotContain(base64(TOKEN));
  }

  @Test
  void missingOrEmptyTokenFile_isAMisconfigurationAndSendsNothing() throws Exception {
    Path tokenFile = tmp.resolve("token");
    HttpReloadAction a = build(reload().bearerTokenFile(tokenFile));
    for (int i = 1; i <= 4; i++) { // more than the circuit breaker's threshold
      int attempt = i;
      assertThatThrownBy(() -> a.reload(Events.attempt(attempt)))
          .isInstanceOfSatisfying(HttpReloadException.class,
              e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
          .hasMessageContaining("the bearer token file [" + tokenFile + "] is missing");
    }
    Files.writeString(tokenFile, "  \n");
    assertThatThrownBy(() -> a.reload(Events.attempt(5)))
        .hasMessageContaining("the bearer token file [" + tokenFile + "] is empty");
    assertThat(server.requests).isEmpty();

    Files.writeString(tokenFile, "now-there");
    a.reload(Events.attempt(6)); // not blocked by a circuit breaker: nothing was sent before
    assertThat(server.requests).hasSize(1);
  }

  // --- classification -------------------------------------------------------------------------

  @Test
  void serviceUnavailableWithRetryAfter_isTransientWithTheHint() {
    server.answer(r -> new TestServer.Reply(503, "starting", Map.of("Retry-After", "7")));
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT);
          assertThat(e.statusCode()).isEqualTo(503);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        })
        .hasMessageContaining("answered 503")
        .hasMessageContaining("retry after 7 s")
        .hasMessageContaining("starting");
  }

  @Test
  void tooManyRequestsWithAnHttpDate_isTransientWithTheHint() {
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
    server.answer(r -> new TestServer.Reply(429, "slow down", Map.of("Retry-After", in90s)));
    assertThatThrownBy(() -> build(reload().scheduler(timeAt(NOW))).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT);
          assertThat(e.retryAfter()).hasValueSatisfying(d ->
              assertThat(d).isBetween(Duration.ofSeconds(89), Duration.ofSeconds(90)));
        });
  }

  @Test
  void hugeRetryAfter_isCapped() {
    server.answer(r -> new TestServer.Reply(503, "", Map.of("Retry-After", "86400")));
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.retryAfter()).contains(HttpReloadAction.MAX_RETRY_AFTER));
  }

  @Test
  void wrongUrlMethodAndRedirect_sayWhatToFix() {
    server.answer(404, "404 page not found");
    HttpReloadAction a = build(reload());
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("404")
        .hasMessageContaining("the URL is wrong")
        .hasMessageNotContaining("Prometheus"); // a plain action knows no server's flags
    server.answer(405, "");
    assertThatThrownBy(() -> a.reload(Events.attempt(2)))
        .hasMessageContaining("405")
        .hasMessageContaining("does not accept POST");
    server.answer(r -> new TestServer.Reply(308, "", Map.of("Location", "https://new/-/reload")));
    assertThatThrownBy(() -> a.reload(Events.attempt(3)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("redirects are not followed")
        .hasMessageContaining("https://new/-/reload");
  }

  @Test
  void lifecycleDisabled_namesTheFlag() {
    server.answer(403, "Lifecycle API is not enabled.");
    assertThatThrownBy(() -> build(PrometheusReload.at(server.uri(""))).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION);
          assertThat(e.statusCode()).isEqualTo(403);
        })
        .hasMessageContaining("--web.enable-lifecycle");
  }

  @Test
  void presetNotFound_namesTheRoutePrefix() {
    server.answer(404, "404 page not found");
    assertThatThrownBy(() -> build(PrometheusReload.at(server.uri("/prom"))).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("404")
        .hasMessageContaining("the URL is wrong")
        .hasMessageContaining("--web.route-prefix")
        .hasMessageContaining("404 page not found");
    action.close();
    assertThatThrownBy(() -> build(AlertmanagerReload.at(server.uri("/am"))).reload(Events.attempt(1)))
        .hasMessageContaining("for Alertmanager behind --web.route-prefix");
  }

  @Test
  void lifecycleMessageFromAPlainAction_isTheGenericForbidden() {
    server.answer(403, "Lifecycle API is not enabled.");
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("forbidden; check the credentials")
        .hasMessageContaining("Lifecycle API is not enabled.") // the server's words, as an excerpt
        .hasMessageNotContaining("--web.enable-lifecycle");
  }

  @Test
  void presetServerError_isARejectionWithTheServersMessage() {
    server.answer(500, "failed to reload config: parsing YAML file: bad indentation");
    HttpReloadAction a = build(PrometheusReload.at(server.uri("")));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOf(ReloadRejectedException.class)
        .hasMessageContaining("answered 500")
        .hasMessageContaining("bad indentation")
        .cause().isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.REJECTED);
          assertThat(e.statusCode()).isEqualTo(500);
        });
    assertThat(server.requests.get(0).path()).isEqualTo("/-/reload");
  }

  @Test
  void alertmanagerServerError_isARejection() {
    server.answer(500, "failed to reload config: yaml: unmarshal errors");
    assertThatThrownBy(() -> build(AlertmanagerReload.at(server.uri("/am"))).reload(Events.attempt(1)))
        .isInstanceOf(ReloadRejectedException.class)
        .hasMessageContaining("unmarshal errors");
    assertThat(server.requests.get(0).path()).isEqualTo("/am/-/reload");
  }

  @Test
  void genericServerError_isTransient() {
    server.answer(500, "oops");
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT));
  }

  @Test
  void errorBody_isBoundedInTheMessage() {
    server.answer(502, "x".repeat(100_000));
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000).endsWith("..."));
  }

  // --- network failures -----------------------------------------------------------------------

  @Test
  void responseSlowerThanTheTimeout_isTransient() {
    server.answer(r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestServer.Reply.of(200, "late");
    });
    assertThatThrownBy(() ->
            build(reload().responseTimeout(Duration.ofMillis(300))).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT))
        .hasMessageContaining("did not answer within 300 ms");
  }

  /**
   * A server that keeps sending a byte every 20 ms never trips the read timeout; only the attempt
   * timeout can stop it. Real time: the attempt must end well within 5 s (it would take minutes).
   */
  @Test
  void attemptTimeout_abortsAResponseThatTrickles() throws Exception {
    ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    AtomicReference<Socket> accepted = new AtomicReference<>();
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          Socket s = raw.accept();
          accepted.set(s);
          readRequestHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          drip.scheduleAtFixedRate(() -> {
            try {
              out.write('x');
              out.flush();
            } catch (IOException e) {
              throw new UncheckedIOException(e); // the client gave up: stop dripping
            }
          }, 0, 20, TimeUnit.MILLISECONDS);
        } catch (IOException ignored) {
          // the test asserts on the client side
        }
      }, "test-drip-server");
      acceptor.start();
      HttpReloadAction a = build(HttpReloadAction.builder()
          .uri(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/-/reload"))
          .responseTimeout(Duration.ofSeconds(10))
          .attemptTimeout(Duration.ofMillis(400)));

      long start = System.nanoTime();
      assertThatThrownBy(() -> a.reload(Events.attempt(1)))
          .isInstanceOfSatisfying(HttpReloadException.class,
              e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT))
          .hasMessageContaining("did not complete within the attempt timeout of 400 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      acceptor.join(10_000);
    } finally {
      drip.shutdownNow();
      Socket s = accepted.get();
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void attemptTimeout_firesOnFakeTime() throws Exception {
    // given: a server that holds its answer, and an action on fake time
    FakeScheduler time = new FakeScheduler();
    server.answer(r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestServer.Reply.of(200, "late");
    });
    HttpReloadAction a = build(reload().attemptTimeout(Duration.ofSeconds(60)).scheduler(time));
    ExecutorService reloadThread = Executors.newSingleThreadExecutor();
    try (LogCapture logs = new LogCapture()) {
      Future<?> running = reloadThread.submit(() -> {
        a.reload(Events.attempt(1));
        return null;
      });
      await().atMost(Duration.ofSeconds(10))
          .until(() -> server.requests.size() == 1 && time.pendingTasks() == 1);

      // when: fake time moves up to, then onto, the deadline
      time.advance(Duration.ofSeconds(59));
      assertThat(running).isNotDone();
      time.advance(Duration.ofSeconds(1));

      // then: the request is cancelled and the attempt fails as timed out, 60 fake seconds long
      assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(HttpReloadException.class,
              e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT))
          .hasMessageContaining("did not complete within the attempt timeout of 60000 ms");
      assertThat(logs.text()).contains("-> attempt timed out in 60000 ms (attempt 1)");
      time.assertIdle();
    } finally {
      reloadThread.shutdownNow();
    }
  }

  @Test
  void attemptTimeout_boundsVerificationByWhatIsLeft_onFakeTime() {
    // given: a reload that takes 59 of the 60 fake seconds, and a verification that takes more
    FakeScheduler time = new FakeScheduler();
    server.answer(r -> {
      time.advance(Duration.ofSeconds(r.path().equals("/-/reload") ? 59 : 1));
      return TestServer.Reply.of(200, runtimeInfo(true, time.instant()));
    });
    HttpReloadAction a = build(PrometheusReload.at(server.uri("")).verify(true)
        .attemptTimeout(Duration.ofSeconds(60)).scheduler(time));

    // then: the verification request gets the one second left, and is cancelled when it is up
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT))
        .hasMessageContaining("/api/v1/status/runtimeinfo did not complete within the attempt"
            + " timeout of 60000 ms");
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/reload", "/api/v1/status/runtimeinfo");
    time.assertIdle();
  }

  @Test
  void connectionRefused_isTransient() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    HttpReloadAction a = build(HttpReloadAction.builder()
        .uri(URI.create("http://127.0.0.1:" + port + "/-/reload")));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT);
          assertThat(e.targetUnavailable()).isTrue();
          assertThat(e.statusCode()).isZero();
        })
        .hasMessageContaining("cannot connect to POST http://127.0.0.1:" + port);
  }

  @Test
  void connectionResetMidResponse_isTransient() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread serverThread = new Thread(() -> {
        try (Socket s = raw.accept()) {
          readRequestHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.setSoLinger(true, 0); // close with RST
        } catch (IOException ignored) {
          // the test asserts on the client side
        }
      }, "test-reset-server");
      serverThread.start();
      HttpReloadAction a = build(HttpReloadAction.builder()
          .uri(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/-/reload")));
      assertThatThrownBy(() -> a.reload(Events.attempt(1)))
          .isInstanceOfSatisfying(HttpReloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT);
            assertThat(e.targetUnavailable()).isFalse(); // it answered, then broke off
          });
      serverThread.join(10_000);
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (int b; matched < end.length && (b = in.read()) != -1; ) {
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
  }

  // --- circuit breaker ------------------------------------------------------------------------

  @Test
  void circuitBreaker_opensAfterThreeTransientFailures_thenLetsOneProbeThrough() throws Exception {
    FakeScheduler time = new FakeScheduler();
    server.answer(503, "down");
    HttpReloadAction a = build(reload().circuitOpenDuration(Duration.ofSeconds(30)).scheduler(time));
    for (int i = 1; i <= 3; i++) {
      int attempt = i;
      assertThatThrownBy(() -> a.reload(Events.attempt(attempt)))
          .isInstanceOf(HttpReloadException.class);
    }

    // open: nothing is sent, and the hint is the time left
    time.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> a.reload(Events.attempt(4)))
        .isExactlyInstanceOf(CircuitOpenException.class)
        .isInstanceOf(ReloadFailedException.class)
        .hasMessageContaining("circuit breaker open")
        .satisfies(e -> assertThat(((ReloadFailedException) e).retryAfter())
            .contains(Duration.ofSeconds(20)));
    assertThat(server.requests).hasSize(3);

    // half-open: one probe; it fails, so the circuit opens again for the full time
    time.advance(Duration.ofSeconds(20).plusMillis(1));
    assertThatThrownBy(() -> a.reload(Events.attempt(5))).isInstanceOf(HttpReloadException.class);
    assertThat(server.requests).hasSize(4);
    assertThatThrownBy(() -> a.reload(Events.attempt(6)))
        .isExactlyInstanceOf(CircuitOpenException.class)
        .satisfies(e -> assertThat(((ReloadFailedException) e).retryAfter())
            .contains(Duration.ofSeconds(30)));

    // the next probe succeeds and closes the circuit
    time.advance(Duration.ofSeconds(31));
    server.answer(200, "ok");
    a.reload(Events.attempt(7));
    a.reload(Events.attempt(8));
    assertThat(server.requests).hasSize(6);
    time.assertIdle(); // every request's deadline timer was cancelled
  }

  @Test
  void circuitOpen_isItsOwnType_soListenersCanTellNotCalledFromFailed() throws Exception {
    // given: a target that failed transiently three times in a row
    FakeScheduler time = new FakeScheduler();
    server.answer(503, "down");
    HttpReloadAction a = build(reload().scheduler(time));
    for (int i = 1; i <= 3; i++) {
      int attempt = i;
      assertThatThrownBy(() -> a.reload(Events.attempt(attempt)))
          .isInstanceOf(HttpReloadException.class);
    }

    // when
    Throwable notCalled;
    String text;
    try (LogCapture logs = new LogCapture()) {
      notCalled = catchThrowable(() -> a.reload(Events.attempt(4)));
      text = logs.text();
    }

    // then
    assertThat(notCalled)
        .isInstanceOf(CircuitOpenException.class)
        .isInstanceOf(ReloadFailedException.class)
        .isNotInstanceOf(HttpReloadException.class)
        .hasMessage("POST http://127.0.0.1:" + server.port() + "/-/reload failed repeatedly, so it"
            + " is not called for another 5000 ms (circuit breaker open); then one probe goes"
            + " through");
    assertThat(((CircuitOpenException) notCalled).retryAfter())
        .contains(HttpReloadAction.DEFAULT_CIRCUIT_OPEN_DURATION);
    assertThat(text).contains("-> not called, circuit breaker open for another 5000 ms in 0 ms"
        + " (attempt 4)");
    assertThat(server.requests).hasSize(3);
  }

  @Test
  void circuitBreaker_ignoresAnswersThatAreNotTransient() {
    server.answer(401, "who are you");
    HttpReloadAction a = build(reload());
    for (int i = 1; i <= 6; i++) {
      int attempt = i;
      assertThatThrownBy(() -> a.reload(Events.attempt(attempt)))
          .isInstanceOf(HttpReloadException.class);
    }
    assertThat(server.requests).hasSize(6);
  }

  // --- verification ---------------------------------------------------------------------------

  static String runtimeInfo(boolean success, Instant lastConfig) {
    return "{\"status\":\"success\",\"data\":{\"startTime\":\"2026-03-01T11:00:00.123Z\","
        + "\"CWD\":\"/\",\"reloadConfigSuccess\":" + success + ",\"lastConfigTime\":\""
        + lastConfig.truncatedTo(ChronoUnit.SECONDS) + "\","
        + "\"corruptionCount\":0,\"goroutineCount\":42}}";
  }

  private HttpReloadAction prometheusAnswering(String runtimeInfoBody) {
    server.answer(r -> r.path().equals("/prom/api/v1/status/runtimeinfo")
        ? TestServer.Reply.of(200, runtimeInfoBody) : TestServer.Reply.of(200, ""));
    return build(PrometheusReload.at(server.uri("/prom")).verify(true).scheduler(timeAt(NOW)));
  }

  @Test
  void prometheusVerification_readsRuntimeInfoBelowTheRoutePrefix() throws Exception {
    prometheusAnswering(runtimeInfo(true, NOW)).reload(Events.attempt(1));
    assertThat(server.requests).extracting(TestServer.Request::method, TestServer.Request::path)
        .containsExactly(tuple("POST", "/prom/-/reload"),
            tuple("GET", "/prom/api/v1/status/runtimeinfo"));
    assertThat(action.toString()).contains("preset=prometheus").contains("verify");
  }

  @Test
  void prometheusVerification_failsOnAStaleConfigTime() {
    HttpReloadAction a = prometheusAnswering(runtimeInfo(true, NOW.minusSeconds(5)));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT))
        .hasMessageContaining("reload not confirmed")
        .hasMessageContaining("still reports its configuration loaded at 2026-03-01T11:59:55Z");
  }

  @Test
  void prometheusVerification_failsWhenTheReloadWasNotSuccessful() {
    HttpReloadAction a = prometheusAnswering(runtimeInfo(false, NOW));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .hasMessageContaining("reloadConfigSuccess=false");
  }

  @Test
  void prometheusVerification_fallsBackToMetrics() throws Exception {
    server.answer(r -> switch (r.path()) {
      case "/metrics" -> TestServer.Reply.of(200, "# TYPE x gauge\n"
          + "prometheus_config_last_reload_success_timestamp_seconds 1.7728704e+09\n"
          + "prometheus_config_last_reload_successful 1\n");
      case "/-/reload" -> TestServer.Reply.of(200, "");
      default -> TestServer.Reply.of(404, "404 page not found");
    });
    build(PrometheusReload.at(server.uri("")).verify(true)
        .scheduler(timeAt(Instant.ofEpochSecond(1_772_870_400L)))).reload(Events.attempt(1));
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/reload", "/api/v1/status/runtimeinfo", "/metrics");
  }

  @Test
  void verificationIsOff_byDefaultAndWithoutAPreset() throws Exception {
    build(PrometheusReload.at(server.uri(""))).reload(Events.attempt(1));
    build(reload().verify(true)).reload(Events.attempt(1));
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/reload", "/-/reload");
  }

  @Test
  void alertmanagerVerification_readsItsMetrics() throws Exception {
    server.answer(r -> r.path().equals("/metrics")
        ? TestServer.Reply.of(200, "# HELP x\nalertmanager_config_hash 2.6e14\n"
            + "alertmanager_config_last_reload_successful 1\n"
            + "alertmanager_config_last_reload_success_timestamp_seconds "
            + NOW.getEpochSecond() + "e0\n")
        : TestServer.Reply.of(200, ""));
    build(AlertmanagerReload.at(server.uri("")).verify(true).scheduler(timeAt(NOW)))
        .reload(Events.attempt(1));
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/reload", "/metrics");
  }

  @Test
  void alertmanagerVerification_failsOnAStaleReload() {
    server.answer(r -> r.path().equals("/metrics")
        ? TestServer.Reply.of(200, "alertmanager_config_last_reload_successful 1\n"
            + "alertmanager_config_last_reload_success_timestamp_seconds 1.6e9\n")
        : TestServer.Reply.of(200, ""));
    assertThatThrownBy(() -> build(AlertmanagerReload.at(server.uri("")).verify(true)
            .scheduler(timeAt(NOW))).reload(Events.attempt(1)))
        .isInstanceOf(HttpReloadException.class)
        .hasMessageContaining("reload not confirmed");
  }

  // --- lifecycle ------------------------------------------------------------------------------

  @Test
  void closedAction_refusesToRun() {
    HttpReloadAction a = build(reload());
    a.close();
    a.close();
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void close_abortsARequestInFlight() throws Exception {
    // given: a reload waiting for a server that does not answer
    server.answer(r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestServer.Reply.of(200, "late");
    });
    HttpReloadAction a = build(reload());
    ExecutorService reloadThread = Executors.newSingleThreadExecutor();
    try {
      Future<?> running = reloadThread.submit(() -> {
        a.reload(Events.attempt(1));
        return null;
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> server.requests.size() == 1);

      // when: the watcher closes the action (as ReloadWatcher.close() does after closeTimeout)
      a.close();

      // then: the reload ends now, not after the 30 s response timeout
      assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(HttpReloadException.class)
          .hasMessageContaining("was aborted: the action was closed");
    } finally {
      reloadThread.shutdownNow();
    }
  }

  @Test
  void routePrefix_isKeptByThePresets() {
    assertThat(PrometheusReload.at(URI.create("http://proxy:80/prom")).build().toString())
        .contains("POST http://proxy:80/prom/-/reload");
    assertThat(PrometheusReload.at(URI.create("http://proxy:80/prom/")).build().toString())
        .contains("POST http://proxy:80/prom/-/reload");
    assertThat(AlertmanagerReload.at(URI.create("http://am:9093/")).build().toString())
        .contains("POST http://am:9093/-/reload");
  }

  /** Fake time whose wall clock stands still at {@code now}, for timestamps compared with it. */
  static FakeScheduler timeAt(Instant now) {
    return new FakeScheduler(Clock.fixed(now, ZoneOffset.UTC));
  }
}
