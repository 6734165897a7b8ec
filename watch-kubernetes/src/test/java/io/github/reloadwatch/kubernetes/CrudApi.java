package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's {@code KubernetesMockServer} in CRUD mode on loopback, with an admin client that plays
 * {@code kubectl} (its requests carry the user agent {@link #ADMIN_AGENT}, so tests can tell them
 * from the materializer's) and a factory for the materializer's clients, all on the JDK HTTP
 * client. Clients retry nothing and reconnect watches after 100 ms, so outages in tests are short.
 */
final class CrudApi implements AutoCloseable {

  static final String NAMESPACE = "test";
  static final String ADMIN_AGENT = "reloadwatch-test-admin";

  /** Runs the CRUD watches' close handling; see {@link CloseOffTheEventLoop}. */
  private final ExecutorService closer = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-watch-closer");
    t.setDaemon(true);
    return t;
  });

  final KubernetesMockServer server;
  final KubernetesClient admin;
  private final List<KubernetesClient> clients = new ArrayList<>();

  CrudApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new CloseOffTheEventLoop(closer), false);
    server.start();
    admin = client(new ConfigBuilder(config(server.url("/"))).withUserAgent(ADMIN_AGENT).build());
  }

  /** The configuration the tests' clients share: namespace {@code test}, no retries. */
  static Config config(String url) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withNamespace(NAMESPACE)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(0)
        .withWatchReconnectInterval(100)
        .withConnectionTimeout(2_000)
        .build();
  }

  /** A client for the materializer, straight to the server. */
  KubernetesClient client() {
    return client(config(server.url("/")));
  }

  /** A client for the materializer through {@code proxy}. */
  KubernetesClient clientVia(FlakyProxy proxy) {
    return client(config(proxy.url()));
  }

  KubernetesClient client(Config config) {
    KubernetesClient client = server.createClient(
        b -> b.withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()));
    clients.add(client);
    return client;
  }

  /** Creates or replaces a ConfigMap with these UTF-8 values; returns what the server stored. */
  ConfigMap putConfigMap(String name, Map<String, String> data) {
    return put(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(new LinkedHashMap<>(data)).build());
  }

  ConfigMap put(ConfigMap configMap) {
    ConfigMap existing = admin.configMaps().withName(configMap.getMetadata().getName()).get();
    if (existing == null) {
      return admin.configMaps().resource(configMap).create();
    }
    configMap.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return admin.configMaps().resource(configMap).update();
  }

  /** Replaces {@code previous} with these values in one PUT (no GET first); returns the new one. */
  ConfigMap replace(ConfigMap previous, Map<String, String> data) {
    ConfigMap next = new ConfigMapBuilder().withNewMetadata()
        .withName(previous.getMetadata().getName())
        .withResourceVersion(previous.getMetadata().getResourceVersion()).endMetadata()
        .withData(new LinkedHashMap<>(data)).build();
    return admin.configMaps().resource(next).update();
  }

  /** Creates or replaces a Secret with these values (base64-encoded here, as the API has them). */
  Secret putSecret(String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, base64(v)));
    Secret secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(data).build();
    Secret existing = admin.secrets().withName(name).get();
    if (existing == null) {
      return admin.secrets().resource(secret).create();
    }
    secret.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return admin.secrets().resource(secret).update();
  }

  /** Adds an annotation: a new resource version, the same data. */
  ConfigMap annotate(String name, String key, String value) {
    ConfigMap cm = admin.configMaps().withName(name).get();
    Map<String, String> annotations = cm.getMetadata().getAnnotations() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(cm.getMetadata().getAnnotations());
    annotations.put(key, value);
    cm.getMetadata().setAnnotations(annotations);
    return admin.configMaps().resource(cm).update();
  }

  void deleteConfigMap(String name) {
    admin.configMaps().withName(name).delete();
  }

  void deleteSecret(String name) {
    admin.secrets().withName(name).delete();
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Every request the server received since the last call, the admin's left out. */
  List<RecordedRequest> materializerRequests() throws InterruptedException {
    List<RecordedRequest> result = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      if (!ADMIN_AGENT.equals(r.getHeader("User-Agent"))) {
        result.add(r);
      }
    }
    return result;
  }

  @Override
  public void close() {
    for (KubernetesClient c : clients) {
      c.close();
    }
    server.shutdown();
    closer.shutdown();
  }

  /**
   * The CRUD dispatcher, with one fix: fabric8 8.0.0's CRUD watch ({@code
   * WatchEventsListener.onClosed}) waits, on the server's event loop, for its sender thread, which
   * may itself be waiting for that event loop to finish a write. When a client closes a watch
   * while an event is being sent (a materializer closed right after start, say), the event loop
   * hangs for 30 s and the server cannot stop. Here the close handling runs on another thread.
   */
  private static final class CloseOffTheEventLoop extends KubernetesCrudDispatcher {
    private final ExecutorService closer;

    CloseOffTheEventLoop(ExecutorService closer) {
      this.closer = closer;
    }

    @Override
    public MockResponse handleWatch(String path) {
      MockResponse response = super.handleWatch(path);
      WebSocketListener watch = response.getWebSocketListener();
      return response.withWebSocketUpgrade(new WebSocketListener() {
        @Override
        public void onBeforeAccept(WebSocket webSocket, Response r) {
          watch.onBeforeAccept(webSocket, r);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response r) {
          watch.onOpen(webSocket, r);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
          watch.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
          watch.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
          watch.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
          closer.execute(() -> watch.onClosed(webSocket, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response r) {
          closer.execute(() -> watch.onFailure(webSocket, t, r));
        }
      });
    }
  }
}
