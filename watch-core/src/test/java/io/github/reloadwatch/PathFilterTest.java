package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.FakeScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Includes and excludes: globs below the watched path, regular expressions on the whole path. */
class PathFilterTest {

  @TempDir Path tmp;

  private final FakeScheduler scheduler = new FakeScheduler();
  private final FakeBackend backend = new FakeBackend();
  private final List<ReloadEvent> reloads = new ArrayList<>();

  private ReloadWatcher.Builder watcher() {
    return FakeWatchers.builder(scheduler, backend)
        .addPath(tmp)
        .recursive(true)
        .addAction(reloads::add)
        .reloadOnStart(true)
        .debounce(Duration.ofMillis(100));
  }

  private java.util.Set<Path> lastPaths() {
    return reloads.get(reloads.size() - 1).snapshot().paths();
  }

  private void change(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    backend.event(file);
    scheduler.advance(Duration.ofMillis(100));
  }

  @Test
  void excludeRegex_isFoundAnywhereInThePathAsWatched() throws IOException {
    Path config = Files.writeString(tmp.resolve("prometheus.yml"), "v1");
    Path swap = tmp.resolve(".prometheus.yml.swp");
    Path rules = tmp.resolve("rules/drafts/alerts.yml");
    Path kept = tmp.resolve("rules/alerts.yml");
    // anchored on the watched directory itself: a regex sees the path as watched, not relative
    Pattern drafts = Pattern.compile("^" + Pattern.quote(tmp.toString()) + "/rules/drafts/");
    ReloadWatcher w = watcher()
        .addExclude(Pattern.compile("\\.swp$"))
        .addExclude(drafts)
        .build();
    try {
      w.start();
      scheduler.runDue();
      assertThat(lastPaths()).containsExactly(config);

      change(swap, "editor state");
      change(rules, "draft");
      assertThat(reloads).hasSize(1);

      change(kept, "groups: []");
      assertThat(reloads).hasSize(2);
      assertThat(lastPaths()).containsExactlyInAnyOrder(config, kept);
    } finally {
      w.close();
    }
  }

  @Test
  void excludeGlob_winsOverInclude_belowTheWatchedPath() throws IOException {
    Path yml = Files.writeString(tmp.resolve("a.yml"), "v1");
    Files.writeString(tmp.resolve("b.txt"), "v1");
    Path secret = Files.writeString(tmp.resolve("secret.yml"), "v1");
    ReloadWatcher w = watcher().addInclude("*.yml").addExclude("secret.yml").build();
    try {
      w.start();
      scheduler.runDue();
      assertThat(lastPaths()).containsExactly(yml);

      change(secret, "v2");
      change(tmp.resolve("b.txt"), "v2");
      assertThat(reloads).hasSize(1);

      change(yml, "v2");
      assertThat(reloads).hasSize(2);
    } finally {
      w.close();
    }
  }
}
