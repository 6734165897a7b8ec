package io.github.reloadwatch.kubernetes;

import static io.github.reloadwatch.kubernetes.ScriptedApi.configMap;
import static io.github.reloadwatch.kubernetes.ScriptedApi.listOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.github.reloadwatch.testing.FakeScheduler;
import io.github.reloadwatch.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delete that happens while the watch is away. The CRUD mock never replays it on reconnect (nor
 * does a real API server whose watch cache compacted the event away), so two ways must catch it:
 * the relist after a 410 Gone (scripted in expectation mode), and the anti-entropy GET (CRUD mode
 * behind a proxy that cuts the connection, driven by the fake scheduler).
 */
@Tag("filesystem")
class DeleteDuringDisconnectTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  /** GET and first list see the object; the watch ends in 410; the relist does not have it. */
  private static void scriptGoneThenRelistWithout(ScriptedApi api) {
    ConfigMap v5 = configMap("app", "5", Map.of("app.yaml", "v5"));
    api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
        .andReturn(200, v5).once();
    api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
        .andReturn(200, listOf("5", v5)).once();
    api.server.expect().get().withPath(ScriptedApi.watch("configmaps", "app", "5"))
        .andUpgradeToWebSocket().open().immediately().andEmit(ScriptedApi.gone()).done().once();
    api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
        .andReturn(200, listOf("9")).once();
    api.silentWatch(ScriptedApi.watch("configmaps", "app", "9"));
  }

  @Test
  void goneThenRelistWithoutTheObject_required_keepsTheFilesAndWarns() throws Exception {
    Path dir = tmp.resolve("app");
    try (ScriptedApi api = new ScriptedApi(); LogCapture log = new LogCapture()) {
      scriptGoneThenRelistWithout(api);
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).build()) {
        m.start();

        await().atMost(WAIT).until(() -> m.status().degradedReason().isPresent());
        assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v5");
        assertThat(log.text()).contains("WARN",
            "configmap test/app does not exist; keeping the last files (resourceVersion 5)");
        assertThat(api.requests()).containsSubsequence(
            "GET " + ScriptedApi.get("configmaps", "app"),
            "GET " + ScriptedApi.list("configmaps", "app"),
            "GET " + ScriptedApi.watch("configmaps", "app", "5"),
            "GET " + ScriptedApi.list("configmaps", "app"));
      }
    }
  }

  @Test
  void goneThenRelistWithoutTheObject_optional_emptiesTheDirectory() throws Exception {
    Path dir = tmp.resolve("app");
    try (ScriptedApi api = new ScriptedApi()) {
      scriptGoneThenRelistWithout(api);
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).optional(true).build()) {
        m.start();

        await().atMost(WAIT).until(() -> Volumes.visible(dir).isEmpty());
        assertThat(m.status().degradedReason()).isEmpty();
        assertThat(m.status().writes()).isEqualTo(2);
      }
    }
  }

  /**
   * A watch that resumed (no relist) and so never hears of the delete, as after a reconnect to a
   * CRUD mock; only the anti-entropy GET, on fake time, sees the 404.
   */
  @Test
  void deleteTheWatchNeverReports_isRepairedByTheAntiEntropyGet() throws Exception {
    for (boolean optional : new boolean[] {false, true}) {
      Path dir = tmp.resolve("app-" + optional);
      FakeScheduler time = new FakeScheduler();
      try (ScriptedApi api = new ScriptedApi()) {
        // given
        ConfigMap v1 = configMap("app", "1", Map.of("app.yaml", "v1"));
        api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
            .andReturn(200, v1).once();
        api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
            .andReturn(404, ScriptedApi.notFound("configmaps", "app")).always();
        api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
            .andReturn(200, listOf("1", v1)).once();
        api.silentWatch(ScriptedApi.watch("configmaps", "app", "1"));
        try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
            .configMap("app").directory(dir).optional(optional).scheduler(time)
            .antiEntropyInterval(Duration.ofMinutes(5)).build()) {
          m.start();
          assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v1");

          // when
          time.advance(Duration.ofMinutes(5));
          await().atMost(WAIT).until(() -> m.status().checks() == 1);

          // then
          assertThat(m.status().driftRepairs()).isEqualTo(1);
          if (optional) {
            assertThat(Volumes.visible(dir)).isEmpty();
          } else {
            assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v1");
            assertThat(m.status().degradedReason().orElseThrow()).contains("does not exist");
          }

          // when: the next check finds nothing new
          time.advance(Duration.ofMinutes(5));
          await().atMost(WAIT).until(() -> m.status().checks() == 2);
          assertThat(m.status().driftRepairs()).isEqualTo(1);
        }
      }
    }
  }

  /**
   * CRUD mode behind a proxy that resets the connection: the delete happens while cut. fabric8
   * resumes the watch from its last version and the CRUD mock never replays the delete, so the
   * anti-entropy GET catches it (were fabric8 to relist instead, the relist would): either way
   * the directory converges, and the re-created object is written.
   */
  @Test
  void deleteWhileCut_converges_andTheRecreatedObjectIsWritten() throws Exception {
    for (boolean optional : new boolean[] {false, true}) {
      Path dir = tmp.resolve("cut-" + optional);
      FakeScheduler time = new FakeScheduler();
      try (CrudApi api = new CrudApi(); FlakyProxy proxy = new FlakyProxy(api.server.getPort());
          KubernetesMaterializer m = KubernetesMaterializer.builder()
              .client(api.clientVia(proxy)).configMap("app").directory(dir).optional(optional)
              .scheduler(time).antiEntropyInterval(Duration.ofMinutes(5)).build()) {
        // given
        api.putConfigMap("app", Map.of("app.yaml", "v1"));
        m.start();

        // when
        proxy.cut();
        await().atMost(WAIT).until(() -> !m.status().connected());
        api.deleteConfigMap("app");
        proxy.restore();
        await().atMost(WAIT).until(() -> m.status().connected());
        time.advance(Duration.ofMinutes(5));
        await().atMost(WAIT).until(() -> m.status().checks() == 1);

        // then
        if (optional) {
          await().atMost(WAIT).until(() -> Volumes.visible(dir).isEmpty());
        } else {
          await().atMost(WAIT).until(() -> m.status().degradedReason().isPresent());
          assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v1");
        }

        // when
        api.putConfigMap("app", Map.of("app.yaml", "v2"));

        // then
        await().atMost(WAIT)
            .until(() -> "v2".equals(Volumes.readOrNull(dir.resolve("app.yaml"))));
        assertThat(m.status().degradedReason()).isEmpty();
      }
    }
  }
}
