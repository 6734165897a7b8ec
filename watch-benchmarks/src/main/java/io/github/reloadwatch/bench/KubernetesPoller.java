package io.github.reloadwatch.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;

/**
 * The baseline of {@link KubernetesBench}: a naive poller, as k8s-sidecar's named-resource mode
 * (which sleeps 60 s between GETs by default). It GETs the ConfigMap by name, sleeps for the
 * interval after each GET (a fixed delay, as the sidecar's sleep), and when the data differs from
 * what it last wrote writes each key to a file of its name (plain writes, not atomic), then
 * reports the {@code token} it wrote with {@link System#nanoTime()}.
 */
final class KubernetesPoller implements AutoCloseable {

  private final KubernetesClient client;
  private final String name;
  private final Path dir;
  private final Duration interval;
  private final ObjLongConsumer<String> saw;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-k8s-poller");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong gets = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private Map<String, String> written; // poller thread only

  KubernetesPoller(KubernetesClient client, String name, Path dir, Duration interval,
      ObjLongConsumer<String> saw) {
    this.client = client;
    this.name = name;
    this.dir = dir;
    this.interval = interval;
    this.saw = saw;
  }

  KubernetesPoller start() {
    thread.scheduleWithFixedDelay(this::poll, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    return this;
  }

  private void poll() {
    try {
      ConfigMap cm = client.configMaps().withName(name).get();
      gets.incrementAndGet();
      Map<String, String> data = cm == null || cm.getData() == null ? Map.of() : cm.getData();
      if (data.equals(written)) {
        return;
      }
      for (Map.Entry<String, String> e : data.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
      written = Map.copyOf(data);
      String token = data.get("token");
      if (token != null) {
        saw.accept(token, System.nanoTime());
      }
    } catch (IOException | RuntimeException e) {
      errors.incrementAndGet(); // a poller keeps polling; the run reports the count
    }
  }

  long gets() {
    return gets.get();
  }

  long errors() {
    return errors.get();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
