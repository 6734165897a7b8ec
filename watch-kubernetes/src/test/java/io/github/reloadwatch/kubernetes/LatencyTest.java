package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadWatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From an update through the API to the reload action: 100 updates in a row, each must reach the
 * action (through the materialised directory and a {@link ReloadWatcher} on it) within 1 s.
 *
 * <p>Uses real time, on purpose: the latency is the point. Tolerance: 1 s per update, where tens
 * of milliseconds are typical (the debounce is 10 ms). p50 and p99 are printed.
 */
@Tag("filesystem")
class LatencyTest {

  private static final int UPDATES = 100;

  @TempDir Path tmp;

  @Test
  void everyUpdateReachesTheActionWithinOneSecond() throws Exception {
    Path dir = tmp.resolve("app");
    Map<String, Long> seen = new ConcurrentHashMap<>();
    try (CrudApi api = new CrudApi()) {
      String rv = api.putConfigMap("app", Map.of("token", "0"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
              .configMap("app").directory(dir).build();
          ReloadWatcher watcher = ReloadWatcher.builder()
              .addDirectory(dir)
              .debounce(Duration.ofMillis(10))
              .addAction(event -> seen.putIfAbsent(
                  new String(event.snapshot().read(dir.resolve("token")), StandardCharsets.UTF_8),
                  System.nanoTime()))
              .build()) {
        m.start();
        watcher.start();

        List<Long> latencies = new ArrayList<>();
        for (int i = 1; i <= UPDATES; i++) {
          String token = String.valueOf(i);
          long sent = System.nanoTime();
          rv = api.replace("app", rv, Map.of("token", token));
          await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
              .pollInterval(Duration.ofMillis(2)).until(() -> seen.containsKey(token));
          latencies.add((seen.get(token) - sent) / 1_000_000);
        }

        List<Long> sorted = latencies.stream().sorted().toList();
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        System.out.printf("watch-kubernetes latency, API update to reload action, %d updates:"
            + " p50 %d ms, p99 %d ms, max %d ms%n", UPDATES, p50, p99, sorted.get(sorted.size() - 1));
        assertThat(latencies).allSatisfy(ms -> assertThat(ms).isLessThan(1_000));
        assertThat(m.status().writes()).isEqualTo(UPDATES + 1);
      }
    }
  }
}
