package io.github.reloadwatch.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's {@code KubernetesMockServer} in CRUD mode on the loopback address, and clients on the
 * JDK HTTP client: one that plays {@code kubectl} ({@link #replace}), and one per party that reads
 * (the materializer, the polling baseline), so that neither waits behind the other's connection.
 */
final class KubernetesMockApi implements AutoCloseable {

  static final String NAMESPACE = "bench";

  /** The mock server logs every request at INFO through java.util.logging: WARNING and up only. */
  private static final Logger MOCK_LOG =
      Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  /** Runs the CRUD watches' close handling; see {@link CloseOffTheEventLoop}. */
  private final ExecutorService closer = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bench-k8s-watch-closer");
    t.setDaemon(true);
    return t;
  });
  private final KubernetesMockServer server;
  private final KubernetesClient admin;
  private final List<KubernetesClient> clients = new ArrayList<>();

  KubernetesMockApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new CloseOffTheEventLoop(closer), false);
    server.start(InetAddress.getLoopbackAddress(), 0);
    admin = client();
  }

  /** A new client straight to the server, in namespace {@link #NAMESPACE}. */
  KubernetesClient client() {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(server.url("/"))
        .withNamespace(NAMESPACE)
        .withHttp2Disable(true)
        .build();
    KubernetesClient client = server.createClient(
        b -> b.withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()));
    clients.add(client);
    return client;
  }

  /** Creates a ConfigMap with these values; returns what the server stored. */
  ConfigMap create(String name, Map<String, String> data) {
    return admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .endMetadata().withData(new LinkedHashMap<>(data)).build()).create();
  }

  /** Replaces {@code previous} with these values in one PUT, as {@code kubectl replace}. */
  ConfigMap replace(ConfigMap previous, Map<String, String> data) {
    ConfigMap next = new ConfigMapBuilder().withNewMetadata()
        .withName(previous.getMetadata().getName())
        .withResourceVersion(previous.getMetadata().getResourceVersion()).endMetadata()
        .withData(new LinkedHashMap<>(data)).build();
    return admin.configMaps().resource(next).update();
  }

  /** Requests the server answered so far, from every client. */
  int requests() {
    return server.getRequestCount();
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
   * The CRUD dispatcher, with one fix (as in watch-kubernetes' tests): fabric8 8.0.0's CRUD watch
   * waits, on the server's event loop, for its sender thread when a client closes the watch, which
   * can hang the event loop for 30 s and keep the server from stopping. Here the close handling
   * runs on another thread.
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
