package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void withoutJitter_delaysDoubleUpToTheCap() {
    RetryPolicy policy = RetryPolicy.builder()
        .initialBackoff(Duration.ofSeconds(1))
        .maxBackoff(Duration.ofSeconds(5))
        .jitter(0)
        .build();
    assertThat(policy.delayAfter(1)).contains(Duration.ofSeconds(1));
    assertThat(policy.delayAfter(2)).contains(Duration.ofSeconds(2));
    assertThat(policy.delayAfter(3)).contains(Duration.ofSeconds(4));
    assertThat(policy.delayAfter(4)).contains(Duration.ofSeconds(5));
    assertThat(policy.delayAfter(1000)).contains(Duration.ofSeconds(5));
  }

  @RepeatedTest(20)
  void withJitter_delaysStayWithinTheRandomizationBand() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertThat(policy.delayAfter(1).orElseThrow())
        .isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
    assertThat(policy.delayAfter(3).orElseThrow())
        .isBetween(Duration.ofMillis(2000), Duration.ofMillis(6000));
    assertThat(policy.delayAfter(50).orElseThrow()).isLessThanOrEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void maxAttempts_endsTheRetries() {
    RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).build();
    assertThat(policy.delayAfter(2)).isPresent();
    assertThat(policy.delayAfter(3)).isEmpty();
    assertThat(RetryPolicy.never().delayAfter(1)).isEmpty();
    assertThat(RetryPolicy.defaults().maxAttempts()).isZero();
  }

  @Test
  void initialBackoff_notPositive() {
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialBackoff (PT0S) must be positive");
  }

  @Test
  void jitter_outOfRange() {
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter (1.0) must be in [0, 1)");
  }

  @Test
  void multiplier_belowOne() {
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiplier (0.5)");
  }

  @Test
  void maxAttempts_negative() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use 0 for no limit");
  }

  @Test
  void build_maxBelowInitial() {
    assertThatThrownBy(() -> RetryPolicy.builder()
            .initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff (PT1S) must not be less than initialBackoff (PT10S)");
  }
}
