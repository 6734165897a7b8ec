package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deletes as kubelet handles them, against the CRUD mock server: a required object that
 * disappears leaves its last files with a WARN and a degraded status, an optional one empties the
 * directory, and a re-created object is written. Real time: waits are conditions with a bound.
 */
@Tag("filesystem")
class DeleteTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private final CrudApi api = new CrudApi();

  @AfterEach
  void tearDown() {
    api.close();
  }

  private KubernetesMaterializer materializer(boolean optional) {
    return KubernetesMaterializer.builder()
        .client(api.client())
        .configMap("app")
        .directory(tmp.resolve("app"))
        .optional(optional)
        .build();
  }

  @Test
  void requiredObjectDeleted_keepsTheLastFiles_warns_degrades_thenWritesTheRecreatedOne()
      throws Exception {
    // given
    api.putConfigMap("app", Map.of("app.yaml", "v1"));
    Path dir = tmp.resolve("app");
    try (LogCapture log = new LogCapture(); KubernetesMaterializer m = materializer(false)) {
      m.start();
      String version = Volumes.version(dir);

      // when
      api.deleteConfigMap("app");

      // then
      await().atMost(WAIT).until(() -> m.status().degradedReason().isPresent());
      assertThat(m.status().degradedReason().orElseThrow())
          .startsWith("configmap test/app does not exist; keeping the last files (resourceVersion")
          .contains("as kubelet does: re-create it, or make the materializer optional");
      assertThat(log.text()).contains("WARN", "configmap test/app does not exist; keeping");
      assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v1");
      assertThat(Volumes.version(dir)).isEqualTo(version);
      assertThat(m.status().ready()).isTrue();
      assertThat(m.status().writes()).isEqualTo(1);
      assertThat(m.status().missing()).isTrue();

      // when
      api.putConfigMap("app", Map.of("app.yaml", "v2"));

      // then
      await().atMost(WAIT).until(() -> "v2".equals(Volumes.readOrNull(dir.resolve("app.yaml"))));
      await().atMost(WAIT).until(() -> m.status().degradedReason().isEmpty());
      assertThat(m.status().writes()).isEqualTo(2);
      assertThat(m.status().missing()).isFalse();
    }
  }

  @Test
  void optionalObjectDeleted_emptiesTheDirectory_thenWritesTheRecreatedOne() throws Exception {
    // given
    api.putConfigMap("app", Map.of("app.yaml", "v1", "other.yaml", "o"));
    Path dir = tmp.resolve("app");
    try (KubernetesMaterializer m = materializer(true)) {
      m.start();
      assertThat(Volumes.visible(dir)).containsExactly("app.yaml", "other.yaml");

      // when
      api.deleteConfigMap("app");

      // then: an empty version, as kubelet writes for an optional object that does not exist
      await().atMost(WAIT).until(() -> Volumes.visible(dir).isEmpty());
      assertThat(Volumes.tree(dir)).containsOnlyKeys("..data", "..VERSION");
      assertThat(m.status().degradedReason()).isEmpty();
      assertThat(m.status().resourceVersion()).isEmpty();
      assertThat(m.status().ready()).isTrue();
      assertThat(m.status().missing()).isTrue();

      // when
      api.putConfigMap("app", Map.of("app.yaml", "v2"));

      // then
      await().atMost(WAIT).until(() -> "v2".equals(Volumes.readOrNull(dir.resolve("app.yaml"))));
      assertThat(Volumes.visible(dir)).containsExactly("app.yaml");
      assertThat(m.status().writes()).isEqualTo(3);
    }
  }

  @Test
  void requiredObjectMissingAtStart_startsNotReady_andWritesItWhenCreated() throws Exception {
    Path dir = tmp.resolve("app");
    try (KubernetesMaterializer m = materializer(false)) {
      assertThat(m.status().missing()).isFalse(); // not asked yet
      m.start();
      assertThat(m.status().ready()).isFalse();
      assertThat(m.status().missing()).isTrue();
      // what the object is, without parsing source(): for labels and messages
      assertThat(m.status().kind()).isEqualTo("configmap");
      assertThat(m.status().namespace()).hasValue("test");
      assertThat(m.status().name()).isEqualTo("app");
      assertThat(m.status().degradedReason()).hasValue(
          "configmap test/app does not exist and nothing was written yet: create it, or make the"
              + " materializer optional");
      assertThat(Volumes.visible(dir)).isEmpty();

      api.putConfigMap("app", Map.of("app.yaml", "v1"));

      await().atMost(WAIT).until(() -> m.status().ready());
      assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v1");
      assertThat(m.status().degradedReason()).isEmpty();
    }
  }

  @Test
  void optionalObjectMissingAtStart_writesAnEmptyVersion_andIsReady() throws Exception {
    Path dir = tmp.resolve("app");
    try (KubernetesMaterializer m = materializer(true)) {
      m.start();
      assertThat(m.status().ready()).isTrue();
      assertThat(Volumes.tree(dir)).containsOnlyKeys("..data", "..VERSION");
    }
  }
}
