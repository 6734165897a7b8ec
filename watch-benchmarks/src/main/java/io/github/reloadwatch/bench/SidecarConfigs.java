package io.github.reloadwatch.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar command lines {@link SidecarBench} measures, and what they need for the whole run: a
 * loopback HTTP target, a process to signal that ignores SIGHUP, and (created on first use)
 * fabric8's mock API server with a kubeconfig pointing at it. Each sample gets a fresh directory.
 */
final class SidecarConfigs implements AutoCloseable {

  /**
   * One sample's command line.
   *
   * @param target where its reloads arrive, or null (the signal, counted from the log)
   */
  record Config(List<String> args, Map<String, String> env, SidecarSample.Target target,
      SidecarSample.Changer changer, boolean seesEveryChange, boolean reloadsAtStart) {
    /** How many changes to make: the signal configuration is measured for memory only. */
    int changes(int wanted) {
      return seesEveryChange ? wanted : 1;
    }
  }

  private final Path work;
  private final boolean reloadOnStart;
  private final SidecarSample.Target target;
  private Process ignoresHup;
  private KubernetesMockApi api;
  private Path kubeconfig;
  private int samples;

  /**
   * @param reloadOnStart the sidecar's default, true: then the start's own reload is awaited
   *     before the first change; false makes the first change the first reload of the process
   */
  SidecarConfigs(Path work, boolean reloadOnStart) throws Exception {
    this.work = work;
    this.reloadOnStart = reloadOnStart;
    this.target = new SidecarSample.Target();
    SidecarSample.get(target.port(), "/warm-up"); // this JVM's code, before any timing
    target.arrivals.clear();
  }

  Config prepare(String name, int run) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name + "-" + run + "-" + (++samples)));
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, "global:\n  scrape_interval: 1m\n", StandardCharsets.UTF_8);
    List<String> common = List.of("--reload-on-start=" + reloadOnStart, "--debounce", "0ms");
    switch (name) {
      case "http" -> {
        return new Config(concat(List.of("--watch", dir.toString(), "--url", target.url()),
            common), Map.of(), target,
            n -> SidecarSample.replace(file, "global:\n  scrape_interval: " + n + "s\n"), true,
            reloadOnStart);
      }
      case "signal" -> {
        return new Config(concat(List.of("--watch", dir.toString(), "--signal", "HUP", "--pid",
            Long.toString(hupIgnoringProcess())), common), Map.of(), null,
            n -> SidecarSample.replace(file, "global:\n  scrape_interval: " + n + "s\n"), false,
            reloadOnStart);
      }
      case "api" -> {
        startApi();
        ConfigMap[] current = {api.create("app-" + samples, SidecarBench.data(0))};
        Path materialized = dir.resolve("materialized");
        return new Config(concat(List.of("--from-configmap", "app-" + samples, "--materialize",
            materialized.toString(), "--url", target.url()), common),
            Map.of("KUBECONFIG", kubeconfig.toString()), target, n -> {
              long before = System.nanoTime();
              current[0] = api.replace(current[0], SidecarBench.data(n));
              return before;
            }, true, reloadOnStart);
      }
      default -> throw new IllegalArgumentException("unknown configuration " + name
          + ": use http, signal or api");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** A child that ignores SIGHUP (the disposition survives exec), so signalling it is harmless. */
  private long hupIgnoringProcess() throws Exception {
    if (ignoresHup == null || !ignoresHup.isAlive()) {
      ignoresHup = new ProcessBuilder("sh", "-c", "trap '' HUP; exec sleep 3600").start();
    }
    return ignoresHup.pid();
  }

  private void startApi() throws Exception {
    if (api != null) {
      return;
    }
    api = new KubernetesMockApi();
    String master = api.client().getConfiguration().getMasterUrl();
    kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n"
        + "clusters:\n- name: mock\n  cluster:\n    server: " + master + "\n"
        + "users:\n- name: mock\n  user:\n    token: bench\n"
        + "contexts:\n- name: mock\n  context:\n    cluster: mock\n    user: mock\n"
        + "    namespace: " + KubernetesMockApi.NAMESPACE + "\n"
        + "current-context: mock\n", StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    target.close();
    if (ignoresHup != null) {
      ignoresHup.destroy();
      try {
        ignoresHup.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (api != null) {
      api.close();
    }
  }
}
