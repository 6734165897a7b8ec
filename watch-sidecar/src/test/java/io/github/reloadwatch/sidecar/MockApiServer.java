package io.github.reloadwatch.sidecar;

import java.nio.file.Path;
import java.util.Map;

/**
 * fabric8's mock API server as a process of its own, for manual tries: a CRUD store on loopback
 * holding ConfigMap {@code test/prometheus-config}, and a kubeconfig for it. Runs until killed.
 *
 * <pre>
 * java -cp watch-sidecar/target/test-classes:$(cat watch-sidecar/target/test-classpath.txt) \
 *     io.github.reloadwatch.sidecar.MockApiServer /tmp/kubeconfig
 * KUBECONFIG=/tmp/kubeconfig java -jar watch-sidecar/target/reloadwatch-sidecar.jar \
 *     --from-configmap prometheus-config --materialize /tmp/config -- true
 * </pre>
 */
final class MockApiServer {

  private MockApiServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: MockApiServer KUBECONFIG_FILE_TO_WRITE");
      System.exit(2);
    }
    Path kubeconfig = Path.of(args[0]).toAbsolutePath();
    MockKubernetes api = MockKubernetes.crud();
    api.putConfigMap("prometheus-config", Map.of("prometheus.yml", "global:\n"
        + "  scrape_interval: 30s\nscrape_configs:\n  - job_name: prometheus\n"
        + "    static_configs:\n      - targets: ['localhost:9090']\n"));
    Path written = api.kubeconfig(kubeconfig.getParent());
    java.nio.file.Files.move(written, kubeconfig,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.println("mock API server at " + api.url() + ", kubeconfig " + kubeconfig);
    System.out.flush();
    Thread.currentThread().join();
  }
}
