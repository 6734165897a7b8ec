package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.reloadwatch.kubernetes.testing.KubernetesApiServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * watch-kubernetes-testing's CRUD {@link KubernetesApiServer}, in namespace {@value #NAMESPACE}:
 * an admin client that plays {@code kubectl} (its requests left out of {@link
 * #materializerRequests()}), and clients for the materializer, straight to the server or through
 * a {@link FlakyProxy}. Clients retry nothing and reconnect watches after 100 ms, so outages in
 * tests are short.
 */
final class CrudApi implements AutoCloseable {

  static final String NAMESPACE = "test";

  final KubernetesApiServer api = KubernetesApiServer.crud();
  final KubernetesMockServer server = api.server();
  /** The kit's admin client, in {@value #NAMESPACE}. */
  final KubernetesClient admin =
      api.admin().adapt(NamespacedKubernetesClient.class).inNamespace(NAMESPACE);

  /** The configuration the tests' clients share: namespace {@code test}, no retries. */
  static Config config(String url) {
    return KubernetesApiServer.clientConfig(url, NAMESPACE);
  }

  /** A client for the materializer, straight to the server. */
  KubernetesClient client() {
    return api.client(NAMESPACE);
  }

  /** A client for the materializer through {@code proxy}. */
  KubernetesClient clientVia(FlakyProxy proxy) {
    return api.client(config(proxy.url()));
  }

  KubernetesClient client(Config config) {
    return api.client(config);
  }

  /** Creates a ConfigMap with these UTF-8 values, or replaces its data; returns its new version. */
  String putConfigMap(String name, Map<String, String> data) {
    return api.putConfigMap(NAMESPACE, name, data);
  }

  /** Creates or replaces a ConfigMap as given; returns what the server stored. */
  ConfigMap put(ConfigMap configMap) {
    return api.put(NAMESPACE, configMap);
  }

  /** Replaces version {@code resourceVersion} with these values in one PUT (no GET first). */
  String replace(String name, String resourceVersion, Map<String, String> data) {
    return api.replaceConfigMap(NAMESPACE, name, resourceVersion, data);
  }

  /** Creates or replaces a Secret with these values (base64-encoded by the kit). */
  String putSecret(String name, Map<String, String> values) {
    return api.putSecret(NAMESPACE, name, values);
  }

  /** Adds an annotation: a new resource version, the same data. */
  String annotate(String name, String key, String value) {
    return api.annotateConfigMap(NAMESPACE, name, key, value);
  }

  void deleteConfigMap(String name) {
    api.deleteConfigMap(NAMESPACE, name);
  }

  void deleteSecret(String name) {
    api.deleteSecret(NAMESPACE, name);
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Every request the server received since the last call, the admin's left out. */
  List<RecordedRequest> materializerRequests() throws InterruptedException {
    return api.takeRequests();
  }

  @Override
  public void close() {
    api.close();
  }
}
