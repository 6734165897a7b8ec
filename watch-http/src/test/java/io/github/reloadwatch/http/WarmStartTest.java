package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.testing.LogCapture;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11, warm start: {@code prepare()} builds what the first reload would, without contacting
 * the target; a plain {@code http://} action never sets up TLS. What it saves is measured by
 * {@link WarmStartMeasurement} in a fresh JVM, not here.
 */
class WarmStartTest {

  @TempDir Path tmp;
  private TestServer server;
  private HttpReloadAction action;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.http();
  }

  @AfterEach
  void stop() {
    if (action != null) {
      action.close();
    }
    server.close();
  }

  @Test
  void prepare_sendsNothingToTheTarget_andReadsNoCredentialFile() throws Exception {
    // given: a token file that is not mounted yet
    action = PrometheusReload.at(server.uri("")).verify(true)
        .bearerTokenFile(tmp.resolve("not-yet")).build();

    // when
    String text;
    try (LogCapture logs = new LogCapture()) {
      action.prepare();
      action.prepare();
      text = logs.text();
    }

    // then
    assertThat(server.requests).isEmpty();
    assertThat(text).contains("prepared in").contains("nothing sent").doesNotContain("WARN");
  }

  @Test
  void prepare_reportsAnUnusableTlsFile_andAClosedAction() {
    action = HttpReloadAction.builder().uri(URI.create("https://127.0.0.1:1/-/reload"))
        .caCertificate(tmp.resolve("missing-ca.pem")).build();
    assertThatThrownBy(action::prepare).isInstanceOf(HttpReloadException.class)
        .hasMessageContaining("cannot read the TLS file");
    action.close();
    assertThatThrownBy(action::prepare).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPlainHttpAction_neverCreatesAnSslContext() throws Exception {
    CountingTls.created.set(0);
    Security.insertProviderAt(new CountingTls(), 1);
    try {
      action = HttpReloadAction.builder().uri(server.uri("/-/reload")).build();
      action.prepare();
      action.reload(Events.attempt(1));
    } finally {
      Security.removeProvider(CountingTls.NAME);
    }
    assertThat(server.requests).hasSize(1);
    assertThat(CountingTls.created).hasValue(0);
  }

  @Test
  void noTls_refusesToUpgrade() {
    assertThatThrownBy(() -> ClientHolder.noTls(null, "h", 443, null, null))
        .isInstanceOf(javax.net.ssl.SSLException.class)
        .hasMessageContaining("plain http://");
  }

  /** A provider that counts the {@code SSLContext.getInstance("TLS")} calls made while it is first. */
  public static final class CountingTls extends Provider {
    static final String NAME = "reloadwatch-counting-tls";
    static final AtomicInteger created = new AtomicInteger();
    private static final long serialVersionUID = 1L;

    /** Registers the counting context. */
    public CountingTls() {
      super(NAME, "1", "counts TLS contexts");
      put("SSLContext.TLS", Spi.class.getName());
    }

    /** Counts, and is good for nothing else. */
    public static final class Spi extends SSLContextSpi {
      /** Counts one. */
      public Spi() {
        created.incrementAndGet();
      }

      @Override
      protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
          throws KeyManagementException {}

      @Override
      protected SSLSocketFactory engineGetSocketFactory() {
        throw new UnsupportedOperationException("counting only");
      }

      @Override
      protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw new UnsupportedOperationException("counting only");
      }

      @Override
      protected SSLEngine engineCreateSSLEngine() {
        throw new UnsupportedOperationException("counting only");
      }

      @Override
      protected SSLEngine engineCreateSSLEngine(String host, int port) {
        throw new UnsupportedOperationException("counting only");
      }

      @Override
      protected SSLSessionContext engineGetServerSessionContext() {
        throw new UnsupportedOperationException("counting only");
      }

      @Override
      protected SSLSessionContext engineGetClientSessionContext() {
        throw new UnsupportedOperationException("counting only");
      }
    }
  }
}
