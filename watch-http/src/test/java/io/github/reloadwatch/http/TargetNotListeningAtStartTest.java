package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11: the sidecar starts before its target (or the target is in CrashLoopBackOff). The
 * retries follow the target at the unavailable interval without flooding the log, nothing is sent
 * while it is starting, and the reload goes out as soon as it is ready. Fake time for the watcher;
 * real loopback connections.
 */
class TargetNotListeningAtStartTest {

  private static final Duration INTERVAL = RetryPolicy.DEFAULT_UNAVAILABLE_INTERVAL;
  /** The longest jittered interval: every advance by this much runs at least one attempt. */
  private static final Duration LONGEST = INTERVAL.multipliedBy(3).dividedBy(2);

  @TempDir Path tmp;
  private final FakeScheduler time = new FakeScheduler();
  private final AtomicInteger failures = new AtomicInteger();
  private ReloadWatcher watcher;
  private TestServer server;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theTargetComesUpLater_oneWarning_andAReloadAsSoonAsItIsReady() throws Exception {
    // given: a Prometheus port nothing listens on, and a watcher that reloads on start
    int port = TestServer.freePort();
    Files.writeString(tmp.resolve("prometheus.yml"), "v1");
    watcher = ReloadWatcher.builder().addPath(tmp).scheduler(time).reloadOnStart(true)
        .resyncInterval(Duration.ZERO)
        .addAction(PrometheusReload.at(URI.create("http://127.0.0.1:" + port)).scheduler(time)
            .build())
        .listener(new ReloadListener() {
          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            failures.incrementAndGet();
            assertThat(retryIn).isLessThanOrEqualTo(LONGEST);
          }
        })
        .build();

    String text;
    try (LogCapture logs = new LogCapture()) {
      // when: it is refused for at least ten attempts
      watcher.start();
      time.runDue();
      while (failures.get() < 12) {
        time.advance(LONGEST);
      }
      int refused = failures.get();

      // and then listens, but is not ready for three more attempts
      server = TestServer.http(port);
      server.answer(503, "Service Unavailable");
      while (failures.get() < refused + 3) {
        time.advance(LONGEST);
      }
      assertThat(server.requests).extracting(TestServer.Request::path).containsOnly("/-/ready");

      // and then it is ready
      server.answer(200, "Prometheus Server is Ready.");
      time.advance(LONGEST);
      text = logs.text();
    }

    // then: one reload, sent as soon as it was ready
    assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    assertThat(server.requests).extracting(TestServer.Request::path).endsWith("/-/ready",
        "/-/reload");
    // and no flood: one WARN for the whole run, one INFO line from the action
    assertThat(Pattern.compile(" WARN ").matcher(text).results().count()).isEqualTo(1);
    assertThat(text).containsPattern("WARN .*reload failed \\(start.*Connection refused.*retrying"
        + " every 1000 ms \\(jittered\\) until it is back");
    assertThat(Pattern.compile("INFO .*HttpReloadAction - .*-> (connection refused|not sent)")
        .matcher(text).results().count()).isEqualTo(1);
    assertThat(text).containsPattern("HttpReloadAction - POST .* -> 200 OK in \\d+ ms \\(attempt"
        + " \\d+\\); reachable again after \\d+ unavailable attempt\\(s\\)");
    assertThat(text).contains("the target is back after " + failures.get() + " attempt(s)");
  }
}
