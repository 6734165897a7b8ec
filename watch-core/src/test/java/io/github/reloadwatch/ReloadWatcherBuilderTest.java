package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per precondition of the builder, asserting the message. */
class ReloadWatcherBuilderTest {

  private static final ReloadAction NOOP = event -> {};

  private static ReloadWatcher.Builder valid() {
    return ReloadWatcher.builder().addPath(Path.of("config")).addAction(NOOP);
  }

  @Test
  void addPath_null() {
    assertThatThrownBy(() -> ReloadWatcher.builder().addPath(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path cannot be null");
  }

  @Test
  void addDirectory_null() {
    assertThatThrownBy(() -> ReloadWatcher.builder().addDirectory(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("directory cannot be null");
  }

  @Test
  void addAction_null() {
    assertThatThrownBy(() -> ReloadWatcher.builder().addAction(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("action cannot be null");
  }

  @Test
  void debounce_negative() {
    assertThatThrownBy(() -> ReloadWatcher.builder().debounce(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("debounce (PT-0.005S) must not be negative");
  }

  @Test
  void maxDelay_negative() {
    assertThatThrownBy(() -> ReloadWatcher.builder().maxDelay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDelay");
  }

  @Test
  void resyncInterval_negative() {
    assertThatThrownBy(() -> ReloadWatcher.builder().resyncInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resyncInterval");
  }

  @Test
  void closeTimeout_negative() {
    assertThatThrownBy(() -> ReloadWatcher.builder().closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("closeTimeout");
  }

  @Test
  void addInclude_malformed() {
    assertThatThrownBy(() -> ReloadWatcher.builder().addInclude("*.{yml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("include glob (*.{yml) is malformed");
  }

  @Test
  void build_withoutPaths() {
    assertThatThrownBy(() -> ReloadWatcher.builder().addAction(NOOP).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no paths to watch: call addPath(...) before build()");
  }

  @Test
  void build_withoutActions() {
    assertThatThrownBy(() -> ReloadWatcher.builder().addPath(Path.of("x")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no actions: call addAction(...) before build()");
  }

  @Test
  void build_maxDelayBelowDebounce() {
    assertThatThrownBy(() -> valid().debounce(Duration.ofSeconds(2))
            .maxDelay(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxDelay (PT1S) must not be less than debounce (PT2S)");
  }

  @Test
  void build_isPureAndRepeatable() {
    ReloadWatcher.Builder builder = valid();
    ReloadWatcher first = builder.build();
    ReloadWatcher second = builder.addPath(Path.of("more")).build();
    assertThat(first).isNotSameAs(second);
    assertThat(first.paths()).hasSize(1);
    assertThat(second.paths()).hasSize(2);
    assertThat(first.status().state()).isEqualTo(WatchStatus.State.NEW);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith(Threads.PREFIX + "reload"));
  }

  @Test
  void paths_areAbsoluteAndNormalized() {
    ReloadWatcher watcher = valid().addPath(Path.of("a/../b")).build();
    assertThat(watcher.paths()).allMatch(Path::isAbsolute)
        .contains(Path.of("b").toAbsolutePath());
  }

  @Test
  void toBuilder_derivesAVariant() {
    ReloadWatcher original = valid().debounce(Duration.ofSeconds(1)).build();
    ReloadWatcher variant = original.toBuilder().addPath(Path.of("other")).build();
    assertThat(variant.paths()).containsAll(original.paths()).hasSize(2);
  }

  @Test
  void reloadNow_beforeStart() {
    assertThatThrownBy(() -> valid().build().reloadNow())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
  }

  @Test
  void start_afterClose() {
    ReloadWatcher watcher = valid().build();
    watcher.close();
    watcher.close(); // idempotent
    assertThatThrownBy(watcher::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("watcher already closed");
  }
}
