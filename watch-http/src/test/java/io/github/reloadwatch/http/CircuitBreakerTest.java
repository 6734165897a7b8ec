package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.testing.FakeScheduler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The circuit breaker as issue #14 (item 5) wants it: a guard against hammering a target that
 * answers expensively, which never holds back new content and never counts refusals or
 * rejections. Fake time for the breaker and the watcher; real loopback requests.
 */
class CircuitBreakerTest {

  @TempDir Path tmp;
  private final FakeScheduler time = new FakeScheduler();
  private final CountDownLatch stall = new CountDownLatch(1);
  private TestServer server;
  private HttpReloadAction action;
  private ReloadWatcher watcher;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.http();
  }

  @AfterEach
  void stop() {
    stall.countDown();
    if (watcher != null) {
      watcher.close();
    }
    if (action != null) {
      action.close();
    }
    server.close();
  }

  private HttpReloadAction plain() {
    action = HttpReloadAction.builder().uri(server.uri("/-/reload")).scheduler(time).build();
    return action;
  }

  private void failThreeRetries() {
    server.answer(503, "overloaded");
    HttpReloadAction a = action;
    for (int i = 1; i <= 3; i++) {
      int attempt = i;
      assertThatThrownBy(() -> a.reload(Events.attempt(attempt)))
          .isInstanceOf(HttpReloadException.class);
    }
    assertThat(a.circuitState()).isEqualTo(CircuitState.OPEN);
  }

  /**
   * Timeouts are real (the server never answers within 100 ms) but cost no fake time: the watcher
   * and the breaker run on fake time, and the backoff delays are read from the listener.
   */
  @Test
  void aTargetThatTimesOut_backoffGrows_theBreakerOpens_andALaterSuccessClosesIt()
      throws Exception {
    // given: a target that holds every reload past the response timeout
    server.answer(r -> {
      try {
        stall.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestServer.Reply.of(200, "late");
    });
    action = HttpReloadAction.builder().uri(server.uri("/-/reload"))
        .responseTimeout(Duration.ofMillis(100)).scheduler(time).build();
    List<Duration> retries = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Files.writeString(tmp.resolve("app.yml"), "v1");
    watcher = ReloadWatcher.builder().addPath(tmp).scheduler(time).reloadOnStart(true)
        .resyncInterval(Duration.ZERO)
        .retry(RetryPolicy.builder().jitter(0).initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(8)).build())
        .addAction(action)
        .listener(new ReloadListener() {
          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            retries.add(retryIn);
            errors.add(error);
          }
        })
        .build();

    // when: the start attempt and two retries time out (t = 0, 1 s, 3 s)
    watcher.start();
    time.runDue();
    time.advance(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(2));

    // then: the backoff grows, and the third costly failure opens the breaker
    assertThat(retries).containsExactly(
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(action.circuitState()).isEqualTo(CircuitState.OPEN);
    assertThat(server.requests).hasSize(3);

    // when: the retry at 7 s finds the breaker open (until 8 s): nothing is sent
    time.advance(Duration.ofSeconds(4));
    assertThat(errors).last().isInstanceOf(CircuitOpenException.class);
    assertThat(server.requests).hasSize(3);
    // the call was held back, not made: the retry waits for the breaker's hint (1 s left) and
    // the backoff does not grow
    assertThat(retries).last().isEqualTo(Duration.ofSeconds(1));

    // when: the target answers again, and the retry at 8 s is the probe
    stall.countDown();
    server.answer(200, "ok");
    time.advance(Duration.ofSeconds(1));

    // then: it reloads, and the success closes the breaker
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    assertThat(action.circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(server.requests).hasSize(4);
  }

  @Test
  void newContent_goesThroughAnOpenBreakerAtOnce_andItsSuccessClosesIt() throws Exception {
    // given: an open breaker, one second into its open time
    plain();
    failThreeRetries();
    time.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> action.reload(Events.attempt(4)))
        .isInstanceOf(CircuitOpenException.class);
    assertThat(server.requests).hasSize(3);

    // when: the fix arrives as new content (attempt 1)
    server.answer(200, "ok");
    action.reload(Events.attempt(1));

    // then: it was sent at once, and the breaker is closed again
    assertThat(server.requests).hasSize(4);
    assertThat(action.circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void manualAndStartReloads_alsoGoThroughAnOpenBreaker() throws Exception {
    plain();
    failThreeRetries();
    assertThatThrownBy(() -> action.reload(Events.of(ReloadReason.MANUAL, 4)))
        .isInstanceOf(HttpReloadException.class); // sent: the target still answers 503
    assertThatThrownBy(() -> action.reload(Events.of(ReloadReason.START, 1)))
        .isInstanceOf(HttpReloadException.class);
    assertThat(server.requests).hasSize(5);
    assertThat(action.circuitState()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void fiveHundreds_fromAPlainUrlAction_neverOpenTheBreaker() {
    // given: a plain action at Prometheus (the sidecar's --url), which answers 500 to a bad config
    plain();
    server.answer(500, "failed to reload config: parsing YAML file: bad indentation");

    // when: six retries are answered 500
    for (int i = 1; i <= 6; i++) {
      int attempt = i;
      assertThatThrownBy(() -> action.reload(Events.attempt(attempt)))
          .isInstanceOfSatisfying(HttpReloadException.class,
              e -> assertThat(e.kind()).isEqualTo(HttpReloadException.Kind.TRANSIENT));
    }

    // then: every one was sent
    assertThat(server.requests).hasSize(6);
    assertThat(action.circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void refusedConnections_neverOpenTheBreaker() throws Exception {
    int port = TestServer.freePort();
    action = HttpReloadAction.builder().uri(URI.create("http://127.0.0.1:" + port + "/-/reload"))
        .scheduler(time).build();
    for (int i = 1; i <= 10; i++) {
      int attempt = i;
      assertThatThrownBy(() -> action.reload(Events.attempt(attempt)))
          .isInstanceOfSatisfying(HttpReloadException.class,
              e -> assertThat(e.targetUnavailable()).isTrue());
    }
    assertThat(action.circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void circuitState_halfOpensWhenTheOpenTimeIsUp_shortByDefault() {
    assertThat(HttpReloadAction.DEFAULT_CIRCUIT_OPEN_DURATION).isEqualTo(Duration.ofSeconds(5));
    plain();
    assertThat(action.circuitState()).isEqualTo(CircuitState.CLOSED);
    failThreeRetries();
    time.advance(Duration.ofMillis(4999));
    assertThat(action.circuitState()).isEqualTo(CircuitState.OPEN);
    time.advance(Duration.ofMillis(1));
    assertThat(action.circuitState()).isEqualTo(CircuitState.HALF_OPEN);
  }
}
