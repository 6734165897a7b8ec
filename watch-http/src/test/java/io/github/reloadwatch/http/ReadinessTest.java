package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.reloadwatch.http.HttpReloadException.Kind;
import io.github.reloadwatch.testing.FakeScheduler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The presets' readiness endpoint ({@code -/ready}): Prometheus answers it 503 while it starts and
 * holds a reload until it is ready, so "not ready" must be a cheap failure, and a server still
 * starting must not be sent reloads it would queue.
 */
class ReadinessTest {

  private final FakeScheduler time = new FakeScheduler();
  private final CountDownLatch release = new CountDownLatch(1);
  private TestServer server;
  private HttpReloadAction action;

  @BeforeEach
  void start() throws Exception {
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

  /** A Prometheus whose reload endpoint answers {@code reload} and whose readiness {@code ready}. */
  private HttpReloadAction prometheus(IntSupplier reload, IntSupplier ready) {
    server.answer(r -> r.path().equals("/-/ready")
        ? TestServer.Reply.of(ready.getAsInt(), ready.getAsInt() == 200
            ? "Prometheus Server is Ready." : "Service Unavailable")
        : TestServer.Reply.of(reload.getAsInt(), ""));
    action = PrometheusReload.at(server.uri("")).scheduler(time).build();
    return action;
  }

  private long count(String path) {
    return server.requests.stream().filter(r -> r.path().equals(path)).count();
  }

  @Test
  void a503WhileNotReady_isAStartingTarget_cheapAndNotCountedByTheBreaker() {
    HttpReloadAction a = prometheus(() -> 503, () -> 503);
    for (int i = 1; i <= 6; i++) {
      int attempt = i;
      HttpReloadException e =
          catchThrowableOfType(HttpReloadException.class, () -> a.reload(Events.attempt(attempt)));
      assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
      assertThat(e.targetUnavailable()).isTrue();
      assertThat(e).hasMessageContaining("/-/ready answered 503")
          .hasMessageContaining("the target is starting up (not ready yet)");
    }
    assertThat(a.circuitState()).isEqualTo(CircuitState.CLOSED);
    // the first attempt sent the reload; the later ones asked for readiness first and stopped
    assertThat(count("/-/reload")).isEqualTo(1);
    assertThat(count("/-/ready")).isEqualTo(6);
  }

  @Test
  void a503WhileReady_isAnExpensiveFailure() {
    HttpReloadAction a = prometheus(() -> 503, () -> 200);
    for (int i = 1; i <= 3; i++) {
      int attempt = i;
      HttpReloadException e =
          catchThrowableOfType(HttpReloadException.class, () -> a.reload(Events.attempt(attempt)));
      assertThat(e.targetUnavailable()).isFalse();
      assertThat(e.statusCode()).isEqualTo(503);
    }
    assertThat(a.circuitState()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void aReadinessEndpointThatCannotTell_letsTheReloadsOutcomeStand() {
    HttpReloadAction a = prometheus(() -> 503, () -> 404); // a proxy that does not route it
    HttpReloadException e =
        catchThrowableOfType(HttpReloadException.class, () -> a.reload(Events.attempt(1)));
    assertThat(e.targetUnavailable()).isFalse();
    assertThat(e).hasMessageContaining("answered 503");
  }

  @Test
  void afterAnUnavailableAttempt_readinessIsAskedFirst_andTheReloadSentOnceReady() {
    // given: one attempt that found Prometheus starting
    int[] ready = {503};
    HttpReloadAction a = prometheus(() -> 503, () -> ready[0]);
    catchThrowableOfType(HttpReloadException.class, () -> a.reload(Events.attempt(1)));

    // when: it is ready and reloads
    ready[0] = 200;
    server.answer(r -> TestServer.Reply.of(200, r.path().equals("/-/ready") ? "Ready" : ""));
    server.requests.clear();
    assertThat(catchThrowableOfType(Exception.class, () -> a.reload(Events.attempt(2)))).isNull();

    // then
    assertThat(server.requests).extracting(TestServer.Request::path)
        .containsExactly("/-/ready", "/-/reload");
  }

  @Test
  void aReloadHeldUntilTheTimeout_whileNotReady_isAStartingTarget() {
    // given: Prometheus holds the reload request while it replays its WAL
    server.answer(r -> {
      if (r.path().equals("/-/ready")) {
        return TestServer.Reply.of(503, "Service Unavailable");
      }
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestServer.Reply.of(200, "");
    });
    action = PrometheusReload.at(server.uri("")).responseTimeout(Duration.ofMillis(200)).build();

    // when
    HttpReloadException e =
        catchThrowableOfType(HttpReloadException.class, () -> action.reload(Events.attempt(1)));

    // then
    assertThat(e.targetUnavailable()).isTrue();
    assertThat(e).hasMessageContaining("got no answer in time and")
        .hasMessageContaining("/-/ready answered 503");
  }

  @Test
  void aPlainAction_knowsNoReadinessEndpoint() {
    server.answer(503, "down");
    action = HttpReloadAction.builder().uri(server.uri("/-/reload")).build();
    HttpReloadException e =
        catchThrowableOfType(HttpReloadException.class, () -> action.reload(Events.attempt(1)));
    assertThat(e.targetUnavailable()).isFalse();
    assertThat(server.requests).extracting(TestServer.Request::path).containsExactly("/-/reload");
  }
}
