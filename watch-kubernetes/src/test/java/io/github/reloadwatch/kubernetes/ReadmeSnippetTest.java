package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.reloadwatch.ReloadWatcher;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's in-process snippet compiling and working: the lines between the {@code
 * snippet} markers below must be the lines of the README's snippet (indentation aside), and the
 * test runs them against the CRUD mock server.
 */
@Tag("filesystem")
class ReadmeSnippetTest {

  /** Stands in for a service's immutable settings. */
  record Settings(String greeting) {
    static Settings parse(byte[] bytes) throws IOException {
      Properties p = new Properties();
      p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
      return new Settings(p.getProperty("greeting", "hello"));
    }
  }

  @Test
  void readmeSnippet_materialisesAndReloadsInProcess() throws Exception {
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app-config", Map.of("app.properties", "greeting=hello"));
      KubernetesClient client = api.client();
      AtomicReference<Settings> settings = new AtomicReference<>();

      // snippet: in-process
      Path dir = Files.createTempDirectory("app-config");        // private to this process
      Path file = dir.resolve("app.properties");
      KubernetesMaterializer config = KubernetesMaterializer.builder()
          .client(client)                  // or leave out: KUBECONFIG, ~/.kube/config, in-cluster
          .configMap("app-config")         // NAME or NAMESPACE/NAME
          .directory(dir)
          .build();                        // pure: no I/O, no threads
      config.start();                      // quorum GET, first write, then the watch
      settings.set(Settings.parse(Files.readAllBytes(file)));
      ReloadWatcher watcher = ReloadWatcher.builder()
          .addPath(file)
          .debounce(Duration.ofMillis(20))
          .addAction(event -> settings.set(Settings.parse(event.snapshot().read(file))))
          .build();
      watcher.start();
      // ... on shutdown:
      // watcher.close();
      // config.close();
      // end snippet

      try (config; watcher) {
        assertThat(settings.get().greeting()).isEqualTo("hello");
        api.putConfigMap("app-config", Map.of("app.properties", "greeting=bonjour"));
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(settings.get().greeting()).isEqualTo("bonjour"));
      } finally {
        io.github.reloadwatch.testing.ConfigMapFixture.deleteTree(dir);
      }
    }
  }

  @Test
  void readmeSnippet_isTheCodeThisTestRuns() throws IOException {
    List<String> readme = between(Path.of("README.md"),
        "<!-- snippet: in-process -->", "<!-- end snippet -->");
    List<String> test = between(
        Path.of("src/test/java/io/github/reloadwatch/kubernetes/ReadmeSnippetTest.java"),
        "// snippet: in-process", "// end snippet");
    assertThat(readme).filteredOn(l -> !l.startsWith("```"))
        .as("README.md's snippet; if you change one, change both").isEqualTo(test);
    assertThat(test).hasSizeGreaterThan(10);
  }

  /** The stripped lines strictly between two marker lines. */
  private static List<String> between(Path file, String start, String end) throws IOException {
    List<String> lines = Files.readAllLines(file).stream().map(String::strip)
        .collect(Collectors.toList());
    int from = lines.indexOf(start);
    int to = lines.indexOf(end);
    assertThat(from).as(start + " in " + file).isNotNegative();
    assertThat(to).as(end + " in " + file).isGreaterThan(from);
    return lines.subList(from + 1, to);
  }
}
