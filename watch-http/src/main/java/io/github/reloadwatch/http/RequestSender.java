package io.github.reloadwatch.http;

import io.github.reloadwatch.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request of an attempt: the action's headers and credentials, the body if asked, a
 * response timeout no longer than what is left of the attempt, and a {@link Deadline} that cancels
 * the request when the attempt's time is up. The response is read up to a limit and released; every
 * failure is an {@link HttpReloadException}. Time comes from the action's {@link Scheduler}.
 * Thread-safe.
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
   * @param bodyLimit how many bytes of the response to read
   * @return the response, whatever its status
   * @throws HttpReloadException if no response was read: see {@link TransportErrors}
   */
  Response send(String method, URI requestUri, boolean withBody, long attemptStartNanos,
      int bodyLimit) throws HttpReloadException {
    String where = requestUri.equals(uri) ? target : requestUri.toString();
    Duration left = attemptTimeout.minusNanos(scheduler.nanoTime() - attemptStartNanos);
    if (left.isNegative() || left.isZero()) {
      throw TransportErrors.attemptTimedOut(where, attemptTimeout, null);
    }
    Credentials.Loaded sent = credentials.load(target);
    Duration wait = left.compareTo(responseTimeout) < 0 ? left : responseTimeout;
    HttpUriRequestBase request = request(method, requestUri, withBody, sent, wait);
    if (logger.isDebugEnabled()) {
      logger.debug("{} {}: sending with headers {}, {}, {} ms left of the attempt", method,
          requestUri, new TreeSet<>(headers.keySet()), sent.description(), left.toMillis());
    }
    Deadline deadline = Deadline.start(scheduler, left, request::cancel);
    try {
      Response response = clients.execute(request, r -> {
        String text = read(r.getEntity(), bodyLimit);
        return new Response(requestUri, r.getCode(), r.getReasonPhrase(), text, sent.excerpt(text),
            value(r.getFirstHeader("Retry-After")), value(r.getFirstHeader("Location")));
      });
      if (logger.isDebugEnabled()) {
        logger.debug("{} {}: {} {}, Retry-After {}, body: {}", method, requestUri,
            response.status(), response.reason(),
            response.retryAfter() == null ? "none" : response.retryAfter(), response.excerpt());
      }
      return response;
    } catch (HttpReloadException e) {
      throw e; // a TLS file is unusable: nothing was sent
    } catch (IOException e) {
      logger.debug("{} {}: failed: {}", method, requestUri, e.toString());
      if (deadline.fired()) {
        throw TransportErrors.attemptTimedOut(where, attemptTimeout, e);
      }
      if (clients.isClosed()) {
        throw TransportErrors.abortedByClose(where, e);
      }
      throw TransportErrors.translate(e, where, connectTimeout, wait);
    } finally {
      deadline.cancel();
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

  private static String read(HttpEntity entity, int limit) throws IOException {
    if (entity == null) {
      return "";
    }
    try (InputStream in = entity.getContent()) {
      byte[] bytes = in.readNBytes(limit);
      EntityUtils.consumeQuietly(entity);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String value(Header header) {
    return header == null ? null : header.getValue();
  }
}
