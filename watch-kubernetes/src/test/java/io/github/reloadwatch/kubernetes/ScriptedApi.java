package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ConfigMapListBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.reloadwatch.kubernetes.testing.ApiStatuses;
import io.github.reloadwatch.kubernetes.testing.KubernetesApiServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * watch-kubernetes-testing's scripted {@link KubernetesApiServer}, for what CRUD mode cannot
 * express: a watch that ends in 410 Gone, a watch cache that lags, a watch that opens and never
 * sends, a 403. Knows the exact requests a materializer of {@code test/NAME} makes.
 */
final class ScriptedApi implements AutoCloseable {

  static final String NAMESPACE = CrudApi.NAMESPACE;

  final KubernetesApiServer api = KubernetesApiServer.scripted();
  final KubernetesMockServer server = api.server();

  KubernetesClient client() {
    return api.client(NAMESPACE);
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

  /** Answers {@code path} with a watch that opens and never sends. */
  void silentWatch(String path) {
    api.silentWatch(path);
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
    return ApiStatuses.gone();
  }

  static Status forbidden(String verb, String plural, String name) {
    return ApiStatuses.forbidden(NAMESPACE, "app", verb, plural, name);
  }

  static Status notFound(String plural, String name) {
    return ApiStatuses.notFound(plural, name);
  }

  List<String> requests() throws InterruptedException {
    return api.takeRequests().stream().map(r -> r.getMethod() + " " + r.getPath()).toList();
  }

  @Override
  public void close() {
    api.close();
  }
}
