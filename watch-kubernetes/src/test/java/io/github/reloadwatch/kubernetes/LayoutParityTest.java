package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory a materializer writes has kubelet's volume layout: compared entry by entry with
 * what {@link ConfigMapFixture} (kubelet's AtomicWriter sequence) makes of the same files, plus
 * {@code items}, modes, nested paths and {@code binaryData}; and a key kubelet refuses fails the
 * whole version, leaving the last one in place.
 */
@Tag("filesystem")
class LayoutParityTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  @Test
  void plainKeys_sameLayoutAsKubelet() throws Exception {
    Map<String, String> files = Map.of("prometheus.yml", "global: {}\n", "rules.yml", "groups: []");
    Path ours = tmp.resolve("ours");
    try (CrudApi api = new CrudApi(); KubernetesMaterializer m = KubernetesMaterializer.builder()
        .client(api.client()).configMap("app").directory(ours).build()) {
      api.putConfigMap("app", files);
      m.start();
    }
    Path kubelets = ConfigMapFixture.create(tmp.resolve("kubelet"), files).dir();

    assertThat(Volumes.tree(ours)).isEqualTo(Volumes.tree(kubelets)).containsExactly(
        Map.entry("..VERSION", "dir rwxr-xr-x"),
        Map.entry("..VERSION/prometheus.yml", "file rw-r--r-- global: {}\n"),
        Map.entry("..VERSION/rules.yml", "file rw-r--r-- groups: []"),
        Map.entry("..data", "link -> ..VERSION"),
        Map.entry("prometheus.yml", "link -> ..data/prometheus.yml"),
        Map.entry("rules.yml", "link -> ..data/rules.yml"));
  }

  @Test
  void itemsModesNestedPathsAndBinaryData_asKubeletProjectsThem() throws Exception {
    byte[] logo = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("app").endMetadata()
        .withData(new LinkedHashMap<>(Map.of("app.yaml", "x: 1", "unlisted", "no")))
        .withBinaryData(new LinkedHashMap<>(Map.of("logo", Base64.getEncoder().encodeToString(logo))))
        .build();
    Path ours = tmp.resolve("ours");
    try (CrudApi api = new CrudApi(); KubernetesMaterializer m = KubernetesMaterializer.builder()
        .client(api.client()).configMap("app").directory(ours)
        .addItem("app.yaml", "conf/app.yaml", 0600)
        .addItem("logo", "img/logo.png")
        .defaultMode(0640)
        .build()) {
      api.put(cm);
      m.start();
    }
    // kubelet's layout for the same paths (the fixture writes mode 0644; modes checked below)
    ConfigMapFixture kubelet = ConfigMapFixture.create(tmp.resolve("kubelet"), Map.of());
    kubelet.swapBytes(Map.of("conf/app.yaml", "x: 1".getBytes(StandardCharsets.UTF_8),
        "img/logo.png", logo));

    Map<String, String> tree = Volumes.tree(ours);
    assertThat(tree.keySet()).isEqualTo(Volumes.tree(kubelet.dir()).keySet());
    assertThat(tree).containsEntry("..data", "link -> ..VERSION")
        .containsEntry("conf", "link -> ..data/conf")
        .containsEntry("img", "link -> ..data/img")
        .containsEntry("..VERSION/conf/app.yaml", "file rw------- x: 1")
        .containsEntry("..VERSION/img/logo.png",
            "file rw-r----- " + new String(logo, StandardCharsets.ISO_8859_1))
        .doesNotContainKey("unlisted");
    assertThat(Files.readAllBytes(ours.resolve("img/logo.png"))).isEqualTo(logo);
  }

  @Test
  void keysKubeletRefuses_failTheWholeVersion_andTheLastOneStays() throws Exception {
    Path dir = tmp.resolve("app");
    try (CrudApi api = new CrudApi(); LogCapture log = new LogCapture()) {
      api.putConfigMap("app", Map.of("good.yaml", "v1"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).build()) {
        m.start();
        String version = Volumes.version(dir);

        for (String refused : new String[] {"..data", "..hidden", "k".repeat(256)}) {
          // when: one key breaks kubelet's path rules, next to a good change
          String rv = api.putConfigMap("app", Map.of("good.yaml", "v2", refused, "x"));

          // then: nothing of that version is written
          await().atMost(WAIT).until(() -> m.status().degradedReason()
              .filter(r -> r.contains("at resourceVersion " + rv)).isPresent());
          assertThat(m.status().degradedReason().orElseThrow())
              .startsWith("refused configmap test/app at resourceVersion " + rv + ": invalid path")
              .endsWith("the last good version stays in [" + dir + "]");
          assertThat(Volumes.version(dir)).isEqualTo(version);
          assertThat(Volumes.read(dir.resolve("good.yaml"))).isEqualTo("v1");
        }
        assertThat(log.text()).contains("WARN",
            "must not start with '..'", "file names must be at most 255 characters");

        // when: fixed
        api.putConfigMap("app", Map.of("good.yaml", "v3"));

        // then
        await().atMost(WAIT).until(() -> "v3".equals(Volumes.readOrNull(dir.resolve("good.yaml"))));
        assertThat(m.status().degradedReason()).isEmpty();
        assertThat(m.status().lastError()).isEmpty();
      }
    }
  }

  @Test
  void keyInDataAndBinaryData_isRefused() throws Exception {
    Path dir = tmp.resolve("app");
    ConfigMap both = new ConfigMapBuilder().withNewMetadata().withName("app").endMetadata()
        .withData(new LinkedHashMap<>(Map.of("k", "text")))
        .withBinaryData(new LinkedHashMap<>(Map.of("k", "AQI=")))
        .build();
    try (CrudApi api = new CrudApi(); KubernetesMaterializer m = KubernetesMaterializer.builder()
        .client(api.client()).configMap("app").directory(dir).build()) {
      api.put(both);
      m.start();
      assertThat(m.status().ready()).isFalse();
      assertThat(m.status().degradedReason().orElseThrow())
          .contains("has key k in both data and binaryData");
      assertThat(Volumes.visible(dir)).isEmpty();
    }
  }
}
