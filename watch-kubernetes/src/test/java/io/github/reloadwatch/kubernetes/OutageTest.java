package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API outage, made by a loopback proxy that cuts every connection: the files stay as they are,
 * the status says disconnected, and an update made during the outage is written exactly once
 * after the reconnect. The anti-entropy check is off, so only the watch can bring the update.
 */
@Tag("filesystem")
class OutageTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path tmp;

  @Test
  void outage_leavesTheFiles_saysDisconnected_andWritesTheMissedUpdateOnceAfter()
      throws Exception {
    Path dir = tmp.resolve("app");
    try (CrudApi api = new CrudApi(); FlakyProxy proxy = new FlakyProxy(api.server.getPort())) {
      api.putConfigMap("app", Map.of("app.yaml", "v1"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder()
          .client(api.clientVia(proxy)).configMap("app").directory(dir)
          .antiEntropyInterval(Duration.ZERO).build()) {
        m.start();
        String before = Volumes.version(dir);
        assertThat(m.status().connected()).isTrue();

        // when: the API goes away, and the object changes meanwhile
        proxy.cut();
        await().atMost(WAIT).until(() -> !m.status().connected());
        api.putConfigMap("app", Map.of("app.yaml", "v2"));

        // then: untouched, and the status says why
        assertThat(m.status().connected()).isFalse();
        assertThat(m.status().healthy()).isFalse();
        assertThat(m.status().lastError()).hasValueSatisfying(
            e -> assertThat(e).startsWith("watch on configmap test/app "));
        assertThat(Volumes.version(dir)).isEqualTo(before);
        assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v1");
        assertThat(m.status().writes()).isEqualTo(1);

        // when: it comes back
        proxy.restore();

        // then: the update is written, once
        await().atMost(WAIT).until(() -> "v2".equals(Volumes.readOrNull(dir.resolve("app.yaml"))));
        await().atMost(WAIT).until(() -> m.status().connected());
        assertThat(m.status().lastError()).isEmpty();
        assertThat(Volumes.versions(dir)).hasSize(1);

        // and nothing more for it: the next version is the third write
        api.putConfigMap("app", Map.of("app.yaml", "v3"));
        await().atMost(WAIT).until(() -> "v3".equals(Volumes.readOrNull(dir.resolve("app.yaml"))));
        assertThat(m.status().writes()).isEqualTo(3);
      }
    }
  }
}
