package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.reloadwatch.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A materializer's options, each with its default. {@link KubernetesMaterializer.Builder} writes
 * them on its own instance and {@code build()} hands out a {@link #copy()}; lists are immutable and
 * replaced, never changed, so a shallow copy is a full one.
 */
final class Settings implements Cloneable {

  /** Null: the fabric8 client is created (and closed) by the materializer. */
  KubernetesClient client;
  /** Null: {@link Config#autoConfigure(String)} when the materializer creates its client. */
  Config config;
  ObjectRef source;
  Path directory;
  boolean optional;
  List<Item> items = List.of();
  /** -1: the kind's default, 0644 for a ConfigMap and 0600 for a Secret. */
  int defaultMode = -1;
  Duration antiEntropyInterval = KubernetesMaterializer.DEFAULT_ANTI_ENTROPY_INTERVAL;
  Duration staleAfter = KubernetesMaterializer.DEFAULT_STALE_AFTER;
  Duration startTimeout = KubernetesMaterializer.DEFAULT_START_TIMEOUT;
  /** Null: timers on the materializer's own thread, on system time. */
  Scheduler scheduler;
  Path podNamespaceFile = Namespaces.POD_NAMESPACE_FILE;

  Settings copy() {
    try {
      return (Settings) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError("Settings is Cloneable", e);
    }
  }

  int mode() {
    return defaultMode >= 0 ? defaultMode : source.kind().defaultMode;
  }

  static <T> List<T> append(List<T> list, T element) {
    List<T> copy = new ArrayList<>(list);
    copy.add(element);
    return List.copyOf(copy);
  }
}
