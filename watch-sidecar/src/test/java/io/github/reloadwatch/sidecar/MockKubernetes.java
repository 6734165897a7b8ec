package io.github.reloadwatch.sidecar;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.reloadwatch.kubernetes.testing.ApiStatuses;
import io.github.reloadwatch.kubernetes.testing.KubernetesApiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * watch-kubernetes-testing's {@link KubernetesApiServer} as the sidecar's API server, in
 * namespace {@value #NAMESPACE}: CRUD mode (a real store, watches included) with an admin client
 * that plays {@code kubectl}, or scripted mode for answers CRUD cannot give (a 403). {@link
 * #kubeconfig(Path)} writes the file a sidecar process finds through {@code KUBECONFIG}.
 */
final class MockKubernetes implements AutoCloseable {

  static final String NAMESPACE = "test";

  private final KubernetesApiServer api;
  final KubernetesMockServer server;
  final KubernetesClient admin;

  private MockKubernetes(KubernetesApiServer api) {
    this.api = api;
    server = api.server();
    admin = api.admin().adapt(NamespacedKubernetesClient.class).inNamespace(NAMESPACE);
  }

  /** A mock with a real store: objects are created, updated, watched. */
  static MockKubernetes crud() {
    return new MockKubernetes(KubernetesApiServer.crud());
  }

  /** A mock that answers only what the test expects ({@code server.expect()...}). */
  static MockKubernetes scripted() {
    return new MockKubernetes(KubernetesApiServer.scripted());
  }

  String url() {
    return api.url();
  }

  /** The configuration of the tests' clients: namespace {@value #NAMESPACE}, no retries. */
  Config config() {
    return api.config(NAMESPACE);
  }

  /** Writes a kubeconfig for this server into {@code dir}; the sidecar reads it via KUBECONFIG. */
  Path kubeconfig(Path dir) throws IOException {
    return api.writeKubeconfig(dir.resolve("kubeconfig-" + api.port()), NAMESPACE);
  }

  /**
   * The environment of a sidecar process for this server: {@code KUBECONFIG}, and nothing else
   * of the machine's that fabric8 would read.
   */
  Map<String, String> environment(Path dir) throws IOException {
    return Map.of("KUBECONFIG", kubeconfig(dir).toString(),
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
  }

  /** Creates the ConfigMap or replaces its data (annotations stay); returns what is stored. */
  ConfigMap putConfigMap(String name, Map<String, String> data) {
    api.putConfigMap(NAMESPACE, name, data);
    return admin.configMaps().withName(name).get();
  }

  /** A new resource version with the same data. */
  ConfigMap annotate(String name, String key, String value) {
    api.annotateConfigMap(NAMESPACE, name, key, value);
    return admin.configMaps().withName(name).get();
  }

  Secret putSecret(String name, Map<String, String> values) {
    api.putSecret(NAMESPACE, name, values);
    return admin.secrets().withName(name).get();
  }

  /** The path of the GET by name in {@value #NAMESPACE}. */
  static String get(String plural, String name) {
    return "/api/v1/namespaces/" + NAMESPACE + "/" + plural + "/" + name;
  }

  /** What an API server answers when RBAC refuses. */
  static Status forbidden(String verb, String plural, String name) {
    return ApiStatuses.forbidden(NAMESPACE, "prometheus", verb, plural, name);
  }

  /**
   * Holds every GET of {@code path} until the returned latch is counted down (30 s at most), as
   * a slow API server would: CRUD mode only.
   */
  CountDownLatch holdGets(String path) {
    return api.holdGets(path);
  }

  @Override
  public void close() {
    api.close();
  }
}
