package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README's "Reload your own settings" snippet compiling and working. If you change this
 * test, change README.md to match (the lines between the "snippet" markers).
 */
@Tag("filesystem")
class ReadmeSnippetTest {

  @TempDir Path tmp;

  /** Stands in for a service's immutable settings. */
  record Settings(String greeting) {
    static Settings parse(byte[] bytes) throws IOException {
      Properties p = new Properties();
      p.load(new StringReader(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
      return new Settings(p.getProperty("greeting", "hello"));
    }
  }

  @Test
  void readmeSnippet_reloadsSettingsInProcess() throws Exception {
    Path configDir = tmp;
    Files.writeString(configDir.resolve("app.properties"), "greeting=hello");
    AtomicReference<Settings> settings = new AtomicReference<>(new Settings("hello"));

    // snippet: in-process
    Path file = configDir.resolve("app.properties");
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(file)                                  // a file or a directory, repeatable
        .debounce(Duration.ofMillis(250))               // quiet period before acting
        .addAction(event -> settings.set(Settings.parse(event.snapshot().read(file))))
        .build();                                       // pure: no I/O, no threads
    watcher.start();                                    // watches registered, snapshot taken
    // ... later, on shutdown:
    // watcher.close();
    // end snippet

    try (watcher) {
      Files.writeString(file, "greeting=bonjour");
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(settings.get().greeting()).isEqualTo("bonjour"));
    }
  }

  @Test
  void readmeSnippet_runsACommand() throws Exception {
    Files.writeString(tmp.resolve("prometheus.yml"), "global: {}");
    Path marker = tmp.resolve("reloaded");
    String curlLikeCommand = "touch " + marker;

    // snippet: command
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(tmp)
        .addAction(CommandReloadAction.of("sh", "-c", curlLikeCommand))
        .reloadOnStart(true)
        .build();
    // end snippet

    try (watcher) {
      watcher.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
    }
  }
}
