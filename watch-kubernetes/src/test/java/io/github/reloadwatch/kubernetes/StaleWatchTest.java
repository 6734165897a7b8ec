package io.github.reloadwatch.kubernetes;

import static io.github.reloadwatch.kubernetes.ScriptedApi.configMap;
import static io.github.reloadwatch.kubernetes.ScriptedApi.listOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.github.reloadwatch.testing.FakeScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health follows the watch and nothing else: a watch that opens and never sends turns stale
 * within the bound even while the anti-entropy GETs succeed and repair the files; a bookmark or an
 * event keeps it fresh. Time is the fake scheduler's; the API is real (loopback mock server).
 */
@Tag("filesystem")
class StaleWatchTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration STALE_AFTER = Duration.ofMinutes(2);

  @TempDir Path tmp;

  @Test
  void stalledWatch_turnsStaleWithinTheBound_andAntiEntropyStillConverges() throws Exception {
    Path dir = tmp.resolve("app");
    FakeScheduler time = new FakeScheduler();
    AtomicReference<ConfigMap> current =
        new AtomicReference<>(configMap("app", "1", Map.of("app.yaml", "v1")));
    try (ScriptedApi api = new ScriptedApi()) {
      // given: the GET always answers the newest; the watch opens and never sends
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReply(200, request -> current.get()).always();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(200, listOf("1", current.get())).once();
      api.silentWatch(ScriptedApi.watch("configmaps", "app", "1"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).scheduler(time).staleAfter(STALE_AFTER)
          .antiEntropyInterval(Duration.ofMinutes(5)).build()) {
        m.start();
        assertThat(m.status().healthy()).isTrue();

        // when / then: healthy up to the bound, stale right after it
        time.advance(STALE_AFTER);
        assertThat(m.status().stale()).isFalse();
        time.advance(Duration.ofSeconds(1));
        assertThat(m.status().stale()).isTrue();
        assertThat(m.status().connected()).isTrue(); // open, but silent
        assertThat(m.status().healthy()).isFalse();

        // when: the object changes; the watch says nothing; the anti-entropy GET runs
        current.set(configMap("app", "2", Map.of("app.yaml", "v2")));
        time.advance(Duration.ofMinutes(5).minus(STALE_AFTER).minusSeconds(1));
        await().atMost(WAIT).until(() -> m.status().checks() == 1);

        // then: the files converged, the watch is still stale
        assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v2");
        assertThat(m.status().driftRepairs()).isEqualTo(1);
        assertThat(m.status().resourceVersion()).hasValue("2");
        assertThat(m.status().stale()).isTrue();
        assertThat(m.status().lastApiContact()).get()
            .isEqualTo(FakeScheduler.DEFAULT_WALL_START.plus(Duration.ofMinutes(5)));
        assertThat(m.status().lastWatchContact()).get()
            .isEqualTo(FakeScheduler.DEFAULT_WALL_START);

        // when: a late informer callback reconciles; the informer still holds v1
        m.reconcileNow().get(10, TimeUnit.SECONDS);

        // then: the repair is not undone by the informer's older state
        assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v2");
        assertThat(m.status().writes()).isEqualTo(2);
      }
    }
  }

  @Test
  void bookmark_keepsTheWatchFresh() throws Exception {
    Path dir = tmp.resolve("app");
    FakeScheduler time = new FakeScheduler();
    ConfigMap v1 = configMap("app", "1", Map.of("app.yaml", "v1"));
    ConfigMap bookmark = new ConfigMapBuilder().withNewMetadata().withResourceVersion("7")
        .endMetadata().build();
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReturn(200, v1).always();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(200, listOf("1", v1)).once();
      // the watch sends a bookmark when the test asks for one, and nothing else
      api.server.expect().get().withPath(ScriptedApi.watch("configmaps", "app", "1"))
          .andUpgradeToWebSocket().open()
          .expectHttpRequest("/test/send-bookmark").andEmit(new WatchEvent(bookmark, "BOOKMARK"))
          .once()
          .done().always();
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).scheduler(time).staleAfter(STALE_AFTER).build()) {
        m.start();

        // when: a bookmark arrives after 90 s
        time.advance(Duration.ofSeconds(90));
        Instant at = FakeScheduler.DEFAULT_WALL_START.plusSeconds(90);
        HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(api.server.url("/test/send-bookmark"))).build(),
            HttpResponse.BodyHandlers.discarding());
        await().atMost(WAIT).until(() -> m.status().lastWatchContact().orElseThrow().equals(at));

        // then: fresh 2 min after start (stale without the bookmark), stale 2 min after it
        time.advance(Duration.ofSeconds(60));
        assertThat(m.status().stale()).isFalse();
        time.advance(Duration.ofSeconds(61));
        assertThat(m.status().stale()).isTrue();
        assertThat(m.status().writes()).isEqualTo(1); // a bookmark writes nothing
      }
    }
  }

  @Test
  void event_keepsTheWatchFresh() throws Exception {
    Path dir = tmp.resolve("app");
    FakeScheduler time = new FakeScheduler();
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("app.yaml", "v1"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).scheduler(time).staleAfter(STALE_AFTER).build()) {
        m.start();

        // when: an update arrives after 90 s
        time.advance(Duration.ofSeconds(90));
        api.putConfigMap("app", Map.of("app.yaml", "v2"));
        await().atMost(WAIT).until(() -> m.status().writes() == 2);

        // then
        time.advance(Duration.ofSeconds(60));
        assertThat(m.status().stale()).isFalse();
        assertThat(m.status().lastWatchContact()).get()
            .isEqualTo(FakeScheduler.DEFAULT_WALL_START.plusSeconds(90));
        time.advance(Duration.ofSeconds(61));
        assertThat(m.status().stale()).isTrue();
      }
    }
  }
}
