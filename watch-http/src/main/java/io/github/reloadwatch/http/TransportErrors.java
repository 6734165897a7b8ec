package io.github.reloadwatch.http;

import io.github.reloadwatch.http.HttpReloadException.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * Turns what went wrong on the wire into an {@link HttpReloadException} whose message says what
 * happened and what to check. A target that is not there (connection refused, a connection reset
 * or closed before any response, an unknown host, no route to it) is {@linkplain
 * HttpReloadException#targetUnavailable() unavailable}: cheap, retried soon. Timeouts (connect or
 * response), a response broken off midway and other I/O errors are transient and cost the target
 * something; TLS trust failures are misconfigurations. Stateless.
 */
final class TransportErrors {

  private TransportErrors() {}

  /**
   * Translates a failed exchange.
   *
   * @param e what the client threw
   * @param where the request, such as {@code POST http://host/-/reload}
   * @param connectTimeout the configured connect timeout, for the message
   * @param responseWait how long the request waited for its response, for the message
   * @param responseStarted true if a response's status line had arrived when it failed
   */
  static HttpReloadException translate(IOException e, String where, Duration connectTimeout,
      Duration responseWait, boolean responseStarted) {
    if (e instanceof ConnectTimeoutException) {
      return HttpReloadException.noResponse(Kind.TRANSIENT, "cannot connect to " + where
          + " within " + connectTimeout.toMillis() + " ms: " + e.getMessage(), e,
          "connect timed out");
    }
    if (e instanceof ConnectException) {
      return HttpReloadException.unavailable("cannot connect to " + where + ": " + e.getMessage()
          + " (is it running and listening there?)", e, "connection refused");
    }
    if (e instanceof UnknownHostException) {
      return HttpReloadException.unavailable("cannot resolve the host of " + where + ": "
          + e.getMessage() + " (a Service not created yet, or a typo in the host)", e,
          "unknown host");
    }
    if (e instanceof SocketTimeoutException) {
      return HttpReloadException.noResponse(Kind.TRANSIENT, where + " did not answer within "
          + responseWait.toMillis() + " ms", e, "timed out");
    }
    if (e instanceof NoHttpResponseException) {
      return HttpReloadException.unavailable(where + " closed the connection without answering: "
          + e.getMessage(), e, "closed without response");
    }
    if (e instanceof SSLException) {
      if (causedBy(e, EOFException.class) || causedBy(e, SocketException.class)) {
        return HttpReloadException.noResponse(Kind.TRANSIENT, "TLS connection to " + where
            + " was closed by the server during the handshake: " + e.getMessage() + "; if this"
            + " persists, check the client certificate the server expects", e,
            "TLS connection closed");
      }
      return HttpReloadException.noResponse(Kind.MISCONFIGURATION, "TLS with " + where
          + " failed: " + e.getMessage() + "; check caCertificate(...) (the server's CA), that the"
          + " URI's host matches the certificate, and the client certificate if the server wants"
          + " one", e, "TLS failed");
    }
    if (e instanceof SocketException && !responseStarted) {
      return HttpReloadException.unavailable(where + " failed before any response: " + e, e,
          "connection reset");
    }
    if (responseStarted) {
      return HttpReloadException.noResponse(Kind.TRANSIENT, where + " broke off its response: "
          + e, e, "response broken off (" + e.getClass().getSimpleName() + ")");
    }
    return HttpReloadException.noResponse(Kind.TRANSIENT, where + " failed: " + e, e,
        "I/O error (" + e.getClass().getSimpleName() + ")");
  }

  /** The attempt's deadline cancelled the request, or passed before it could be sent. */
  static HttpReloadException attemptTimedOut(String where, Duration attemptTimeout,
      Throwable cause) {
    return HttpReloadException.noResponse(Kind.TRANSIENT, where + " did not complete within the"
        + " attempt timeout of " + attemptTimeout.toMillis() + " ms", cause, "attempt timed out");
  }

  /** {@code close()} aborted the request. */
  static HttpReloadException abortedByClose(String where, Throwable cause) {
    return HttpReloadException.noResponse(Kind.TRANSIENT, where + " was aborted: the action was"
        + " closed", cause, "aborted by close()");
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
