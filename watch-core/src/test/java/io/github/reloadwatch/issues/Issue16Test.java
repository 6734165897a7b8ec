package io.github.reloadwatch.issues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #16, the library's part of "no surprises" for someone migrating. */
@Tag("filesystem")
class Issue16Test {

  private static final Duration DEBOUNCE = Duration.ofMillis(50);

  @TempDir Path tmp;
  private final FakeScheduler scheduler = new FakeScheduler();
  private final RecordingAction action = new RecordingAction();
  private ReloadWatcher watcher;

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  @Test
  void anEditorReplacingAKubeletLinkWithAPlainFile_isReloadedAndExplained() throws IOException {
    // given
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("config"),
        Map.of("config.yaml", "version: 1\n", "other.yaml", "x: 1\n"));
    watcher = ReloadWatcher.builder().addPath(mount.dir()).addAction(action).scheduler(scheduler)
        .debounce(DEBOUNCE).resyncInterval(Duration.ZERO).build();
    watcher.start();
    scheduler.runDue();
    // when: what sed -i does: write a new file, rename it over the link
    try (LogCapture logs = new LogCapture()) {
      Path edited = Files.writeString(mount.dir().resolve(".sedXYZ"), "version: 2\n");
      Files.move(edited, mount.path("config.yaml"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      // then
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        scheduler.advance(DEBOUNCE);
        assertThat(action.count()).isEqualTo(1);
      });
      assertThat(action.lastContent()).containsEntry(mount.path("config.yaml"), "version: 2\n")
          .containsEntry(mount.path("other.yaml"), "x: 1\n");
      assertThat(logs.text()).contains("is a plain file, not kubelet's link into ..data")
          .contains("sed -i").contains("edit the ConfigMap instead");
    }
  }
}
