package io.github.reloadwatch.kubernetes.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's mock Kubernetes API server on the loopback address, for tests of code that reads
 * ConfigMaps and Secrets through the API, such as a {@code KubernetesMaterializer} of
 * watch-kubernetes.
 *
 * <p>Two modes. {@link #crud()} keeps a real store: objects are created, replaced, deleted and
 * watched, and {@link #putConfigMap putConfigMap}, {@link #putSecret putSecret} and the other
 * admin methods play {@code kubectl}. {@link #scripted()} answers only what the test {@linkplain
 * #expect() expects}, for what a store cannot do: a 403, a watch that ends in 410 Gone, a list that
 * lags behind, a watch that never sends.
 *
 * <pre>{@code
 * try (KubernetesApiServer api = KubernetesApiServer.crud()) {
 *   api.putConfigMap("test", "app-config", Map.of("app.properties", "greeting=hello"));
 *   try (KubernetesMaterializer config = KubernetesMaterializer.builder()
 *       .client(api.client("test")).configMap("app-config").directory(dir).build()) {
 *     config.start();
 *     String version = api.putConfigMap("test", "app-config",
 *         Map.of("app.properties", "greeting=bonjour"));
 *     await().atMost(Duration.ofSeconds(10))
 *         .until(() -> config.status().resourceVersion().equals(Optional.of(version)));
 *   }
 * }
 * }</pre>
 *
 * <p><b>Clients.</b> Every client it makes runs on fabric8's JDK HTTP client with {@linkplain
 * #clientConfig the tests' configuration} (HTTP/1.1, no request retries, a watch reconnect after
 * 100 ms, a 2 s connect timeout), so that an outage in a test is short; {@link #close()} closes
 * them all. {@link #writeKubeconfig writeKubeconfig} serves a process of its own.
 *
 * <p><b>The CRUD watches' close, fixed.</b> In fabric8 8.0.0 a CRUD watch that a client closes
 * while the mock is sending it an event (it sends the current objects as soon as a watch opens, so
 * an informer stopped right after it started is enough) blocks the server's only event loop for
 * 30 s: every request waits, and {@code shutdown()} cannot finish. Here the watches' writes wait
 * on a thread of their own instead, so closing and reopening watches costs nothing.
 *
 * <p><b>Threads and lifecycle.</b> Started by the factory method, stopped by {@link #close()}:
 * the server's Vert.x threads ({@code vert.x-eventloop-thread-0} and others), a thread per open
 * CRUD watch (fabric8's), and one daemon thread {@code test-watch-sender-N} that writes the
 * watches' events (it ends 1 s after the last). This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class KubernetesApiServer implements AutoCloseable {

  /** The namespace of {@link #client()} and of {@link #admin()}: {@value}, as kubectl's. */
  public static final String DEFAULT_NAMESPACE = "default";

  /**
   * The {@code User-Agent} of the {@link #admin()} client's requests, so that {@link
   * #takeRequests()} can leave them out: {@value}.
   */
  public static final String ADMIN_USER_AGENT = "reloadwatch-test-admin";

  /** How long {@link #close()} waits for the watches' last writes. */
  private static final long CLOSE_WAIT_SECONDS = 10;

  private static final AtomicInteger SENDER_THREADS = new AtomicInteger();

  private final boolean crud;
  private final InetAddress address = InetAddress.getLoopbackAddress();
  private final GetHold hold = new GetHold();
  /** Writes the CRUD watches' events, in order; see {@link FixedCrudDispatcher}. */
  private final ThreadPoolExecutor sender;
  private final KubernetesMockServer server;
  private final KubernetesClient admin;
  /** Guarded by itself; {@code null} once closed. */
  private List<KubernetesClient> clients = new ArrayList<>();

  private KubernetesApiServer(boolean crud) {
    this.crud = crud;
    // one thread, so that each watch's writes stay in order; gone when idle for 1 s; after
    // close(), writes are dropped: the connections are closed
    sender = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "test-watch-sender-" + SENDER_THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.DiscardPolicy());
    sender.allowCoreThreadTimeOut(true);
    server = crud
        ? new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
            new FixedCrudDispatcher(sender, hold), false)
        : new KubernetesMockServer(false);
    try {
      server.start(address, 0);
    } catch (RuntimeException e) {
      sender.shutdown();
      throw e;
    }
    admin = client(new ConfigBuilder(config(DEFAULT_NAMESPACE)).withUserAgent(ADMIN_USER_AGENT)
        .build());
  }

  /**
   * Starts a server with a store: ConfigMaps, Secrets and every other object are created,
   * replaced, patched, deleted, listed and watched as on an API server (without admission,
   * validation or field selectors beyond {@code metadata.name}). Watches get the current objects
   * as {@code ADDED} events when they open, whatever resource version they ask for.
   *
   * @return a started server, listening on a free port of the loopback address
   */
  public static KubernetesApiServer crud() {
    return new KubernetesApiServer(true);
  }

  /**
   * Starts a server that answers only what the test {@linkplain #expect() expects}; anything
   * else gets a 404.
   *
   * @return a started server, listening on a free port of the loopback address
   */
  public static KubernetesApiServer scripted() {
    return new KubernetesApiServer(false);
  }

  /**
   * The configuration of this class's clients for any URL: a proxy in front of the server, or
   * a port where nothing listens. HTTP/1.1 (as the mock's watches need), no request retries, a
   * watch reconnect 100 ms after a drop, a 2 s connect timeout; nothing read from the machine
   * (kubeconfig, service account, environment).
   *
   * @param masterUrl the API server's URL, such as {@code http://127.0.0.1:8080}
   * @param namespace the client's namespace
   * @return a new configuration, to use as is or to start a {@link ConfigBuilder} from
   * @throws NullPointerException if an argument is null
   */
  public static Config clientConfig(String masterUrl, String namespace) {
    Objects.requireNonNull(masterUrl, "masterUrl cannot be null");
    Objects.requireNonNull(namespace, "namespace cannot be null");
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(masterUrl)
        .withNamespace(namespace)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(0)
        .withWatchReconnectInterval(100)
        .withConnectionTimeout(2_000)
        .build();
  }

  /**
   * The server's URL, with its loopback IP address, not {@code localhost} (which can resolve to
   * the other IP version).
   *
   * @return {@code http://127.0.0.1:PORT}, without a trailing slash
   */
  public String url() {
    String host = address instanceof Inet6Address
        ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    return "http://" + host + ":" + server.getPort();
  }

  /**
   * The port the server listens on.
   *
   * @return the port, on the loopback address
   */
  public int port() {
    return server.getPort();
  }

  /**
   * fabric8's server, for what this class does not wrap: {@code shutdown()} to take the API
   * away in the middle of a test (as an outage would; {@link #close()} is still needed), {@code
   * takeRequest()}, {@code getLastRequest()}.
   *
   * @return the server, started
   */
  public KubernetesMockServer server() {
    return server;
  }

  /**
   * What a {@linkplain #scripted() scripted} server answers: the mock's DSL.
   *
   * <pre>{@code
   * api.expect().get().withPath("/api/v1/namespaces/test/configmaps/app")
   *     .andReturn(200, configMap).once();
   * }</pre>
   *
   * @return the expectation builder of fabric8's mock
   * @throws IllegalStateException on a {@linkplain #crud() CRUD} server, whose store answers every
   *     request itself
   */
  public MockServerExpectation expect() {
    if (crud) {
      throw new IllegalStateException(
          "expect() needs a scripted server: a CRUD server answers from its store");
    }
    return server.expect();
  }

  /**
   * Answers every GET of {@code path} (with its query) with a watch that opens and never sends,
   * as an API server whose watch went silent: {@linkplain #scripted() scripted} servers only.
   * (The mock closes a watch once it has nothing left to send or to expect, so this one expects
   * a message the client never sends.)
   *
   * @param path the watch request's path and query, as the client sends it
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalStateException on a {@linkplain #crud() CRUD} server
   */
  public void silentWatch(String path) {
    Objects.requireNonNull(path, "path cannot be null");
    expect().get().withPath(path).andUpgradeToWebSocket().open()
        .expect("a message the client never sends").andEmit("unused").once()
        .done().always();
  }

  /**
   * {@link #clientConfig clientConfig} for this server.
   *
   * @param namespace the client's namespace
   * @return a new configuration for this server's URL
   * @throws NullPointerException if {@code namespace} is null
   */
  public Config config(String namespace) {
    return clientConfig(url(), namespace);
  }

  /**
   * A new client for this server in namespace {@value #DEFAULT_NAMESPACE}, closed by {@link
   * #close()}.
   *
   * @return a client on the JDK HTTP client, with its own connections
   * @throws IllegalStateException if this server is closed
   */
  public KubernetesClient client() {
    return client(DEFAULT_NAMESPACE);
  }

  /**
   * A new client for this server, closed by {@link #close()}.
   *
   * @param namespace the client's namespace
   * @return a client on the JDK HTTP client, with its own connections
   * @throws NullPointerException if {@code namespace} is null
   * @throws IllegalStateException if this server is closed
   */
  public KubernetesClient client(String namespace) {
    return client(config(namespace));
  }

  /**
   * A new client with this configuration, on the JDK HTTP client, closed by {@link #close()}.
   * Start from {@link #config(String)} or {@link #clientConfig clientConfig} to reach the server
   * through a proxy, with another user agent or without a namespace.
   *
   * @param config the client's configuration, used as is
   * @return a client with its own connections
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalStateException if this server is closed
   */
  public KubernetesClient client(Config config) {
    Objects.requireNonNull(config, "config cannot be null");
    KubernetesClient client = server.createClient(
        b -> b.withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()));
    synchronized (this) {
      if (clients != null) {
        clients.add(client);
        return client;
      }
    }
    client.close();
    throw new IllegalStateException("server already closed");
  }

  /**
   * The client the admin methods use, playing {@code kubectl}: namespace {@value
   * #DEFAULT_NAMESPACE} (pick another with {@code inNamespace}), user agent {@value
   * #ADMIN_USER_AGENT}, so that {@link #takeRequests()} leaves its requests out.
   *
   * @return the admin client, closed by {@link #close()}
   */
  public KubernetesClient admin() {
    return admin;
  }

  /**
   * Writes a kubeconfig for this server, for a process of its own ({@code KUBECONFIG=file}): one
   * cluster at {@link #url()}, a user with a token that means nothing, a current context in
   * {@code namespace}. Overwrites {@code file}.
   *
   * @param file where to write it
   * @param namespace the context's namespace
   * @return {@code file}
   * @throws IOException if it cannot be written
   * @throws NullPointerException if an argument is null
   */
  public Path writeKubeconfig(Path file, String namespace) throws IOException {
    Objects.requireNonNull(file, "file cannot be null");
    Objects.requireNonNull(namespace, "namespace cannot be null");
    return Files.writeString(file, String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "  - name: mock",
        "    cluster: {server: \"" + url() + "\"}",
        "users:",
        "  - name: test",
        "    user: {token: not-a-real-token}",
        "contexts:",
        "  - name: mock",
        "    context: {cluster: mock, user: test, namespace: \"" + namespace + "\"}",
        "current-context: mock",
        ""));
  }

  /**
   * Creates a ConfigMap with these UTF-8 values, or replaces the data of the one there (its
   * {@code binaryData} goes, its labels and annotations stay): a new resource version either way.
   * A GET, then a POST or a PUT, by the {@link #admin()} client.
   *
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @param data key to value, copied
   * @return the new resource version
   * @throws NullPointerException if an argument is null
   */
  public String putConfigMap(String namespace, String name, Map<String, String> data) {
    Objects.requireNonNull(data, "data cannot be null");
    ConfigMap next = new ConfigMapBuilder().withMetadata(meta(namespace, name))
        .withData(new LinkedHashMap<>(data)).build();
    ConfigMap existing = admin.configMaps().inNamespace(namespace).withName(name).get();
    return upsert(namespace, existing, next);
  }

  /**
   * Replaces a ConfigMap in one PUT, without reading it first, as {@code kubectl replace} with
   * the resource version it last saw: its labels and annotations go. Quicker than {@link
   * #putConfigMap putConfigMap} where a test measures latency.
   *
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @param resourceVersion the version it replaces, as returned by the previous change
   * @param data key to value, copied
   * @return the new resource version
   * @throws NullPointerException if an argument is null
   */
  public String replaceConfigMap(String namespace, String name, String resourceVersion,
      Map<String, String> data) {
    Objects.requireNonNull(resourceVersion, "resourceVersion cannot be null");
    Objects.requireNonNull(data, "data cannot be null");
    ObjectMeta meta = meta(namespace, name);
    meta.setResourceVersion(resourceVersion);
    ConfigMap next = new ConfigMapBuilder().withMetadata(meta)
        .withData(new LinkedHashMap<>(data)).build();
    return admin.configMaps().inNamespace(namespace).resource(next).update().getMetadata()
        .getResourceVersion();
  }

  /**
   * Creates a Secret with these values, or replaces the data of the one there (its labels and
   * annotations stay). The values are plain text, base64-encoded here as the API stores them.
   *
   * @param namespace the Secret's namespace
   * @param name the Secret's name
   * @param values key to UTF-8 value, copied
   * @return the new resource version
   * @throws NullPointerException if an argument is null
   */
  public String putSecret(String namespace, String name, Map<String, String> values) {
    Objects.requireNonNull(values, "values cannot be null");
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(
        v.getBytes(StandardCharsets.UTF_8))));
    Secret next = new SecretBuilder().withMetadata(meta(namespace, name)).withData(data).build();
    Secret existing = admin.secrets().inNamespace(namespace).withName(name).get();
    return upsert(namespace, existing, next);
  }

  /**
   * Creates any object, or replaces the one of its kind and name with it, whole (labels and
   * annotations included): for what the other methods do not write, such as a ConfigMap with
   * {@code binaryData}, or a Secret whose data is not valid base64. {@code resource} is copied,
   * not changed.
   *
   * @param <T> the object's type
   * @param namespace the object's namespace (its metadata's is overwritten)
   * @param resource the object, with at least a name
   * @return what the server stored, with the new resource version
   * @throws NullPointerException if an argument or the object's metadata is null
   */
  public <T extends HasMetadata> T put(String namespace, T resource) {
    Objects.requireNonNull(namespace, "namespace cannot be null");
    Objects.requireNonNull(resource, "resource cannot be null");
    Objects.requireNonNull(resource.getMetadata(), "resource metadata cannot be null");
    T copy = admin.getKubernetesSerialization().clone(resource);
    copy.getMetadata().setNamespace(namespace);
    copy.getMetadata().setResourceVersion(null);
    T existing = admin.resource(copy).inNamespace(namespace).get();
    if (existing == null) {
      return admin.resource(copy).inNamespace(namespace).create();
    }
    copy.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return admin.resource(copy).inNamespace(namespace).update();
  }

  /**
   * Adds or changes one annotation of a ConfigMap: a new resource version, the same data.
   *
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @param key the annotation's key
   * @param value its value
   * @return the new resource version
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if there is no such ConfigMap
   */
  public String annotateConfigMap(String namespace, String name, String key, String value) {
    requireNames(namespace, name);
    Objects.requireNonNull(key, "key cannot be null");
    Objects.requireNonNull(value, "value cannot be null");
    ConfigMap cm = admin.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null) {
      throw new IllegalArgumentException(
          "no configmap " + namespace + "/" + name + " to annotate: put it first");
    }
    Map<String, String> annotations = cm.getMetadata().getAnnotations() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(cm.getMetadata().getAnnotations());
    annotations.put(key, value);
    cm.getMetadata().setAnnotations(annotations);
    return admin.configMaps().inNamespace(namespace).resource(cm).update().getMetadata()
        .getResourceVersion();
  }

  /**
   * Deletes a ConfigMap, if there is one.
   *
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @throws NullPointerException if an argument is null
   */
  public void deleteConfigMap(String namespace, String name) {
    requireNames(namespace, name);
    admin.configMaps().inNamespace(namespace).withName(name).delete();
  }

  /**
   * Deletes a Secret, if there is one.
   *
   * @param namespace the Secret's namespace
   * @param name the Secret's name
   * @throws NullPointerException if an argument is null
   */
  public void deleteSecret(String namespace, String name) {
    requireNames(namespace, name);
    admin.secrets().inNamespace(namespace).withName(name).delete();
  }

  /**
   * The requests the server received since the last call (or since it started), oldest first,
   * the {@link #admin()} client's left out: what the code under test asked for, to check it
   * against the RBAC rules it documents. Watches count once, when they open. Waits 10 ms for
   * requests still on their way.
   *
   * @return method, path with query, headers and body of each request
   * @throws InterruptedException if interrupted while waiting
   */
  public List<RecordedRequest> takeRequests() throws InterruptedException {
    List<RecordedRequest> result = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      if (!ADMIN_USER_AGENT.equals(r.getHeader("User-Agent"))) {
        result.add(r);
      }
    }
    return result;
  }

  /**
   * How many requests the server received, from every client, the {@link #admin()} client's
   * included; {@link #takeRequests()} does not change it.
   *
   * @return the count since the server started
   */
  public int requestCount() {
    return server.getRequestCount();
  }

  /**
   * Holds every GET of {@code path} (with its query, exactly) from now on, as a slow API server
   * would, until the returned latch is counted down, {@link #close()}, or 30 s: {@linkplain
   * #crud() CRUD} servers only. A held request holds the server's only event loop, so every
   * other request waits behind it too, and Vert.x logs that its thread is blocked.
   *
   * @param path the request path and query to hold, such as {@code
   *     /api/v1/namespaces/test/configmaps/app}
   * @return count it down to let the request (and those after it) through
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalStateException on a {@linkplain #scripted() scripted} server: delay an
   *     expectation instead ({@code expect().get().delay(...)})
   */
  public CountDownLatch holdGets(String path) {
    Objects.requireNonNull(path, "path cannot be null");
    if (!crud) {
      throw new IllegalStateException("holdGets(...) needs a CRUD server: on a scripted server,"
          + " delay the expectation instead (expect().get().delay(...))");
    }
    return hold.arm(path);
  }

  /**
   * Closes every client it made, stops the server (if the test has not already), and waits up
   * to 10 s for the watches' last writes: the threads named in the class documentation end.
   * Idempotent; the objects in the store are gone.
   */
  @Override
  public void close() {
    List<KubernetesClient> open;
    synchronized (this) {
      if (clients == null) {
        return;
      }
      open = clients;
      clients = null;
    }
    hold.release();
    for (KubernetesClient c : open) {
      c.close();
    }
    server.shutdown();
    sender.shutdown();
    try {
      sender.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "KubernetesApiServer{" + (crud ? "crud" : "scripted") + ", " + url() + "}";
  }

  private static void requireNames(String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace cannot be null");
    Objects.requireNonNull(name, "name cannot be null");
  }

  private static ObjectMeta meta(String namespace, String name) {
    requireNames(namespace, name);
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(namespace);
    meta.setName(name);
    return meta;
  }

  /** Creates {@code next}, or replaces {@code existing} with it keeping labels and annotations. */
  private <T extends HasMetadata> String upsert(String namespace, T existing, T next) {
    if (existing == null) {
      return admin.resource(next).inNamespace(namespace).create().getMetadata()
          .getResourceVersion();
    }
    next.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    next.getMetadata().setLabels(existing.getMetadata().getLabels());
    next.getMetadata().setAnnotations(existing.getMetadata().getAnnotations());
    return admin.resource(next).inNamespace(namespace).update().getMetadata()
        .getResourceVersion();
  }
}
