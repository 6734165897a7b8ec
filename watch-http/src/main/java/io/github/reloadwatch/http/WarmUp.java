package io.github.reloadwatch.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exchange through the action's pooled client against a socket of its own on the
 * loopback interface, answered by a short-lived thread, so that the first reload finds the classes
 * of a whole exchange (connection pool, connect, request writer, response parser, entity) loaded
 * and warm. It never contacts the target, and the request carries no credential and no configured
 * header; the answer closes the connection, so nothing stays in the pool. A failure only costs
 * the first reload what it would have cost anyway, so it is logged at DEBUG and ignored.
 */
final class WarmUp {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);
  private static final Duration LIMIT = Duration.ofSeconds(2);
  private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
      + "Connection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);

  private WarmUp() {}

  /** Runs the exchange; returns when it is over, within about {@link #LIMIT}. */
  static void exchange(ClientHolder clients) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
      socket.setSoTimeout((int) LIMIT.toMillis());
      Thread answerer = new Thread(() -> answerOnce(socket), "reloadwatch-http-warm-up");
      answerer.setDaemon(true);
      answerer.start();
      String host = loopback instanceof Inet6Address
          ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
      HttpUriRequestBase request = new HttpUriRequestBase("POST",
          URI.create("http://" + host + ":" + socket.getLocalPort() + "/warm-up"));
      request.setConfig(RequestConfig.custom()
          .setResponseTimeout(Timeout.of(LIMIT))
          .setConnectionRequestTimeout(Timeout.of(LIMIT))
          .build());
      request.setEntity(new ByteArrayEntity(new byte[0], null));
      clients.execute(request, r -> {
        HttpEntity entity = r.getEntity();
        if (entity != null) {
          try (InputStream in = entity.getContent()) {
            in.readNBytes(16);
          }
        }
        return r.getCode();
      });
      answerer.join(LIMIT.toMillis());
    } catch (IOException e) {
      logger.debug("warming up on the loopback interface failed; the first reload loads what is"
          + " missing: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answerOnce(ServerSocket socket) {
    try (Socket s = socket.accept()) {
      s.setSoTimeout((int) LIMIT.toMillis());
      InputStream in = s.getInputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      for (int b; matched < end.length && (b = in.read()) != -1; ) {
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      OutputStream out = s.getOutputStream();
      out.write(ANSWER);
      out.flush();
    } catch (IOException e) {
      logger.debug("the warm-up answer failed: {}", e.toString());
    }
  }
}
