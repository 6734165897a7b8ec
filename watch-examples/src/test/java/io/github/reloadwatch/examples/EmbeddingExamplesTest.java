package io.github.reloadwatch.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExamplesTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void settingsExample_swapsValidSettingsAndKeepsTheOldOnesOnError() throws Exception {
    Path file = Files.writeString(tmp.resolve("app.properties"), "greeting=hello\nmaxConnections=5\n");
    try (SettingsReloadExample service = new SettingsReloadExample(file)) {
      assertThat(service.settings()).isEqualTo(new SettingsReloadExample.Settings("hello", 5));

      Files.writeString(file, "greeting=bonjour\nmaxConnections=8\n");
      await().atMost(WAIT).until(() -> service.settings().maxConnections() == 8);

      Files.writeString(file, "greeting=broken\nmaxConnections=-1\n");
      await().atMost(WAIT).until(() -> service.status().reloadsRejected() == 1);
      assertThat(service.settings()).isEqualTo(new SettingsReloadExample.Settings("bonjour", 8));
    }
  }

  @Test
  void exporterExample_reloadsItsTargetListFromAConfigMap() throws Exception {
    ConfigMapFixture mount = ConfigMapFixture.create(tmp.resolve("cm"),
        Map.of("targets.txt", "db:5432\n"));
    try (ExporterExample exporter = new ExporterExample(mount.path("targets.txt"))) {
      assertThat(exporter.targets()).containsExactly("db:5432");

      mount.swap(Map.of("targets.txt", "# two now\ndb:5432\ncache:6379\n"));

      await().atMost(WAIT).until(() -> exporter.targets().size() == 2);
      GaugeSnapshot gauge = (GaugeSnapshot) exporter.registry().scrape().stream()
          .filter(s -> s.getMetadata().getName().equals("exporter_targets")).findFirst()
          .orElseThrow();
      assertThat(gauge.getDataPoints().get(0).getValue()).isEqualTo(2.0);
    }
  }

  @Test
  void multiTargetExample_reloadsPrometheusThenAlertmanager() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    HttpServer prometheus = fakeTarget("prometheus", calls);
    HttpServer alertmanager = fakeTarget("alertmanager", calls);
    Path dir = Files.createDirectories(tmp.resolve("monitoring"));
    Files.writeString(dir.resolve("prometheus.yml"), "p1");
    Files.writeString(dir.resolve("alertmanager.yml"), "a1");
    try (ReloadWatcher watcher = MultiTargetExample.start(dir, base(prometheus), base(alertmanager),
        false)) {
      Files.writeString(dir.resolve("alertmanager.yml"), "a2");
      await().atMost(WAIT).until(() -> calls.size() == 2);
      assertThat(calls).containsExactly("prometheus POST /-/reload", "alertmanager POST /-/reload");
      assertThat(watcher.status().reloadsSucceeded()).isEqualTo(1);
    } finally {
      prometheus.stop(0);
      alertmanager.stop(0);
    }
  }

  private static HttpServer fakeTarget(String name, List<String> calls) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      calls.add(name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static URI base(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }
}
