package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.http.HttpReloadException.Kind;
import io.github.reloadwatch.testing.FakeScheduler;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Status to outcome, without HTTP: the generic rules, and what a preset may add to them. */
class ResponseClassifierTest {

  private static final URI RELOAD = URI.create("http://127.0.0.1:9090/-/reload");
  private static final String TARGET = "POST " + RELOAD;

  private final FakeScheduler time = new FakeScheduler();

  private ResponseClassifier classifier(Preset preset) {
    return new ResponseClassifier(TARGET, "POST", Set.of(), preset.rejectStatuses(),
        "the credentials (none are configured)", preset, time);
  }

  private static Response response(int status, String body) {
    return new Response(RELOAD, status, "", body, body.isEmpty() ? "(empty body)" : body, null,
        null);
  }

  @Test
  void aPlainAction_knowsNothingAboutPrometheus() {
    ResponseClassifier plain = classifier(Preset.NONE);
    HttpReloadException forbidden = plain.classify(response(403, "Lifecycle API is not enabled."));
    HttpReloadException notFound = plain.classify(response(404, "404 page not found"));
    assertThat(forbidden.kind()).isEqualTo(Kind.MISCONFIGURATION);
    assertThat(forbidden).hasMessageStartingWith(TARGET + " answered 403: forbidden")
        .hasMessageNotContaining("--web");
    assertThat(notFound).hasMessage(TARGET + " answered 404: the URL is wrong; check the path:"
        + " 404 page not found");
  }

  @Test
  void thePrometheusPreset_wordsItsFailures_butKeepsTheirKind() {
    ResponseClassifier prometheus = classifier(PrometheusReload.PRESET);
    HttpReloadException lifecycle =
        prometheus.classify(response(403, "Lifecycle API is not enabled."));
    assertThat(lifecycle.kind()).isEqualTo(Kind.MISCONFIGURATION);
    assertThat(lifecycle).hasMessage(TARGET + " answered 403: the lifecycle API is not enabled;"
        + " start Prometheus with --web.enable-lifecycle so that POST /-/reload works");
    assertThat(prometheus.classify(response(403, "denied by proxy")))
        .hasMessageContaining("forbidden; check the credentials");
    assertThat(prometheus.classify(response(404, "")))
        .hasMessageContaining("--web.route-prefix").hasMessageEndingWith("(empty body)");
    assertThat(prometheus.classify(response(500, "bad yaml")).kind()).isEqualTo(Kind.REJECTED);
    assertThat(prometheus.classify(response(503, "")).kind()).isEqualTo(Kind.TRANSIENT);
  }

  @Test
  void aSuccess_isNull() {
    assertThat(classifier(Preset.NONE).classify(response(204, ""))).isNull();
  }

  @Test
  void retryAfterAnHttpDate_isMeasuredOnTheSchedulersWallClock() {
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        time.instant().plusSeconds(90).atOffset(ZoneOffset.UTC));
    ResponseClassifier c = classifier(Preset.NONE);
    assertThat(c.retryAfter(in90s)).isEqualTo(Duration.ofSeconds(90));
    time.advance(Duration.ofSeconds(60));
    assertThat(c.retryAfter(in90s)).isEqualTo(Duration.ofSeconds(30));
    time.advance(Duration.ofSeconds(60));
    assertThat(c.retryAfter(in90s)).isZero(); // in the past: retry now
  }

  @Test
  void retryAfter_unreadableOrNegative_isIgnored_andHugeIsCapped() {
    ResponseClassifier c = classifier(Preset.NONE);
    assertThat(c.retryAfter(null)).isNull();
    assertThat(c.retryAfter("soon")).isNull();
    assertThat(c.retryAfter("-5")).isNull();
    assertThat(c.retryAfter(" 7 ")).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.retryAfter("86400")).isEqualTo(HttpReloadAction.MAX_RETRY_AFTER);
  }
}
