package io.github.reloadwatch.issues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.CommandValidator;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, what a hostile trial found in the library (the sidecar's part is tested in
 * watch-sidecar): each test failed on the code before the fix. Real files and OS events, timers on
 * fake time.
 */
@Tag("filesystem")
class Issue14Test {

  private static final Duration DEBOUNCE = Duration.ofMillis(50);
  private static final String SECRET = "pw-7f3a91c2-do-not-print";

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

  @Test
  void aWatchedDirectoryGoneForSeveralPolls_isWatchedAgainWhenItComesBack() throws IOException {
    // given: no resync, so only the watches can notice
    Path dir = Files.createDirectories(tmp.resolve("volume/config"));
    Files.writeString(dir.resolve("a.yml"), "v1");
    start(ReloadWatcher.builder().addPath(dir));
    long events = watcher.status().watchEvents();
    // when: the directory is gone for five missing-path polls, then comes back changed
    ConfigMapFixture.deleteTree(dir);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> watcher.status().watchEvents() > events);
    for (int i = 0; i < 5; i++) {
      scheduler.advance(Duration.ofSeconds(1));
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("a.yml"), "v2");
    // then
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      scheduler.advance(Duration.ofMillis(250));
      assertThat(action.lastContent()).containsEntry(dir.resolve("a.yml"), "v2");
    });
    // and it is not deaf afterwards: the next edit is an OS event, not a resync
    Files.writeString(dir.resolve("a.yml"), "v3");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      scheduler.advance(DEBOUNCE);
      assertThat(action.lastContent()).containsEntry(dir.resolve("a.yml"), "v3");
    });
  }

  @Test
  void aTemplate_readsNothingTheOperatorDidNotAllow() throws IOException {
    // given: a ConfigMap template asking for a token next to it and for the process environment
    Path config = Files.createDirectory(tmp.resolve("config"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Path token = Files.writeString(tmp.resolve("token"), SECRET);
    Path template = Files.writeString(config.resolve("app.yml"), "a: 1\n");
    start(ReloadWatcher.builder().addPath(config).addRender(template, out.resolve("app.yml")));
    // when
    try (LogCapture logs = new LogCapture()) {
      Files.writeString(template, "token: ${file:" + token + "}\n");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        scheduler.advance(DEBOUNCE);
        assertThat(watcher.status().reloadsRejected()).isEqualTo(1);
      });
      Files.writeString(template, "home: ${HOME}\n");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        scheduler.advance(DEBOUNCE);
        assertThat(watcher.status().reloadsRejected()).isEqualTo(2);
      });
      // then
      assertThat(watcher.status().lastError()).hasValueSatisfying(e -> assertThat(e)
          .contains("variable ${HOME} is not among the variables templates may read")
          .contains("renderAllowEnv(\"HOME\")"));
      assertThat(logs.text()).contains("is outside the files templates may read")
          .contains("renderAllowFile(...)").doesNotContain(SECRET);
    }
    assertThat(Files.readString(out.resolve("app.yml"))).isEqualTo("a: 1\n");
    assertThat(action.count()).isZero();
  }

  @Test
  void aValidatorQuotingASubstitutedSecret_isRedactedInLogsAndStatus() throws IOException {
    // given: promtool-like output that echoes the rendered file
    Path config = Files.createDirectory(tmp.resolve("config"));
    Path secrets = Files.createDirectory(tmp.resolve("secrets"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Files.writeString(secrets.resolve("password"), SECRET + "\n");
    Path template = Files.writeString(config.resolve("app.yml"), "ok: 1\n");
    Path output = out.resolve("app.yml");
    start(ReloadWatcher.builder().addPath(config)
        .addRender(template, output)
        .renderAllowFile(secrets)
        .addValidator(CommandValidator.builder()
            .command("sh", "-c", "if grep -q password {file}; then cat {file}; exit 1; fi")
            .file(output).build()));
    // when
    try (LogCapture logs = new LogCapture()) {
      Files.writeString(template, "password: ${file:" + secrets.resolve("password") + "}\n");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        scheduler.advance(DEBOUNCE);
        assertThat(watcher.status().reloadsRejected()).isEqualTo(1);
      });
      // then
      assertThat(watcher.status().lastError()).hasValueSatisfying(e -> assertThat(e)
          .contains("password: [redacted]").doesNotContain(SECRET));
      assertThat(logs.text()).contains("password: [redacted]").doesNotContain(SECRET);
    }
  }

  @Test
  void aFileWhoseSizeIsNotItsContent_likeProcfs_isHashedNotWedged() throws IOException {
    Path ostype = Path.of("/proc/sys/kernel/ostype");
    assumeTrue(Files.isReadable(ostype) && Files.size(ostype) == 0, "needs Linux procfs");
    // given: a watched directory with a procfs file linked in, and a plain file
    Path dir = Files.createDirectory(tmp.resolve("config"));
    Files.createSymbolicLink(dir.resolve("ostype"), ostype);
    Files.writeString(dir.resolve("a.yml"), "v1");
    start(ReloadWatcher.builder().addPath(dir)); // before the fix: "kept changing during start()"
    // when
    Files.writeString(dir.resolve("a.yml"), "v2");
    // then
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      scheduler.advance(DEBOUNCE);
      assertThat(action.count()).isEqualTo(1);
    });
    assertThat(action.lastContent().get(dir.resolve("ostype"))).startsWith("Linux");
  }

  @Test
  void anOutputInsideTheWatchedPathThroughALink_isRefusedAtStart() throws IOException {
    Path config = Files.createDirectory(tmp.resolve("config"));
    Path template = Files.writeString(config.resolve("app.yml"), "a: 1\n");
    Path link = Files.createSymbolicLink(tmp.resolve("out"), config); // out -> config
    ReloadWatcher.Builder builder = ReloadWatcher.builder().addPath(config)
        .addRender(template, link.resolve("rendered.yml")).addAction(action);
    watcher = builder.build(); // the paths as written are apart
    assertThatThrownBy(watcher::start)
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(link.resolve("rendered.yml").toString())
        .hasMessageContaining("inside the watched path [" + config + "] once links are resolved");
  }

  @Test
  void stagingFilesLeftByAKilledRun_areRemovedAtStart() throws IOException {
    Path config = Files.createDirectory(tmp.resolve("config"));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Path template = Files.writeString(config.resolve("app.yml"), "a: 1\n");
    Path stale = Files.writeString(out.resolve(".app.yml.reloadwatch-123456.tmp"), "half");
    Path unrelated = Files.writeString(out.resolve(".other.reloadwatch-1.tmp"), "not ours");
    start(ReloadWatcher.builder().addPath(config).addRender(template, out.resolve("app.yml")));
    assertThat(stale).doesNotExist();
    assertThat(unrelated).exists();
    assertThat(out.resolve("app.yml")).hasContent("a: 1");
  }
}
