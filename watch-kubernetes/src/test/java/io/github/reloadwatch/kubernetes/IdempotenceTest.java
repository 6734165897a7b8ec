package io.github.reloadwatch.kubernetes;

import static io.github.reloadwatch.kubernetes.ScriptedApi.configMap;
import static io.github.reloadwatch.kubernetes.ScriptedApi.listOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.RecordingAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identical content writes nothing: a resync (the anti-entropy GET), a relist, a duplicate add
 * after a reconnect, an annotation-only update: no new {@code ..<timestamp>} directory, no write,
 * and so no reload. A real change afterwards is exactly one write and one reload, which shows the
 * watcher would have seen any write before it.
 */
@Tag("filesystem")
class IdempotenceTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path tmp;

  @Test
  void resync_reconnect_annotation_writeNothing_reloadNothing() throws Exception {
    Path dir = tmp.resolve("app");
    FakeScheduler time = new FakeScheduler();
    RecordingAction action = new RecordingAction();
    try (CrudApi api = new CrudApi(); FlakyProxy proxy = new FlakyProxy(api.server.getPort())) {
      api.putConfigMap("app", Map.of("app.yaml", "v1"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder()
          .client(api.clientVia(proxy)).configMap("app").directory(dir).scheduler(time)
          .build()) {
        m.start();
        try (ReloadWatcher watcher = ReloadWatcher.builder().addDirectory(dir)
            .debounce(Duration.ofMillis(20)).addAction(action).build()) {
          watcher.start();
          List<String> versions = Volumes.versions(dir);

          // resync: the anti-entropy GET sees the same object
          time.advance(KubernetesMaterializer.DEFAULT_ANTI_ENTROPY_INTERVAL);
          await().atMost(WAIT).until(() -> m.status().checks() == 1);
          assertThat(Volumes.versions(dir)).isEqualTo(versions);

          // annotation-only update: a new resource version, the same files
          String annotated = api.annotate("app", "touched", "yes");
          await().atMost(WAIT).until(() -> m.status().resourceVersion().orElse("").equals(annotated));
          assertThat(Volumes.versions(dir)).isEqualTo(versions);

          // reconnect: fabric8 relists, and the CRUD mock re-sends ADDED for the object
          proxy.cut();
          await().atMost(WAIT).until(() -> !m.status().connected());
          proxy.restore();
          await().atMost(WAIT).until(() -> m.status().connected());
          assertThat(Volumes.versions(dir)).isEqualTo(versions);
          assertThat(m.status().writes()).isEqualTo(1);
          assertThat(m.status().driftRepairs()).isZero();

          // then a real change: one write, one reload
          api.putConfigMap("app", Map.of("app.yaml", "v2"));
          await().atMost(WAIT).until(() -> action.count() == 1);
          assertThat(action.lastContent()).containsValue("v2");
          assertThat(m.status().writes()).isEqualTo(2);
          assertThat(Volumes.versions(dir)).hasSize(1).doesNotContainAnyElementsOf(versions);
        }
      }
    }
  }

  /** A watch that ends in 410, then relists the same object, then the same data at a new rv. */
  @Test
  void relistOfTheSameObject_andOfTheSameDataAtANewVersion_writeNothing() throws Exception {
    Path dir = tmp.resolve("app");
    ConfigMap v5 = configMap("app", "5", Map.of("app.yaml", "v"));
    ConfigMap v6 = configMap("app", "6", Map.of("app.yaml", "v"));
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReturn(200, v5).once();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(200, listOf("5", v5)).once();
      api.server.expect().get().withPath(ScriptedApi.watch("configmaps", "app", "5"))
          .andUpgradeToWebSocket().open().immediately().andEmit(ScriptedApi.gone()).done().once();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(200, listOf("5", v5)).once();
      api.server.expect().get().withPath(ScriptedApi.watch("configmaps", "app", "5"))
          .andUpgradeToWebSocket().open().immediately().andEmit(ScriptedApi.gone()).done().once();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(200, listOf("6", v6)).once();
      api.silentWatch(ScriptedApi.watch("configmaps", "app", "6"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).build()) {
        m.start();
        List<String> versions = Volumes.versions(dir);

        await().atMost(WAIT).until(() -> m.status().resourceVersion().orElse("").equals("6"));

        assertThat(api.requests()).filteredOn(r -> r.contains("?fieldSelector") && !r.contains("watch"))
            .hasSize(3);
        assertThat(Volumes.versions(dir)).isEqualTo(versions);
        assertThat(m.status().writes()).isEqualTo(1);
      }
    }
  }
}
