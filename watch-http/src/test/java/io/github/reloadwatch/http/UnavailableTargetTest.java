package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.reloadwatch.http.HttpReloadException.Kind;
import io.github.reloadwatch.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which failures say "the target is not there yet" ({@link HttpReloadException#targetUnavailable()}:
 * cheap, retried every second by the watcher) and which cost the target something; and the log
 * lines of a run of unavailable attempts.
 */
class UnavailableTargetTest {

  private HttpReloadAction action;
  private TestServer server;

  @AfterEach
  void close() {
    if (action != null) {
      action.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpReloadException fail(URI uri, Duration responseTimeout) {
    action = HttpReloadAction.builder().uri(uri).responseTimeout(responseTimeout).build();
    return catchThrowableOfType(HttpReloadException.class, () -> action.reload(Events.attempt(2)));
  }

  private HttpReloadException fail(URI uri) {
    return fail(uri, HttpReloadAction.DEFAULT_RESPONSE_TIMEOUT);
  }

  @Test
  void connectionRefused_isUnavailable() throws IOException {
    int port = TestServer.freePort();
    HttpReloadException e = fail(URI.create("http://127.0.0.1:" + port + "/-/reload"));
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.targetUnavailable()).isTrue();
    assertThat(e).hasMessageContaining("cannot connect to POST http://127.0.0.1:" + port);
  }

  @Test
  void unknownHost_isUnavailable_aServiceNotCreatedYet() {
    HttpReloadException e = fail(URI.create("http://reloadwatch-no-such-host.invalid/-/reload"));
    assertThat(e.targetUnavailable()).isTrue();
    assertThat(e).hasMessageContaining("cannot resolve the host");
  }

  @Test
  void closedBeforeAnyResponse_isUnavailable() throws Exception {
    HttpReloadException e = againstRawServer(s -> {
      try {
        s.close();
      } catch (IOException ignored) {
        // the client's side is asserted
      }
    });
    assertThat(e.targetUnavailable()).isTrue();
    assertThat(e).hasMessageContaining("closed the connection without answering");
  }

  @Test
  void resetBeforeAnyResponse_isUnavailable() throws Exception {
    HttpReloadException e = againstRawServer(s -> {
      try {
        s.setSoLinger(true, 0); // close with RST
        s.close();
      } catch (IOException ignored) {
        // the client's side is asserted
      }
    });
    assertThat(e.targetUnavailable()).isTrue();
  }

  @Test
  void aResponseBrokenOffMidway_costsTheTargetSomething() throws Exception {
    HttpReloadException e = againstRawServer(s -> {
      try {
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"
            .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException ignored) {
        // the client's side is asserted
      }
    });
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.targetUnavailable()).isFalse();
  }

  @Test
  void timeoutsAndErrorStatuses_areNotUnavailable() throws IOException {
    server = TestServer.http();
    CountDownLatch release = new CountDownLatch(1);
    server.answer(r -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return TestServer.Reply.of(200, "late");
    });
    try {
      HttpReloadException timeout = fail(server.uri("/-/reload"), Duration.ofMillis(200));
      assertThat(timeout).hasMessageContaining("did not answer within 200 ms");
      assertThat(timeout.targetUnavailable()).isFalse();
    } finally {
      release.countDown();
    }
    for (int status : new int[] {429, 500, 502, 503, 504}) {
      server.answer(status, "no");
      action.close();
      HttpReloadException e = fail(server.uri("/-/reload"));
      assertThat(e.statusCode()).isEqualTo(status);
      assertThat(e.targetUnavailable()).as("status %d", status).isFalse();
    }
  }

  @Test
  void aRunOfRefusedAttempts_logsOnceAtInfo_andOnceWhenTheTargetIsBack() throws Exception {
    // given: a port nothing listens on
    int port = TestServer.freePort();
    action = HttpReloadAction.builder()
        .uri(URI.create("http://127.0.0.1:" + port + "/-/reload")).build();
    String target = "POST http://127.0.0.1:" + port + "/-/reload";
    String text;
    try (LogCapture logs = new LogCapture()) {
      // when: five attempts are refused, then the target listens and answers
      for (int i = 1; i <= 5; i++) {
        int attempt = i;
        assertThat(catchThrowableOfType(HttpReloadException.class,
            () -> action.reload(Events.attempt(attempt))).targetUnavailable()).isTrue();
      }
      server = TestServer.http(port);
      action.reload(Events.attempt(6));
      action.reload(Events.attempt(7));
      text = logs.text();
    }

    // then
    String info = "INFO .*HttpReloadAction - " + Pattern.quote(target) + " -> ";
    assertThat(Pattern.compile(info + "connection refused").matcher(text).results().count())
        .isEqualTo(1);
    assertThat(text)
        .containsPattern(info + "connection refused in \\d+ ms \\(attempt 1\\); while it stays"
            + " unavailable, further attempts are logged at DEBUG")
        .containsPattern("DEBUG .*" + Pattern.quote(target) + " -> connection refused in \\d+ ms"
            + " \\(attempt 5; unavailable 5 times in a row\\)")
        .containsPattern(info + "200 OK in \\d+ ms \\(attempt 6\\); reachable again after 5"
            + " unavailable attempt\\(s\\)")
        .containsPattern(info + "200 OK in \\d+ ms \\(attempt 7\\)\\R");
  }

  /** A one-connection server that reads the request head, then does {@code then} to the socket. */
  private HttpReloadException againstRawServer(Consumer<Socket> then) throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread serverThread = new Thread(() -> {
        try (Socket s = raw.accept()) {
          readRequestHead(s.getInputStream());
          then.accept(s);
        } catch (IOException ignored) {
          // the client's side is asserted
        }
      }, "test-raw-server");
      serverThread.start();
      HttpReloadException e =
          fail(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/-/reload"));
      serverThread.join(10_000);
      return e;
    }
  }

  static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    for (int b; matched < end.length && (b = in.read()) != -1; ) {
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
  }
}
