package io.github.reloadwatch.sidecar;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's {@code KubernetesMockServer} on loopback as the sidecar's API server: CRUD mode (a
 * real store, watches included) with an admin client that plays {@code kubectl}, or expectation
 * mode for answers CRUD cannot give (a 403). Everything on the JDK HTTP client. {@link
 * #kubeconfig(Path)} writes the file a sidecar process finds through {@code KUBECONFIG}; its
 * context's namespace is {@value #NAMESPACE}.
 */
final class MockKubernetes implements AutoCloseable {

  static final String NAMESPACE = "test";

  /** Runs the CRUD watches' close handling; see {@link CloseOffTheEventLoop}. */
  private final ExecutorService closer = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-watch-closer");
    t.setDaemon(true);
    return t;
  });
  private final Hold hold = new Hold();

  final KubernetesMockServer server;
  final KubernetesClient admin;

  private MockKubernetes(boolean crud) {
    server = crud
        ? new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new CloseOffTheEventLoop(closer, hold), false)
        : new KubernetesMockServer(false);
    server.start();
    admin = server.createClient(b -> b.withConfig(config()).withHttpClientFactory(
        new JdkHttpClientFactory()));
  }

  /** A mock with a real store: objects are created, updated, watched. */
  static MockKubernetes crud() {
    return new MockKubernetes(true);
  }

  /** A mock that answers only what the test expects ({@code server.expect()...}). */
  static MockKubernetes scripted() {
    return new MockKubernetes(false);
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** The configuration of the tests' clients: namespace {@value #NAMESPACE}, no retries. */
  Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace(NAMESPACE)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(0)
        .withWatchReconnectInterval(100)
        .withConnectionTimeout(2_000)
        .build();
  }

  /** Writes a kubeconfig for this server into {@code dir}; the sidecar reads it via KUBECONFIG. */
  Path kubeconfig(Path dir) throws IOException {
    return Files.writeString(dir.resolve("kubeconfig-" + server.getPort()), String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "  - name: mock",
        "    cluster: {server: \"" + url() + "\"}",
        "users:",
        "  - name: sidecar",
        "    user: {token: not-a-real-token}",
        "contexts:",
        "  - name: mock",
        "    context: {cluster: mock, user: sidecar, namespace: " + NAMESPACE + "}",
        "current-context: mock",
        ""));
  }

  /**
   * The environment of a sidecar process for this server: {@code KUBECONFIG}, and nothing else
   * of the machine's that fabric8 would read.
   */
  Map<String, String> environment(Path dir) throws IOException {
    return Map.of("KUBECONFIG", kubeconfig(dir).toString(),
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
  }

  ConfigMap putConfigMap(String name, Map<String, String> data) {
    ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(new LinkedHashMap<>(data)).build();
    ConfigMap existing = admin.configMaps().withName(name).get();
    if (existing == null) {
      return admin.configMaps().resource(configMap).create();
    }
    configMap.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    configMap.getMetadata().setAnnotations(existing.getMetadata().getAnnotations());
    return admin.configMaps().resource(configMap).update();
  }

  /** A new resource version with the same data. */
  ConfigMap annotate(String name, String key, String value) {
    ConfigMap cm = admin.configMaps().withName(name).get();
    Map<String, String> annotations = cm.getMetadata().getAnnotations() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(cm.getMetadata().getAnnotations());
    annotations.put(key, value);
    cm.getMetadata().setAnnotations(annotations);
    return admin.configMaps().resource(cm).update();
  }

  Secret putSecret(String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(
        v.getBytes(StandardCharsets.UTF_8))));
    Secret secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(data).build();
    Secret existing = admin.secrets().withName(name).get();
    if (existing == null) {
      return admin.secrets().resource(secret).create();
    }
    secret.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return admin.secrets().resource(secret).update();
  }

  /** The path of the GET by name in {@value #NAMESPACE}. */
  static String get(String plural, String name) {
    return "/api/v1/namespaces/" + NAMESPACE + "/" + plural + "/" + name;
  }

  /** What an API server answers when RBAC refuses. */
  static Status forbidden(String verb, String plural, String name) {
    return new StatusBuilder().withCode(403).withReason("Forbidden").withStatus("Failure")
        .withMessage(plural + " \"" + name + "\" is forbidden: User \"system:serviceaccount:"
            + NAMESPACE + ":prometheus\" cannot " + verb + " resource \"" + plural
            + "\" in API group \"\" in the namespace \"" + NAMESPACE + "\"")
        .build();
  }

  /**
   * Holds every GET of {@code path} until the returned latch is counted down (30 s at most), as
   * a slow API server would: CRUD mode only.
   */
  CountDownLatch holdGets(String path) {
    return hold.arm(path);
  }

  @Override
  public void close() {
    hold.release();
    admin.close();
    server.shutdown();
    closer.shutdown();
  }

  /** Which GET the CRUD dispatcher holds back, if any. */
  private static final class Hold {
    private volatile String path;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    CountDownLatch arm(String held) {
      CountDownLatch latch = new CountDownLatch(1);
      gate = latch;
      path = held;
      return latch;
    }

    void release() {
      gate.countDown();
    }

    void await(RecordedRequest request) {
      if ("GET".equals(request.getMethod()) && request.getPath().equals(path)) {
        try {
          gate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * The CRUD dispatcher, with two changes. GETs can be held ({@link #holdGets}). And fabric8
   * 8.0.0's CRUD watch ({@code WatchEventsListener.onClosed}) waits, on the server's event loop,
   * for its sender thread, which may itself wait for that event loop: a client closing a watch
   * while an event is sent hangs the server for 30 s. Here the close handling runs on another
   * thread (as in watch-kubernetes' tests).
   */
  private static final class CloseOffTheEventLoop extends KubernetesCrudDispatcher {
    private final ExecutorService closer;
    private final Hold hold;

    CloseOffTheEventLoop(ExecutorService closer, Hold hold) {
      this.closer = closer;
      this.hold = hold;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      hold.await(request);
      return super.dispatch(request);
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
