package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per builder precondition, asserting the message. */
class HttpReloadActionBuilderTest {

  private static final String SECRET = "pa55-w0rd-secret";
  private static final URI URL = URI.create("http://127.0.0.1:9090/-/reload");

  private static HttpReloadAction.Builder valid() {
    return HttpReloadAction.builder().uri(URL);
  }

  @Test
  void defaults() {
    assertThat(HttpReloadAction.DEFAULT_CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
    assertThat(HttpReloadAction.DEFAULT_RESPONSE_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    assertThat(HttpReloadAction.DEFAULT_ATTEMPT_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
    assertThat(valid().build().toString())
        .isEqualTo("HttpReloadAction{POST http://127.0.0.1:9090/-/reload}");
  }

  @Test
  void build_isPureAndRepeatable() {
    // given: files that do not exist, since build() must not read them
    HttpReloadAction.Builder builder = HttpReloadAction.builder()
        .uri(URI.create("https://example.invalid/-/reload"))
        .bearerTokenFile(Path.of("/nonexistent/token"))
        .caCertificate(Path.of("/nonexistent/ca.pem"))
        .clientCertificate(Path.of("/nonexistent/c.pem"), Path.of("/nonexistent/k.pem"));
    // when
    HttpReloadAction first = builder.build();
    HttpReloadAction second = builder.method("PUT").build();
    // then
    assertThat(first).isNotSameAs(second);
    assertThat(first.toString()).contains("POST https://example.invalid/-/reload");
    assertThat(second.toString()).contains("PUT https://example.invalid/-/reload");
    first.close();
    second.close();
  }

  @Test
  void build_withoutUri() {
    assertThatThrownBy(() -> HttpReloadAction.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no uri: call uri(...) before build()");
  }

  @Test
  void uri_null() {
    assertThatThrownBy(() -> HttpReloadAction.builder().uri(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("uri cannot be null");
  }

  @Test
  void uri_notHttp() {
    assertThatThrownBy(() -> HttpReloadAction.builder().uri(URI.create("ftp://x/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uri (ftp://x/) must be an absolute http:// or https:// URI");
  }

  @Test
  void uri_relative() {
    assertThatThrownBy(() -> HttpReloadAction.builder().uri(URI.create("/-/reload")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be an absolute http:// or https:// URI");
  }

  @Test
  void uri_withoutHostAndWithUserInfo_doesNotShowThePassword() {
    assertThatThrownBy(() -> HttpReloadAction.builder()
            .uri(URI.create("ftp://user:" + SECRET + "@host/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void method_notAWord() {
    assertThatThrownBy(() -> valid().method("PO ST"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("method (PO ST) must be a word like POST");
  }

  @Test
  void header_nameNotAToken() {
    assertThatThrownBy(() -> valid().header("X Bad", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header name (X Bad) must be an HTTP token");
  }

  @Test
  void header_valueWithLineBreak_doesNotShowTheValue() {
    assertThatThrownBy(() -> valid().header("X-Key", SECRET + "\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header value for X-Key must not contain line breaks");
  }

  @Test
  void header_null() {
    assertThatThrownBy(() -> valid().header("X-Key", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("header value cannot be null");
  }

  @Test
  void body_malformedContentType() {
    assertThatThrownBy(() -> valid().body("json", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contentType (json)");
  }

  @Test
  void expectStatus_outOfRange() {
    assertThatThrownBy(() -> valid().expectStatus(200, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status (99) must be in 100-599");
  }

  @Test
  void rejectStatus_outOfRange() {
    assertThatThrownBy(() -> valid().rejectStatus(600))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status (600) must be in 100-599");
  }

  @Test
  void connectTimeout_notPositive() {
    assertThatThrownBy(() -> valid().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout (PT0S) must be positive");
  }

  @Test
  void responseTimeout_negative() {
    assertThatThrownBy(() -> valid().responseTimeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("responseTimeout (PT-0.005S) must be positive");
  }

  @Test
  void attemptTimeout_null() {
    assertThatThrownBy(() -> valid().attemptTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("attemptTimeout cannot be null");
  }

  @Test
  void circuitOpenDuration_notPositive() {
    assertThatThrownBy(() -> valid().circuitOpenDuration(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("circuitOpenDuration (PT0S) must be positive");
  }

  @Test
  void scheduler_null() {
    assertThatThrownBy(() -> valid().scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler cannot be null");
  }

  @Test
  void basicAuth_usernameWithColon() {
    assertThatThrownBy(() -> valid().basicAuth("a:b", Path.of("pw")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("username (a:b) must not contain ':'");
  }

  @Test
  void build_tlsOptionsOnPlainHttp_doesNotShowThePassword() {
    assertThatThrownBy(() -> HttpReloadAction.builder()
            .uri(URI.create("http://u:" + SECRET + "@h/")).caCertificate(Path.of("ca.pem")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("TLS options are set but the uri (http://h/) is plain http: use https://");
  }

  @Test
  void build_insecureSkipVerifyWithCaCertificate() {
    assertThatThrownBy(() -> HttpReloadAction.builder().uri(URI.create("https://h/"))
            .caCertificate(Path.of("ca.pem")).insecureSkipVerify().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("insecureSkipVerify()")
        .hasMessageContaining("choose one");
  }

  @Test
  void build_twoKindsOfCredentials() {
    assertThatThrownBy(() -> valid().bearerTokenFile(Path.of("t"))
            .basicAuth("u", Path.of("p")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("choose one");
    assertThatThrownBy(() -> HttpReloadAction.builder()
            .uri(URI.create("http://u:" + SECRET + "@h/")).bearerTokenFile(Path.of("t")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> valid().header("authorization", "Bearer x")
            .bearerTokenFile(Path.of("t")).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void presets_null() {
    assertThatThrownBy(() -> PrometheusReload.at(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base cannot be null");
    assertThatThrownBy(() -> AlertmanagerReload.at(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base cannot be null");
  }

  @Test
  void presets_notHttp() {
    assertThatThrownBy(() -> PrometheusReload.at(URI.create("localhost:9090")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("base (localhost:9090) must be an absolute http:// or https://");
    assertThatThrownBy(() -> AlertmanagerReload.at(URI.create("//am:9093")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("base (//am:9093) must be");
  }
}
