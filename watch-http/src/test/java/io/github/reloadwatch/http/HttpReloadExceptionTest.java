package io.github.reloadwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.http.HttpReloadException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure types: only this package builds them, so a REJECTED one is always wrapped. */
class HttpReloadExceptionTest {

  @Test
  void noPublicConstructor_canBuildAFailure() {
    assertThat(HttpReloadException.class.getConstructors()).isEmpty();
    assertThat(CircuitOpenException.class.getConstructors()).isEmpty();
  }

  @Test
  void notSent_isAMisconfigurationThatSentNothing() {
    HttpReloadException e = HttpReloadException.notSent("token file missing", null, "missing");
    assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURATION);
    assertThat(e.requestSent()).isFalse();
    assertThat(e.statusCode()).isZero();
    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void answered_carriesStatusAndHint() {
    HttpReloadException e =
        HttpReloadException.answered(Kind.TRANSIENT, "busy", 503, Duration.ofSeconds(7));
    assertThat(e.statusCode()).isEqualTo(503);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.requestSent()).isTrue();
    assertThatThrownBy(() -> HttpReloadException.answered(Kind.TRANSIENT, "x", 42, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statusCode (42) must be 0 or 100-599");
  }

  @Test
  void notConfirmed_isTransient() {
    HttpReloadException e = HttpReloadException.notConfirmed("stale");
    assertThat(e).hasMessage("reload not confirmed: stale");
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.outcome()).isEqualTo(HttpReloadException.NOT_CONFIRMED);
  }
}
