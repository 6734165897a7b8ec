package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several listeners on one watcher (issue #13): metrics and one of your own, no composite. */
class ListenersTest {

  @TempDir Path tmp;

  @Test
  void everyListenerHearsEveryOutcome_inOrder_evenAfterOneThrows() throws IOException {
    // given
    Path file = Files.writeString(tmp.resolve("app.yml"), "v1");
    FakeScheduler scheduler = new FakeScheduler();
    FakeBackend backend = new FakeBackend();
    List<String> heard = new ArrayList<>();
    ReloadWatcher watcher = FakeWatchers.builder(scheduler, backend)
        .addPath(tmp)
        .addAction(event -> {})
        .debounce(Duration.ofMillis(100))
        .addListener(new ReloadListener() {
          @Override
          public void onReloaded(ReloadEvent event, Duration took) {
            heard.add("metrics");
            throw new IllegalStateException("a broken listener");
          }
        })
        .addListener(new ReloadListener() {
          @Override
          public void onReloaded(ReloadEvent event, Duration took) {
            heard.add("mine");
          }
        })
        .build();
    try {
      watcher.start();
      scheduler.runDue();
      // when
      Files.writeString(file, "v2");
      backend.event(file);
      scheduler.advance(Duration.ofMillis(100));
      // then
      assertThat(heard).containsExactly("metrics", "mine");
    } finally {
      watcher.close();
    }
  }
}
