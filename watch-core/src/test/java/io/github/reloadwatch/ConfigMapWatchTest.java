package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.RecordingAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes volume behaviour on a real file system, with real threads and OS watches. */
@Tag("filesystem")
class ConfigMapWatchTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private ConfigMapFixture mount;
  private final RecordingAction action = new RecordingAction();

  @BeforeEach
  void createMount() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    mount = ConfigMapFixture.create(tmp.resolve("config"), Map.of("prometheus.yml", "v1"));
  }

  private ReloadWatcher.Builder watcher() {
    return ReloadWatcher.builder()
        .addPath(mount.dir())
        .debounce(Duration.ofMillis(50))
        .addAction(action);
  }

  @Test
  void swap_reloadsOnceWithNewContent() throws Exception {
    try (ReloadWatcher watcher = watcher().build()) {
      watcher.start();

      mount.swap(Map.of("prometheus.yml", "v2"));

      await().atMost(WAIT).untilAsserted(() -> assertThat(action.count()).isEqualTo(1));
      assertThat(action.lastContent()).containsExactly(Map.entry(mount.path("prometheus.yml"), "v2"));
      assertThat(action.events().get(0).changes())
          .containsExactly(new FileChange(mount.path("prometheus.yml"), FileChange.Kind.MODIFIED));
      assertThat(action.events().get(0).reason()).isEqualTo(ReloadReason.CHANGE);
    }
  }
}
