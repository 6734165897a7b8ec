package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ConfigMapListBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's {@code KubernetesMockServer} in expectation mode on loopback, for what CRUD mode
 * cannot express: a watch that ends in 410 Gone, a watch cache that lags, a watch that opens and
 * never sends, a 403. Knows the exact requests a materializer of {@code test/NAME} makes.
 */
final class ScriptedApi implements AutoCloseable {

  static final String NAMESPACE = CrudApi.NAMESPACE;

  final KubernetesMockServer server = new KubernetesMockServer(false);
  private final List<KubernetesClient> clients = new ArrayList<>();

  ScriptedApi() {
    server.start();
  }

  KubernetesClient client() {
    KubernetesClient client = server.createClient(b -> b
        .withConfig(CrudApi.config(server.url("/")))
        .withHttpClientFactory(new JdkHttpClientFactory()));
    clients.add(client);
    return client;
  }

  /** The GET by name. */
  static String get(String plural, String name) {
    return "/api/v1/namespaces/" + NAMESPACE + "/" + plural + "/" + name;
  }

  /** The informer's list: by name, no resourceVersion, so a quorum read. */
  static String list(String plural, String name) {
    return "/api/v1/namespaces/" + NAMESPACE + "/" + plural + "?fieldSelector=metadata.name%3D"
        + name;
  }

  /** A list that any cached version may answer (what an unseeded informer sends first). */
  static String cachedList(String plural, String name) {
    return list(plural, name) + "&resourceVersion=0";
  }

  /** The informer's watch from {@code resourceVersion}. */
  static String watch(String plural, String name, String resourceVersion) {
    return "/api/v1/namespaces/" + NAMESPACE + "/" + plural
        + "?allowWatchBookmarks=true&fieldSelector=metadata.name%3D" + name + "&resourceVersion="
        + resourceVersion + "&timeoutSeconds=600&watch=true";
  }

  /**
   * Answers {@code path} with a watch that opens and never sends. (A session of the mock closes
   * its sockets once it has nothing left to send or expect, so it is told to expect a message the
   * client never sends.)
   */
  void silentWatch(String path) {
    server.expect().get().withPath(path).andUpgradeToWebSocket().open()
        .expect("a message the client never sends").andEmit("unused").once()
        .done().always();
  }

  static ConfigMap configMap(String name, String resourceVersion, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE)
        .withResourceVersion(resourceVersion).endMetadata()
        .withData(new LinkedHashMap<>(data))
        .build();
  }

  static ConfigMapList listOf(String resourceVersion, ConfigMap... items) {
    return new ConfigMapListBuilder().withNewMetadata().withResourceVersion(resourceVersion)
        .endMetadata().withItems(items).build();
  }

  /** The event an API server sends when a watch's resource version was compacted away. */
  static WatchEvent gone() {
    return new WatchEvent(new StatusBuilder().withCode(410).withReason("Expired")
        .withMessage("too old resource version").build(), "ERROR");
  }

  static Status forbidden(String verb, String plural, String name) {
    return new StatusBuilder().withCode(403).withReason("Forbidden").withStatus("Failure")
        .withMessage(plural + " \"" + name + "\" is forbidden: User \"system:serviceaccount:test:"
            + "app\" cannot " + verb + " resource \"" + plural + "\" in API group \"\" in the"
            + " namespace \"test\"")
        .build();
  }

  static Status notFound(String plural, String name) {
    return new StatusBuilder().withCode(404).withReason("NotFound").withStatus("Failure")
        .withMessage(plural + " \"" + name + "\" not found").build();
  }

  List<String> requests() throws InterruptedException {
    List<String> result = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      result.add(r.getMethod() + " " + r.getPath());
    }
    return result;
  }

  @Override
  public void close() {
    for (KubernetesClient c : clients) {
      c.close();
    }
    server.shutdown();
  }
}
