package io.github.reloadwatch.examples;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.http.AlertmanagerReload;
import io.github.reloadwatch.http.PrometheusReload;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Embedding example 3: one watcher over a shared monitoring config folder reloads both Prometheus
 * and Alertmanager, in order, and verifies each really loaded it.
 *
 * <pre>
 * java -cp reloadwatch-sidecar.jar io.github.reloadwatch.examples.MultiTargetExample \
 *     /etc/monitoring http://localhost:9090 http://localhost:9093
 * </pre>
 */
public final class MultiTargetExample {

  private MultiTargetExample() {}

  /**
   * Builds and starts the watcher.
   *
   * @param configDir the folder holding prometheus.yml and alertmanager.yml
   * @param prometheus the Prometheus base URL
   * @param alertmanager the Alertmanager base URL
   * @param verify whether to confirm each reload through the target's own status
   * @return the running watcher; close it to stop
   * @throws IOException if the folder cannot be watched
   */
  public static ReloadWatcher start(Path configDir, URI prometheus, URI alertmanager,
      boolean verify) throws IOException {
    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(configDir)
        .addAction(PrometheusReload.at(prometheus).verify(verify).build())
        .addAction(AlertmanagerReload.at(alertmanager).verify(verify).build())
        .build();
    watcher.start();
    return watcher;
  }

  /**
   * Runs the example until the JVM stops.
   *
   * @param args config folder, Prometheus base URL, Alertmanager base URL
   * @throws Exception on start-up failure
   */
  public static void main(String[] args) throws Exception {
    ReloadWatcher watcher =
        start(Path.of(args[0]), URI.create(args[1]), URI.create(args[2]), true);
    Runtime.getRuntime().addShutdownHook(new Thread(watcher::close, "example-stop"));
    Thread.currentThread().join();
  }
}
