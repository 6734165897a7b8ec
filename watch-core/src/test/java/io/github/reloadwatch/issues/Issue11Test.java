package io.github.reloadwatch.issues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11, what a suite derived from the peers found through the public API: each test failed on
 * the code before the fix. Real files and real OS events; timers on fake time, advanced only once
 * the events they answer have arrived.
 */
@Tag("filesystem")
class Issue11Test {

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

  private void start(ReloadWatcher.Builder builder) throws IOException {
    watcher = builder.scheduler(scheduler).debounce(DEBOUNCE).resyncInterval(Duration.ZERO)
        .addAction(action).build();
    watcher.start();
    scheduler.runDue();
  }

  /** Advances fake time until the action has run {@code count} times, as events trickle in. */
  private void awaitReloads(int count) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      scheduler.advance(DEBOUNCE);
      assertThat(action.count()).isEqualTo(count);
    });
  }

  @Test
  void aFileInASymlinkedSubdirectory_isWatched_notOnlyResynced() throws IOException {
    // given: conf.d is a link to a directory outside the watched tree, as shared config often is
    Path dir = Files.createDirectory(tmp.resolve("config"));
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Files.writeString(shared.resolve("extra.yml"), "v1");
    Files.createSymbolicLink(dir.resolve("conf.d"), shared);
    start(ReloadWatcher.builder().addPath(dir).recursive(true));
    // when: the file is edited where it really lives
    Files.writeString(shared.resolve("extra.yml"), "v2");
    // then: an OS event arrives (no resync is running) and the reload sees the new content
    awaitReloads(1);
    assertThat(action.lastContent()).containsEntry(dir.resolve("conf.d/extra.yml"), "v2");
  }

  @Test
  void anActionReadingARelativePath_likeAddPathAcceptedIt_succeeds() throws IOException {
    Path file = Files.writeString(tmp.resolve("app.properties"), "a=1");
    Path relative = Path.of("").toAbsolutePath().relativize(file);
    assertThat(relative.isAbsolute()).isFalse();
    StringBuilder read = new StringBuilder();
    watcher = ReloadWatcher.builder().addPath(relative).scheduler(scheduler).debounce(DEBOUNCE)
        .resyncInterval(Duration.ZERO)
        .addAction(event -> read.append(new String(event.snapshot().read(relative),
            StandardCharsets.UTF_8)))
        .build();
    watcher.start();
    Files.writeString(file, "a=2");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      scheduler.advance(DEBOUNCE);
      assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    });
    assertThat(read).hasToString("a=2");
    assertThat(watcher.status().reloadsFailed()).isZero();
  }

  @Test
  void aGzipTemplateRecompressedWithTheSameText_doesNotReload() throws IOException {
    // given
    Path dir = Files.createDirectory(tmp.resolve("templates"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Path template = dir.resolve("prometheus.yml.gz");
    String text = "global:\n  scrape_interval: 30s\n".repeat(20);
    Files.write(template, gzip(text, Deflater.BEST_COMPRESSION));
    start(ReloadWatcher.builder().addPath(dir)
        .addRender(template, out.resolve("prometheus.yml")));
    long events = watcher.status().watchEvents();
    // when: the same text, compressed differently (as an operator re-gzipping it would)
    byte[] again = gzip(text, Deflater.BEST_SPEED);
    assertThat(again).isNotEqualTo(Files.readAllBytes(template));
    Files.write(template, again);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(watcher.status().watchEvents()).isGreaterThan(events);
      scheduler.advance(DEBOUNCE);
      assertThat(watcher.status().skippedUnchanged()).isEqualTo(1);
    });
    // then
    assertThat(action.count()).isZero();
    // and a real change of the text still reloads
    Files.write(template, gzip(text + "# new\n", Deflater.BEST_SPEED));
    awaitReloads(1);
  }

  private static byte[] gzip(String text, int level) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes) {
      {
        def.setLevel(level);
      }
    }) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
