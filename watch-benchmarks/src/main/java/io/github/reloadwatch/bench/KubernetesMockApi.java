package io.github.reloadwatch.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.reloadwatch.kubernetes.testing.KubernetesApiServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * watch-kubernetes-testing's CRUD {@link KubernetesApiServer} on the loopback address, and
 * clients on the JDK HTTP client: the kit's admin plays {@code kubectl} ({@link #replace}), and
 * one client per party that reads (the materializer, the polling baseline), so that neither waits
 * behind the other's connection.
 */
final class KubernetesMockApi implements AutoCloseable {

  static final String NAMESPACE = "bench";

  /** The mock server logs every request at INFO through java.util.logging: WARNING and up only. */
  private static final Logger MOCK_LOG =
      Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesApiServer api = KubernetesApiServer.crud();

  /**
   * A new client straight to the server, in namespace {@link #NAMESPACE}: fabric8's defaults
   * (retries included) but HTTP/1.1, which the mock's watches need.
   */
  KubernetesClient client() {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(api.url())
        .withNamespace(NAMESPACE)
        .withHttp2Disable(true)
        .build();
    return api.client(config);
  }

  /** Creates a ConfigMap with these values; returns what the server stored. */
  ConfigMap create(String name, Map<String, String> data) {
    return api.put(NAMESPACE, new ConfigMapBuilder().withNewMetadata().withName(name)
        .endMetadata().withData(new LinkedHashMap<>(data)).build());
  }

  /**
   * Replaces {@code previous} with these values in one PUT, as {@code kubectl replace}; returns
   * the new version (name, resource version, data) for the next call.
   */
  ConfigMap replace(ConfigMap previous, Map<String, String> data) {
    String name = previous.getMetadata().getName();
    String rv = api.replaceConfigMap(NAMESPACE, name,
        previous.getMetadata().getResourceVersion(), data);
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
        .withResourceVersion(rv).endMetadata().withData(new LinkedHashMap<>(data)).build();
  }

  /** Requests the server answered so far, from every client. */
  int requests() {
    return api.requestCount();
  }

  @Override
  public void close() {
    api.close();
  }
}
