package io.github.reloadwatch.http;

import io.github.reloadwatch.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicLineParser;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request of an attempt: the action's headers and credentials, the body if asked, a
 * response timeout no longer than what is left of the attempt, and a {@link Deadline} that cancels
 * the request when the attempt's time is up. The response is read up to a limit: a body that ends
 * within it releases the connection to the pool; a longer (or endless) one is not drained, the
 * connection is aborted instead, and the response is judged on what was read. Every failure is an
 * {@link HttpReloadException}. URIs are shown {@linkplain Credentials#redacted(URI) redacted}.
 * Time comes from the action's {@link Scheduler}. Thread-safe.
 */
final class RequestSender {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);
  private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");

  private final String target;
  private final URI uri;
  private final Map<String, String> headers;
  private final String contentType;
  private final String body;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration attemptTimeout;
  private final Credentials credentials;
  private final ClientHolder clients;
  private final Scheduler scheduler;

  /**
   * Creates a sender.
   *
   * @param target the reload request, such as {@code POST http://host/-/reload}, for messages
   * @param uri the reload URI: requests to it are described as {@code target}
   * @param headers the headers every request carries
   * @param contentType the reload body's media type, or null
   * @param body the reload body, or null
   */
  RequestSender(String target, URI uri, Map<String, String> headers, String contentType,
      String body, Duration connectTimeout, Duration responseTimeout, Duration attemptTimeout,
      Credentials credentials, ClientHolder clients, Scheduler scheduler) {
    this.target = target;
    this.uri = uri;
    this.headers = Map.copyOf(headers);
    this.contentType = contentType;
    this.body = body;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
    this.attemptTimeout = attemptTimeout;
    this.credentials = credentials;
    this.clients = clients;
    this.scheduler = scheduler;
  }

  /**
   * Sends one request, bounded by what is left of the attempt that started at {@code
   * attemptStartNanos} (the scheduler's monotonic time).
   *
   * @param method the request method
   * @param requestUri where to send it
   * @param withBody true to send the configured body (the reload request), false for none
   * @param bodyLimit how many bytes of the response to read; a longer body is not drained: the
   *     connection is aborted (and not reused) once that much is read
   * @return the response, whatever its status
   * @throws HttpReloadException if no response was read: see {@link TransportErrors}
   */
  Response send(String method, URI requestUri, boolean withBody, long attemptStartNanos,
      int bodyLimit) throws HttpReloadException {
    String shown = Credentials.redacted(requestUri);
    String where = requestUri.equals(uri) ? target : shown;
    Duration left = attemptTimeout.minusNanos(scheduler.nanoTime() - attemptStartNanos);
    if (left.isNegative() || left.isZero()) {
      throw TransportErrors.attemptTimedOut(where, attemptTimeout, null);
    }
    Credentials.Loaded sent = credentials.load(target);
    Duration wait = left.compareTo(responseTimeout) < 0 ? left : responseTimeout;
    HttpUriRequestBase request = request(method, requestUri, withBody, sent, wait);
    if (logger.isDebugEnabled()) {
      logger.debug("{} {}: sending with headers {}, {}, {} ms left of the attempt", method, shown,
          new TreeSet<>(headers.keySet()), sent.description(), left.toMillis());
    }
    Exchange exchange = new Exchange(requestUri);
    Deadline deadline = Deadline.start(scheduler, left, request::cancel);
    try {
      Response response =
          clients.execute(request, r -> exchange.read(r, request, sent, bodyLimit));
      if (exchange.truncated != null) {
        logger.debug("{} {}: read the first {} bytes of the body, then aborted the connection",
            method, shown, bodyLimit);
      }
      if (logger.isDebugEnabled()) {
        logger.debug("{} {}: {} {}, Retry-After {}, body: {}", method, shown,
            response.status(), response.reason(),
            response.retryAfter() == null ? "none" : response.retryAfter(), response.excerpt());
      }
      return response;
    } catch (HttpReloadException e) {
      throw e; // a TLS file is unusable: nothing was sent
    } catch (IOException e) {
      if (exchange.truncated != null && !deadline.fired()) {
        // releasing the aborted connection failed, as it should: what was read is the answer
        logger.debug("{} {}: {} {}; read the first {} bytes of the body, then aborted the"
            + " connection", method, shown, exchange.truncated.status(),
            exchange.truncated.reason(), bodyLimit);
        return exchange.truncated;
      }
      logger.debug("{} {}: failed: {}", method, shown, e.toString());
      if (deadline.fired()) {
        throw TransportErrors.attemptTimedOut(where, attemptTimeout, e);
      }
      if (clients.isClosed()) {
        throw TransportErrors.abortedByClose(where, e);
      }
      throw TransportErrors.translate(e, where, connectTimeout, wait, exchange.started);
    } finally {
      deadline.cancel();
    }
  }

  /**
   * Builds, and never sends, a reload request with its configuration, and parses a status line, so
   * that the classes of the request path are loaded before the first reload.
   */
  void prepare() {
    Credentials.Loaded none = new Credentials.Loaded(null, List.of(), "no credentials");
    request("POST", uri, true, none, responseTimeout);
    none.excerpt("");
    CharArrayBuffer line = new CharArrayBuffer(16);
    line.append("HTTP/1.1 200 OK");
    try {
      BasicLineParser.INSTANCE.parseStatusLine(line);
    } catch (ParseException e) {
      throw new AssertionError("a valid status line did not parse", e);
    }
  }

  private HttpUriRequestBase request(String method, URI requestUri, boolean withBody,
      Credentials.Loaded sent, Duration wait) {
    HttpUriRequestBase request = new HttpUriRequestBase(method, requestUri);
    Timeout timeout = Timeout.of(wait);
    request.setConfig(RequestConfig.custom()
        .setResponseTimeout(timeout)
        .setConnectionRequestTimeout(timeout)
        .build());
    headers.forEach(request::addHeader);
    if (sent.authorization() != null) {
      request.setHeader("Authorization", sent.authorization());
    }
    if (withBody && body != null) {
      request.setEntity(new StringEntity(body, ContentType.parse(contentType)));
    } else if (METHODS_WITH_BODY.contains(method)) {
      request.setEntity(new ByteArrayEntity(new byte[0], null)); // Content-Length: 0
    }
    return request;
  }

  /** What one exchange got: filled in by the response handler, read after it. */
  private static final class Exchange {
    private final URI uri;
    /** A status line arrived. */
    volatile boolean started;
    /** The response, if its body was longer than the limit and the connection was aborted. */
    volatile Response truncated;

    Exchange(URI uri) {
      this.uri = uri;
    }

    Response read(ClassicHttpResponse r, HttpUriRequestBase request, Credentials.Loaded sent,
        int limit) throws IOException {
      started = true;
      HttpEntity entity = r.getEntity();
      String text = "";
      boolean more = false;
      if (entity != null) {
        // not closed here: closing would drain the rest of the body, which may never end
        InputStream in = entity.getContent();
        text = new String(in.readNBytes(limit), StandardCharsets.UTF_8);
        more = in.read() != -1;
      }
      Response response = new Response(uri, r.getCode(), r.getReasonPhrase(), text,
          sent.excerpt(text), value(r.getFirstHeader("Retry-After")),
          value(r.getFirstHeader("Location")));
      if (more) {
        truncated = response;
        request.cancel(); // shuts the connection down, so the pool never reuses it
      }
      return response;
    }
  }

  private static String value(Header header) {
    return header == null ? null : header.getValue();
  }
}
