package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.reloadwatch.testing.FakeScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * built → start() → close(): what may be called when, that close() leaves no thread behind and
 * closes only the client the materializer created, and syncOnce() for one-shot runs.
 */
@Tag("filesystem")
class LifecycleTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @Test
  void close_stopsEveryThreadItStarted_andTheClientItCreated() throws Exception {
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("k", "v1"));
      api.admin.configMaps().withName("app").get(); // warm up the admin client's threads
      Set<Thread> before = Threads.live();
      // the admin client's pool may start another thread while the test runs (a busy machine
      // makes its requests overlap): threads of pools that existed before are not ours to count
      Set<String> poolsBefore = Threads.pools(before);
      KubernetesMaterializer m = KubernetesMaterializer.builder()
          .config(CrudApi.config(api.server.url("/"))) // the materializer creates the client
          .configMap("app").directory(tmp.resolve("app"))
          .antiEntropyInterval(Duration.ofMillis(50)) // so that the check thread runs too
          .build();
      try {
        m.start();
        api.putConfigMap("app", Map.of("k", "v2"));
        await().atMost(WAIT).until(() -> m.status().writes() == 2 && m.status().checks() > 0);
        assertThat(Threads.ours()).hasSize(2)
            .allMatch(n -> n.matches("reloadwatch-kubernetes(-check)?-\\d+"));
      } finally {
        m.close();
      }

      assertThat(Threads.ours()).isEmpty();
      // the client's own threads go too (its executor, its HTTP client's pool). Not counted, as
      // not the client's to stop: the JDK 17 HttpClient has no close(), and its selector thread
      // ends only once the HttpClient is unreachable, which a fabric8 fail-safe timer can delay by
      // two minutes; fabric8's process-wide timer thread ends 10 s after its last timer
      await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        List<String> left = Threads.live().stream().filter(t -> !before.contains(t))
            .map(Thread::getName)
            .filter(n -> !poolsBefore.contains(Threads.pool(n)))
            .filter(n -> !n.matches("HttpClient-\\d+-SelectorManager"))
            .filter(n -> !n.startsWith("CachedSingleThreadScheduler-"))
            .filter(n -> !n.startsWith("awaitility")) // this very poll
            .filter(n -> !n.startsWith("test-watch-sender")) // the mock server's
            .sorted().toList();
        assertThat(left).isEmpty();
      });
      assertThat(m.status().state()).isEqualTo(MaterializerStatus.State.CLOSED);
    }
  }

  @Test
  void close_leavesAGivenClientOpen_andTheFakeSchedulerIdle() throws Exception {
    FakeScheduler time = new FakeScheduler();
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("k", "v1"));
      KubernetesClient client = api.client();
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(client)
          .configMap("app").directory(tmp.resolve("app")).scheduler(time).build();
      m.start();
      assertThat(time.pendingTasks()).isEqualTo(2); // anti-entropy and liveness timers

      m.close();

      time.assertIdle();
      assertThat(client.configMaps().withName("app").get().getData()).containsEntry("k", "v1");
      assertThat(Threads.ours()).isEmpty();
      assertThat(Volumes.read(tmp.resolve("app/k"))).isEqualTo("v1"); // the files stay
    }
  }

  @Test
  void start_twice_orAfterClose_failsFast_andCloseIsIdempotent() throws Exception {
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("k", "v1"));
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("app")).build();
      m.start();
      assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class)
          .hasMessage("materializer already started");
      assertThatThrownBy(m::syncOnce).isInstanceOf(IllegalStateException.class)
          .hasMessage("materializer already started");
      m.close();
      m.close();
      assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class)
          .hasMessage("materializer already closed");
      assertThat(m.toString()).endsWith(", CLOSED}");
    }
  }

  @Test
  void close_beforeStart_isFine_andStartAfterwardsFails() {
    KubernetesMaterializer m = KubernetesMaterializer.builder().configMap("test", "app")
        .directory(tmp.resolve("app")).build();
    m.close();
    assertThat(m.status().state()).isEqualTo(MaterializerStatus.State.CLOSED);
    assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("materializer already closed");
  }

  @Test
  void syncOnce_writesOnce_startsNoThread_andCloses() throws Exception {
    Path dir = tmp.resolve("app");
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("k", "v1"));
      KubernetesMaterializer first = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).build();

      assertThat(first.syncOnce()).isTrue();
      assertThat(Volumes.read(dir.resolve("k"))).isEqualTo("v1");
      assertThat(first.status().state()).isEqualTo(MaterializerStatus.State.CLOSED);
      assertThat(first.status().ready()).isTrue();
      assertThat(Threads.ours()).isEmpty();

      String version = Volumes.version(dir);
      assertThat(first.toBuilder().build().syncOnce()).isFalse(); // already there
      assertThat(Volumes.version(dir)).isEqualTo(version);
    }
  }

  @Test
  void syncOnce_missingRequiredObject_throws_optionalEmpties() throws Exception {
    try (CrudApi api = new CrudApi()) {
      KubernetesMaterializer required = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("required")).build();
      assertThatThrownBy(required::syncOnce)
          .isInstanceOf(KubernetesNotFoundException.class)
          .hasMessage("configmap test/app not found: create it, or make the materializer optional"
              + " to write an empty directory");

      KubernetesMaterializer optional = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("optional")).optional(true).build();
      assertThat(optional.syncOnce()).isTrue();
      assertThat(Volumes.visible(tmp.resolve("optional"))).isEmpty();
      assertThat(Volumes.tree(tmp.resolve("optional"))).containsKey("..data");
    }
  }

  @Test
  void syncOnce_refusedVersion_throwsInvalidPayload() throws Exception {
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("..data", "x"));
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("app")).build();
      assertThatThrownBy(m::syncOnce)
          .isInstanceOf(InvalidPayloadException.class)
          .hasMessageStartingWith("refused configmap test/app at resourceVersion 1: invalid path"
              + " [..data]: must not start with '..'");
    }
  }
}
