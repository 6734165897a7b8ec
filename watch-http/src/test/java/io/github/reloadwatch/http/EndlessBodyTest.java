package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #14, item 10: a response whose body never ends must not hold the reload thread until the
 * attempt timeout: the action reads {@code RESPONSE_BODY_LIMIT}, aborts the connection instead of
 * draining it, and decides on the status. Real time: the attempt timeout is 30 s, and the attempt
 * must end within 10 s (it takes milliseconds: 64 KiB over loopback).
 */
class EndlessBodyTest {

  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

  private ServerSocket raw;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private Thread acceptor;
  private volatile String status = "200 OK";
  private HttpReloadAction action;

  @BeforeEach
  void start() throws IOException {
    raw = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "test-endless-server");
    acceptor.setDaemon(true);
    acceptor.start();
    action = HttpReloadAction.builder()
        .uri(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/-/reload"))
        .attemptTimeout(ATTEMPT_TIMEOUT)
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    action.close();
    raw.close();
    for (Socket s : accepted) {
      s.close();
    }
    acceptor.join(10_000);
  }

  /** Answers every connection with {@link #status} and an endless chunked body. */
  private void serve() {
    while (!raw.isClosed()) {
      try {
        Socket s = raw.accept();
        accepted.add(s);
        Thread writer = new Thread(() -> endless(s), "test-endless-writer");
        writer.setDaemon(true);
        writer.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void endless(Socket s) {
    try (s) {
      UnavailableTargetTest.readRequestHead(s.getInputStream());
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 " + status + "\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("1000\r\n" + "x".repeat(0x1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // the client aborted the connection: what the test wants
    }
  }

  @Test
  void anEndless200_isASuccessDecidedOnWhatWasRead_wellWithinTheAttemptTimeout()
      throws Exception {
    long start = System.nanoTime();
    action.reload(Events.attempt(1));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

    // the aborted connection is not reused: the next attempt opens a new one
    action.reload(Events.attempt(2));
    assertThat(accepted).hasSize(2);
  }

  @Test
  void anEndless502_isClassifiedOnItsStatus_withABoundedExcerpt() {
    status = "502 Bad Gateway";
    long start = System.nanoTime();
    HttpReloadException e =
        catchThrowableOfType(HttpReloadException.class, () -> action.reload(Events.attempt(1)));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(e.statusCode()).isEqualTo(502);
    assertThat(e.getMessage()).hasSizeLessThan(1000).endsWith("...");
  }
}
