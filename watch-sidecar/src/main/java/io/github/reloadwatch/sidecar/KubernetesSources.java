package io.github.reloadwatch.sidecar;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.github.reloadwatch.kubernetes.KubernetesForbiddenException;
import io.github.reloadwatch.kubernetes.KubernetesMaterializer;
import io.github.reloadwatch.kubernetes.KubernetesNotFoundException;
import io.github.reloadwatch.kubernetes.MaterializerStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@code --from-configmap} and {@code --from-secret} objects: one {@link
 * KubernetesMaterializer} each, all on one fabric8 client created from the standard places
 * ({@code KUBECONFIG}, {@code ~/.kube/config}, the pod's service account) on the JDK HTTP client,
 * and closed last. With {@link KubernetesMetrics}, the only code of the sidecar that touches
 * watch-kubernetes and fabric8; {@link SidecarRun} refers to it only when a {@code --from-*}
 * option is given, so a sidecar without them never loads a fabric8 class (start-up time, memory).
 *
 * <p>Life: the constructor checks the references (bad ones are usage errors); {@link #start()}
 * or {@link #syncOnce()} creates the client and writes every object, failing with a message that
 * names the object, the namespace and, on a 403, the RBAC rule; {@link #close()} stops the
 * materializers and closes the client. Thread-safe: probes and scrapes read {@link #health} and
 * {@link #statuses()} from their threads.
 */
final class KubernetesSources implements AutoCloseable {

  private final List<ApiObject> objects;
  private final List<KubernetesMaterializer.Builder> builders;
  private final Supplier<Config> config;
  /** Appended by the starting thread, read by probe and scrape threads. */
  private final List<KubernetesMaterializer> materializers = new CopyOnWriteArrayList<>();
  private final Map<String, Instant> unhealthySince = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile KubernetesClient client;

  /**
   * @param config where the client's configuration comes from: {@code Config.autoConfigure(null)}
   *     in the sidecar, a mock API server's in tests
   * @throws UsageException if a name or namespace is not one the API server accepts
   */
  KubernetesSources(List<ApiObject> objects, Supplier<Config> config) {
    this.objects = List.copyOf(objects);
    this.config = config;
    List<KubernetesMaterializer.Builder> all = new ArrayList<>();
    for (ApiObject object : objects) {
      KubernetesMaterializer.Builder b =
          KubernetesMaterializer.builder().directory(object.directory());
      UsageException.forOption(object.kind().option, () -> object.kind() == ApiObject.Kind.SECRET
          ? b.secret(object.ref()) : b.configMap(object.ref()));
      all.add(b);
    }
    this.builders = List.copyOf(all);
  }

  /** The sidecar's: the client configures itself from the standard places. */
  static KubernetesSources fromOptions(List<ApiObject> objects) {
    return new KubernetesSources(objects, () -> Config.autoConfigure(null));
  }

  /**
   * Creates the client, then reads and writes every object and keeps watching each. When this
   * returns, every directory holds its object's current version.
   *
   * @throws IOException with a message naming the object and its namespace (and, on a 403, the
   *     RBAC rule to grant) if an object cannot be read or does not exist; everything started is
   *     closed again
   */
  void start() throws IOException {
    try {
      for (KubernetesMaterializer m : build()) {
        m.start();
        MaterializerStatus status = m.status();
        if (!status.ready()) {
          throw new IOException(notReady(status));
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw failure(e);
    }
  }

  /**
   * Reads and writes every object once, without watching (an init container).
   *
   * @throws IOException as for {@link #start()}
   */
  void syncOnce() throws IOException {
    try {
      for (KubernetesMaterializer m : build()) {
        try {
          m.syncOnce();
        } catch (KubernetesNotFoundException e) {
          throw new IOException(notFound(m.status()), e);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw failure(e);
    } finally {
      close();
    }
  }

  private List<KubernetesMaterializer> build() throws IOException {
    if (closed.get()) {
      throw new IOException("stopped before the Kubernetes objects were read");
    }
    KubernetesClient c = client();
    List<KubernetesMaterializer> built = new ArrayList<>();
    for (KubernetesMaterializer.Builder b : builders) {
      KubernetesMaterializer m = b.client(c).build();
      materializers.add(m);
      built.add(m);
    }
    return built;
  }

  private KubernetesClient client() throws IOException {
    Config c;
    try {
      c = config.get();
      client = new KubernetesClientBuilder().withConfig(c)
          .withHttpClientFactory(new JdkHttpClientFactory()).build();
    } catch (RuntimeException e) {
      // its message may quote the kubeconfig, credentials included: name the type only
      throw new IOException("cannot configure the Kubernetes client ("
          + e.getClass().getSimpleName() + "): check KUBECONFIG, ~/.kube/config, or the pod's"
          + " service account token", e);
    }
    Sidecar.logger().info("reading {} from the Kubernetes API at {} (default namespace {})",
        objects.stream().map(ApiObject::describe).toList(), c.getMasterUrl(),
        c.getNamespace() == null ? "none: the pod's" : c.getNamespace());
    return client;
  }

  /** A failure as the start-up message: forbidden and API errors are the module's own words. */
  private static IOException failure(Exception e) {
    if (e instanceof KubernetesForbiddenException forbidden) {
      return forbidden;
    }
    if (e instanceof IOException io) {
      return io;
    }
    return new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
  }

  private static String notReady(MaterializerStatus status) {
    if (status.missing()) {
      return notFound(status);
    }
    String reason = status.degradedReason().orElse("");
    return status.source() + " could not be written: "
        + (reason.isEmpty() ? status.lastError().orElse("no version written") : reason);
  }

  private static String notFound(MaterializerStatus status) {
    KubernetesMetrics.ObjectLabels object = KubernetesMetrics.ObjectLabels.of(status);
    return status.source() + " not found: create " + object.kind() + " " + object.name()
        + " in namespace " + object.namespace() + ", or fix --from-" + object.kind()
        + " (NAMESPACE/NAME for another namespace)";
  }

  /** Every started materializer's status, in the order of the options. */
  List<MaterializerStatus> statuses() {
    return materializers.stream().map(KubernetesMaterializer::status).toList();
  }

  /** Registers the per-object metrics; they read {@link #statuses()} at every scrape. */
  void registerMetrics(PrometheusRegistry registry) {
    KubernetesMetrics.register(registry, this::statuses);
  }

  /**
   * Each object as the probes see it now. An object is unhealthy while its materializer runs but
   * its watch is disconnected, silent for too long, or it has nothing written yet; the time is
   * counted from the first probe that saw it so.
   */
  List<HealthCheck.Source> health(Instant now) {
    List<HealthCheck.Source> result = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      ApiObject object = objects.get(i);
      if (i >= materializers.size()) {
        result.add(new HealthCheck.Source(object.describe(), false, null, null));
        continue;
      }
      MaterializerStatus s = materializers.get(i).status();
      boolean unhealthy = s.state() == MaterializerStatus.State.RUNNING && !s.healthy();
      Instant since = unhealthy ? unhealthySince.computeIfAbsent(object.flag(), k -> now) : null;
      if (!unhealthy) {
        unhealthySince.remove(object.flag());
      }
      result.add(new HealthCheck.Source(s.source(), s.ready(), since, detail(s)));
    }
    return result;
  }

  /** Why an object is unhealthy or degraded, from its status; null if it is neither. */
  static String detail(MaterializerStatus s) {
    List<String> why = new ArrayList<>();
    if (s.state() == MaterializerStatus.State.RUNNING && !s.connected()) {
      why.add("the watch is disconnected" + s.lastError().map(e -> " (" + e + ")").orElse(""));
    } else if (s.stale()) {
      why.add("the watch has been silent since "
          + s.lastWatchContact().map(Instant::toString).orElse("start"));
    }
    s.degradedReason().ifPresent(why::add);
    return why.isEmpty() ? null : String.join("; ", why);
  }

  /** Stops every materializer, then closes the client. Idempotent; callable from any thread. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (int i = materializers.size() - 1; i >= 0; i--) {
      materializers.get(i).close();
    }
    KubernetesClient c = client;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return "KubernetesSources" + objects.stream().map(ApiObject::flag).toList();
  }
}
