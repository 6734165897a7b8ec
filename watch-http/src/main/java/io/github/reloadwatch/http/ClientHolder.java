package io.github.reloadwatch.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action's one pooled HTTP client (Apache HttpClient 5): built by {@link #prepare()} or on
 * first use, rebuilt when a TLS file changed (a rotated certificate or CA bundle, noticed by file
 * key, size and modification time on every request), and closed by {@link #close()}, which also
 * aborts the requests in flight. The client follows no redirects, retries nothing and keeps no
 * cookies: the watcher owns retries. For a plain {@code http://} target no TLS machinery is ever
 * built: HttpClient's default would create an {@code SSLContext} and read the JDK trust store,
 * about half of the first reload's cost. Thread-safe.
 */
final class ClientHolder {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);

  private final String target;
  private final Path caCertificate;
  private final Path clientCertificate;
  private final Path clientKey;
  private final boolean insecureSkipVerify;
  private final boolean https;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final AtomicBoolean warnedInsecure = new AtomicBoolean();
  /** Requests being sent, so that close() can abort them. */
  private final Set<HttpUriRequestBase> inFlight = ConcurrentHashMap.newKeySet();

  // @GuardedBy("this")
  private CloseableHttpClient client;
  // @GuardedBy("this"): the TLS files' identities the client was built from
  private List<Object> clientTlsFiles;
  // @GuardedBy("this")
  private boolean closed;

  /** {@code https}: false if every request goes to plain http, so TLS is never needed. */
  ClientHolder(String target, boolean https, Path caCertificate, Path clientCertificate,
      Path clientKey, boolean insecureSkipVerify, Duration connectTimeout,
      Duration responseTimeout) {
    this.target = target;
    this.https = https;
    this.caCertificate = caCertificate;
    this.clientCertificate = clientCertificate;
    this.clientKey = clientKey;
    this.insecureSkipVerify = insecureSkipVerify;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
  }

  /**
   * Sends a request on the pooled client; {@link #close()} aborts it.
   *
   * @throws HttpReloadException (nothing sent) if a TLS file is unreadable or unusable
   * @throws IOException if the exchange failed
   * @throws IllegalStateException if this holder is closed
   */
  <T> T execute(HttpUriRequestBase request, HttpClientResponseHandler<T> handler)
      throws IOException {
    CloseableHttpClient http = client();
    inFlight.add(request);
    try {
      return http.execute(request, handler);
    } finally {
      inFlight.remove(request);
    }
  }

  /**
   * Builds the client now (reading the TLS files of an https target), so that the first reload
   * does not; sends nothing.
   *
   * @throws HttpReloadException if a TLS file is unreadable or unusable
   * @throws IllegalStateException if this holder is closed
   */
  void prepare() throws HttpReloadException {
    client();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Aborts the requests in flight and closes the client. Idempotent; later requests throw {@link
   * IllegalStateException}.
   */
  void close() {
    CloseableHttpClient toClose;
    synchronized (this) {
      closed = true;
      toClose = client;
      client = null;
    }
    inFlight.forEach(HttpUriRequestBase::cancel);
    if (toClose != null) {
      toClose.close(CloseMode.GRACEFUL);
    }
  }

  private synchronized CloseableHttpClient client() throws HttpReloadException {
    if (closed) {
      throw new IllegalStateException("HttpReloadAction for " + target + " is closed");
    }
    List<Object> tlsFiles = tlsFileIdentities();
    if (client != null && tlsFiles.equals(clientTlsFiles)) {
      return client;
    }
    CloseableHttpClient previous = client;
    client = build();
    clientTlsFiles = tlsFiles;
    if (previous != null) {
      logger.debug("{}: TLS files changed; new HTTP client", target);
      previous.close(CloseMode.GRACEFUL);
    }
    return client;
  }

  private CloseableHttpClient build() throws HttpReloadException {
    SSLContext tls = null;
    if (insecureSkipVerify && warnedInsecure.compareAndSet(false, true)) {
      logger.warn("TLS certificate and hostname verification is OFF for {}"
          + " (insecureSkipVerify): anyone on the network path can impersonate the target;"
          + " use caCertificate(...) instead", target);
    }
    if (insecureSkipVerify || caCertificate != null || clientCertificate != null) {
      try {
        tls = Tls.context(caCertificate, clientCertificate, clientKey, insecureSkipVerify);
      } catch (IOException | RuntimeException e) {
        throw HttpReloadException.notSent(target + ": cannot set up TLS: " + e.getMessage(), e,
            "TLS files unusable");
      }
    }
    PoolingHttpClientConnectionManagerBuilder connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(2)
            .setMaxConnPerRoute(2)
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(responseTimeout))
                // reloads and retries are at least 100 ms apart: check a pooled connection (a
                // 1 ms read) before reusing it, so a restarted target does not cost an attempt
                .setValidateAfterInactivity(TimeValue.ofMilliseconds(100))
                .build());
    if (!https) {
      connections.setTlsSocketStrategy(ClientHolder::noTls);
    } else if (tls != null) {
      connections.setTlsSocketStrategy(insecureSkipVerify
          ? new DefaultClientTlsStrategy(
              tls, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE)
          : new DefaultClientTlsStrategy(tls));
    }
    return HttpClients.custom()
        .setConnectionManager(connections.build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .setUserAgent("reloadwatch")
        .build();
  }

  /** The TLS strategy of a plain http target: it never upgrades, since nothing asks it to. */
  static SSLSocket noTls(Socket socket, String host, int port, Object attachment,
      HttpContext context) throws SSLException {
    throw new SSLException("TLS to " + host + ":" + port + " is not set up: the reload target is"
        + " plain http://");
  }

  /** The identity (file key, size, modification time) of every TLS file, to notice rotation. */
  private List<Object> tlsFileIdentities() throws HttpReloadException {
    List<Object> identities = new ArrayList<>();
    for (Path file : new Path[] {caCertificate, clientCertificate, clientKey}) {
      if (file == null) {
        continue;
      }
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        identities.add(List.of(file, String.valueOf(a.fileKey()), a.size(),
            a.lastModifiedTime().toMillis()));
      } catch (IOException e) {
        throw HttpReloadException.notSent(target + ": cannot read the TLS file [" + file + "]: "
            + e.getClass().getSimpleName() + "; check the path and the volume that should provide"
            + " it", e, "TLS file unreadable");
      }
    }
    return identities;
  }
}
