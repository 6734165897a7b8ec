package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TlsReloaderBuilderTest {

  @Test
  void build_withoutDirectory() {
    assertThatThrownBy(() -> TlsReloader.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no directory: call directory(...) before build()");
  }

  @Test
  void directory_null() {
    assertThatThrownBy(() -> TlsReloader.builder().directory(null))
        .isInstanceOf(NullPointerException.class).hasMessage("directory cannot be null");
  }

  @Test
  void certificateFile_path() {
    assertThatThrownBy(() -> TlsReloader.builder().certificateFile("certs/tls.crt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificateFile (certs/tls.crt) must be a file name in the directory, such"
            + " as tls.crt: not empty, not hidden, no path");
  }

  @Test
  void keyFile_hidden() {
    assertThatThrownBy(() -> TlsReloader.builder().keyFile("..data"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyFile (..data)");
  }

  @Test
  void caFile_empty() {
    assertThatThrownBy(() -> TlsReloader.builder().caFile(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caFile ()");
  }

  @Test
  void retention_zero() {
    assertThatThrownBy(() -> TlsReloader.builder().retention(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retention (PT0S) must be positive");
  }

  @Test
  void expiryWarning_negative() {
    assertThatThrownBy(() -> TlsReloader.builder().expiryWarning(Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expiryWarning (PT-24H) must not be negative");
  }

  @Test
  void debounce_negative() {
    assertThatThrownBy(() -> TlsReloader.builder().debounce(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("debounce (PT-0.005S) must not be negative");
  }

  @Test
  void expiryPolicy_null() {
    assertThatThrownBy(() -> TlsReloader.builder().expiryPolicy(null))
        .isInstanceOf(NullPointerException.class).hasMessage("policy cannot be null");
  }

  @Test
  void scheduler_null() {
    assertThatThrownBy(() -> TlsReloader.builder().scheduler(null))
        .isInstanceOf(NullPointerException.class).hasMessage("scheduler cannot be null");
  }

  @Test
  void watcherOptions_null() {
    assertThatThrownBy(() -> TlsReloader.builder().watcherOptions(null))
        .isInstanceOf(NullPointerException.class).hasMessage("options cannot be null");
  }

  @Test
  void build_isPureAndRepeatable() {
    TlsReloader.Builder builder = TlsReloader.builder().directory(Path.of("does-not-exist"));
    TlsReloader first = builder.build();
    TlsReloader second = builder.keyFile("other.key").build();
    assertThat(first).isNotSameAs(second);
    assertThat(first.status().generation()).isZero();
    assertThat(first.toString()).contains("state=NEW").contains("generation=0");
    assertThat(first.keyManager().chooseServerAlias("EC", null, null)).isNull();
  }

  @Test
  void start_twice_andAfterClose() throws Exception {
    TlsReloader tls = TlsReloader.builder().directory(Path.of("does-not-exist")).build();
    tls.close();
    assertThatThrownBy(tls::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("tls reloader already closed");
    tls.close(); // idempotent
  }
}
