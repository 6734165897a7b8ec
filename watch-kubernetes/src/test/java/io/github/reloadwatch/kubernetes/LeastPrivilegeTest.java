package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.reloadwatch.testing.FakeScheduler;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request the materializer makes is one a Role with {@code get}, {@code list} and {@code
 * watch} on {@code resourceNames: [NAME]} in one namespace allows: a GET of the object by name, or
 * a list or watch of the collection with {@code fieldSelector=metadata.name=NAME}. Recorded by the
 * CRUD mock server over a whole life: start, updates, an annotation, a delete, a re-create, a
 * reconnect and anti-entropy checks, with other objects in the namespace.
 */
@Tag("filesystem")
class LeastPrivilegeTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path tmp;

  @Test
  void configMap_everyRequestIsAGetByNameOrAListOrWatchWithTheNameSelector() throws Exception {
    Set<String> kinds = run("configmaps", "app");
    assertThat(kinds).containsExactlyInAnyOrder("get", "list", "watch");
  }

  @Test
  void secret_everyRequestIsAGetByNameOrAListOrWatchWithTheNameSelector() throws Exception {
    Set<String> kinds = run("secrets", "db");
    assertThat(kinds).containsExactlyInAnyOrder("get", "list", "watch");
  }

  /** Runs a materializer's life against the CRUD server; returns the kinds of request seen. */
  private Set<String> run(String plural, String name) throws Exception {
    boolean secret = plural.equals("secrets");
    Path dir = tmp.resolve(name);
    FakeScheduler time = new FakeScheduler();
    Set<String> kinds = new HashSet<>();
    try (CrudApi api = new CrudApi(); FlakyProxy proxy = new FlakyProxy(api.server.getPort())) {
      Runnable put = secret
          ? () -> api.putSecret(name, Map.of("k", "v" + System.nanoTime()))
          : () -> api.putConfigMap(name, Map.of("k", "v" + System.nanoTime()));
      put.run();
      api.putConfigMap("other", Map.of("k", "not ours"));
      api.putSecret("other", Map.of("k", "not ours"));
      KubernetesMaterializer.Builder builder = KubernetesMaterializer.builder()
          .client(api.clientVia(proxy)).directory(dir).scheduler(time).optional(true);
      try (KubernetesMaterializer m = (secret ? builder.secret(name) : builder.configMap(name))
          .build()) {
        m.start();
        put.run();
        await().atMost(WAIT).until(() -> m.status().writes() == 2);
        time.advance(KubernetesMaterializer.DEFAULT_ANTI_ENTROPY_INTERVAL);
        await().atMost(WAIT).until(() -> m.status().checks() == 1);
        if (secret) {
          api.deleteSecret(name);
        } else {
          api.deleteConfigMap(name);
        }
        await().atMost(WAIT).until(() -> Volumes.visible(dir).isEmpty());
        put.run();
        await().atMost(WAIT).until(() -> !Volumes.visible(dir).isEmpty());
        proxy.cut();
        await().atMost(WAIT).until(() -> !m.status().connected());
        proxy.restore();
        await().atMost(WAIT).until(() -> m.status().connected());
        time.advance(KubernetesMaterializer.DEFAULT_ANTI_ENTROPY_INTERVAL);
        await().atMost(WAIT).until(() -> m.status().checks() == 2);
      }

      List<RecordedRequest> requests = api.materializerRequests();
      assertThat(requests).isNotEmpty();
      String collection = "/api/v1/namespaces/test/" + plural;
      for (RecordedRequest r : requests) {
        URI uri = URI.create(r.getPath());
        assertThat(r.getMethod()).as(r.getPath()).isEqualTo("GET");
        if (uri.getRawQuery() == null) {
          assertThat(uri.getPath()).isEqualTo(collection + "/" + name);
          kinds.add("get");
          continue;
        }
        assertThat(uri.getPath()).as(r.getPath()).isEqualTo(collection);
        Map<String, String> query = query(uri);
        assertThat(query).as(r.getPath()).containsEntry("fieldSelector", "metadata.name=" + name);
        kinds.add("true".equals(query.get("watch")) ? "watch" : "list");
      }
    }
    return kinds;
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      result.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return result;
  }
}
