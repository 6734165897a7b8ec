package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.ReloadFailedException;
import io.github.reloadwatch.ReloadRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpReloadAction against a loopback server that can do what Prometheus cannot. */
class HttpReloadActionTest {

  private static final String TOKEN = "tok-3f9a-super-secret";

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

  @Test
  void success_sendsMethodHeadersAndBody() throws Exception {
    build(reload().method("put").header("X-Team", "sre").body("application/json", "{\"a\":1}"))
        .reload(Events.attempt(1));
    assertThat(server.requests).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.path()).isEqualTo("/-/reload");
      assertThat(r.header("X-Team")).isEqualTo("sre");
      assertThat(r.header("Content-Type")).startsWith("application/json");
      assertThat(r.body()).isEqualTo("{\"a\":1}");
    });
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
  void basicAuth_readsThePasswordFile() throws Exception {
    Path password = Files.writeString(tmp.resolve("password"), "pw\n");
    build(reload().basicAuth("admin", password)).reload(Events.attempt(1));
    assertThat(server.requests.get(0).header("Authorization")).isEqualTo(
        "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void userInfo_becomesBasicAuthAndIsRedacted() throws Exception {
    URI withSecret = URI.create("http://admin:" + TOKEN + "@127.0.0.1:" + server.port() + "/-/reload");
    HttpReloadAction a = build(HttpReloadAction.builder().uri(withSecret));
    a.reload(Events.attempt(1));
    assertThat(server.requests.get(0).header("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes(StandardCharsets.UTF_8)));
    assertThat(a.toString()).doesNotContain(TOKEN).doesNotContain("admin:");
    server.answer(401, "no");
    assertThatThrownBy(() -> a.reload(Events.attempt(2)))
        .hasMessageNotContaining(TOKEN)
        .hasMessageContaining("basic auth user 'admin' with the password from the URI's user info");
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
    assertThat(a.toString()).doesNotContain(TOKEN);
  }

  @Test
  void serviceUnavailableWithRetryAfter_isTransientWithTheHint() {
    server.answer(r -> new TestServer.Reply(503, "starting", Map.of("Retry-After", "7")));
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        })
        .hasMessageContaining("answered 503")
        .hasMessageContaining("retry after 7 s");
  }

  @Test
  void wrongUrlAndMethod_sayWhatToFix() {
    server.answer(404, "404 page not found");
    HttpReloadAction a = build(reload());
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .hasMessageContaining("404")
        .hasMessageContaining("the URL is wrong")
        .hasMessageContaining("--web.route-prefix");
    server.answer(405, "");
    assertThatThrownBy(() -> a.reload(Events.attempt(2)))
        .hasMessageContaining("405")
        .hasMessageContaining("does not accept POST");
  }

  @Test
  void lifecycleDisabled_namesTheFlag() {
    server.answer(403, "Lifecycle API is not enabled.");
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.MISCONFIGURATION))
        .hasMessageContaining("--web.enable-lifecycle");
  }

  @Test
  void presetServerError_isARejectionWithTheServersMessage() {
    server.answer(500, "failed to reload config: parsing YAML file: bad indentation");
    HttpReloadAction a = build(PrometheusReload.at(server.uri("")));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOf(ReloadRejectedException.class)
        .hasMessageContaining("bad indentation")
        .hasCauseInstanceOf(HttpReloadException.class);
    assertThat(server.requests.get(0).path()).isEqualTo("/-/reload");
  }

  @Test
  void genericServerError_isTransient() {
    server.answer(500, "oops");
    assertThatThrownBy(() -> build(reload()).reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT));
  }

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

  @Test
  void connectionRefused_isTransient() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    HttpReloadAction a = build(HttpReloadAction.builder()
        .uri(URI.create("http://127.0.0.1:" + port + "/-/reload")));
    assertThatThrownBy(() -> a.reload(Events.attempt(1)))
        .isInstanceOfSatisfying(HttpReloadException.class,
            e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT))
        .hasMessageContaining("cannot connect to POST http://127.0.0.1:" + port);
  }

  @Test
  void connectionResetMidResponse_isTransient() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread serverThread = new Thread(() -> {
        try (Socket s = raw.accept()) {
          InputStream in = s.getInputStream();
          byte[] buffer = new byte[4096];
          in.read(buffer); // the request
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
          .isInstanceOfSatisfying(HttpReloadException.class,
              e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT));
      serverThread.join(10_000);
    }
  }

  @Test
  void repeatedTransientFailures_openTheCircuit() {
    server.answer(503, "down");
    HttpReloadAction a = build(reload().circuitOpenDuration(Duration.ofSeconds(42)));
    for (int i = 1; i <= 3; i++) {
      int attempt = i;
      assertThatThrownBy(() -> a.reload(Events.attempt(attempt)))
          .isInstanceOf(HttpReloadException.class);
    }
    assertThatThrownBy(() -> a.reload(Events.attempt(4)))
        .isExactlyInstanceOf(ReloadFailedException.class)
        .hasMessageContaining("circuit breaker open")
        .satisfies(e -> assertThat(((ReloadFailedException) e).retryAfter())
            .contains(Duration.ofSeconds(42)));
    assertThat(server.requests).hasSize(3);
  }

  @Test
  void missingTokenFile_saysSo() {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> build(reload().bearerTokenFile(missing)).reload(Events.attempt(1)))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("bearer token file is missing");
  }

  @Test
  void closedAction_refusesToRun() {
    HttpReloadAction a = build(reload());
    a.close();
    a.close();
    assertThatThrownBy(() -> a.reload(Events.attempt(1))).hasMessageContaining("is closed");
  }

  @Test
  void builderPreconditions() {
    assertThatThrownBy(() -> HttpReloadAction.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no uri: call uri(...) before build()");
    assertThatThrownBy(() -> HttpReloadAction.builder().uri(URI.create("ftp://x/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an absolute http:// or https:// URI");
    assertThatThrownBy(() -> HttpReloadAction.builder()
            .uri(URI.create("http://u:" + TOKEN + "@h/")).caCertificate(Path.of("ca.pem")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plain http")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> reload().verify(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a preset");
    assertThatThrownBy(() -> reload().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout (PT0S) must be positive");
    assertThatThrownBy(() -> reload().expectStatus(99))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void routePrefix_isKeptByThePresets() {
    assertThat(PrometheusReload.at(URI.create("http://proxy:80/prom")).build().toString())
        .contains("POST http://proxy:80/prom/-/reload");
    assertThat(AlertmanagerReload.at(URI.create("http://am:9093/")).build().toString())
        .contains("POST http://am:9093/-/reload");
  }

  @Test
  void alertmanagerVerification_readsItsMetrics() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    server.answer(r -> r.path().equals("/metrics")
        ? TestServer.Reply.of(200, "# HELP x\nalertmanager_config_last_reload_successful 1\n"
            + "alertmanager_config_last_reload_success_timestamp_seconds " + (now + 1) + "e0\n")
        : TestServer.Reply.of(200, ""));
    build(AlertmanagerReload.at(server.uri("")).verify(true)).reload(Events.attempt(1));
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/reload", "/metrics");
  }

  @Test
  void alertmanagerVerification_failsOnAStaleReload() {
    server.answer(r -> r.path().equals("/metrics")
        ? TestServer.Reply.of(200, "alertmanager_config_last_reload_successful 1\n"
            + "alertmanager_config_last_reload_success_timestamp_seconds 1.6e9\n")
        : TestServer.Reply.of(200, ""));
    assertThatThrownBy(() ->
            build(AlertmanagerReload.at(server.uri("")).verify(true)).reload(Events.attempt(1)))
        .isInstanceOf(HttpReloadException.class)
        .hasMessageContaining("reload not confirmed");
  }
}
