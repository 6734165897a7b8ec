package io.github.reloadwatch.kubernetes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fix for fabric8 8.0.0's CRUD watches: closing a watch right after it opened, the moment the
 * mock sends it the current objects, leaves the server answering, and closing the server leaves
 * no thread.
 *
 * <p>Without the fix (fabric8's own {@code KubernetesCrudDispatcher}, as {@code new
 * KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new
 * KubernetesCrudDispatcher(), false)}), about one such close in four (8 of 30, measured on 2
 * cores) blocks the server's only event loop in {@code WatchEventsListener.onClosed} for 30 s:
 * the next request times out, Vert.x logs "Thread vert.x-eventloop-thread-0 has been blocked",
 * then "VertxMockWebSocket write did not complete within 30s", and a server shut down meanwhile
 * keeps its non-daemon threads. So {@link #watchClosedAsItOpens_leavesTheServerAnswering} fails
 * without the fix (4 runs in 4, in rounds 0 to 3; by the rate above, all but about once in 1,000
 * runs), and never with it: nothing on the event loop waits for a write any more, so there is no
 * race left to lose. Each round also changes the object right after the close: an event for
 * every watch still listed, the closing one included until its {@code onClosed} has run.
 *
 * <p>The two other tests check what a user of the kit relies on: informers stopped and started
 * again, a server shut down under open watches, and no thread left after.
 */
class WatchCloseTest {

  private static final String NAMESPACE = "test";
  private static final int ROUNDS = 25;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void watchClosedAsItOpens_leavesTheServerAnswering() {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      // given: an object, which the mock sends to every watch as soon as it opens
      api.putConfigMap(NAMESPACE, "app", Map.of("k", "v0"));
      KubernetesClient watching = api.client(NAMESPACE);
      // well under the 30 s a blocked event loop would take
      KubernetesClient checking = api.client(new ConfigBuilder(api.config(NAMESPACE))
          .withRequestTimeout(10_000).build());

      for (int i = 0; i < ROUNDS; i++) {
        // when: a watch closes while its first event is on its way
        Watch watch = watching.configMaps().withName("app").watch(new Ignore());
        watch.close();

        // then: the next requests are answered, a change (an event for every watch) included
        String value = "v" + i;
        assertThatCode(() -> {
          api.putConfigMap(NAMESPACE, "app", Map.of("k", value));
          assertThat(checking.configMaps().withName("app").get().getData())
              .containsEntry("k", value);
        }).as("round %d: requests right after a watch closed", i).doesNotThrowAnyException();
      }
    }
  }

  /** What a KubernetesMaterializer does on start() and close(): an informer on one name. */
  @Test
  void informersStoppedAsTheyStart_thenClose_leavesNoThread() {
    Set<Thread> before = live();
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      api.putConfigMap(NAMESPACE, "app", Map.of("k", "v0"));
      KubernetesClient client = api.client(NAMESPACE);
      for (int i = 1; i <= ROUNDS; i++) {
        // given: an informer that has its first event
        AtomicInteger events = new AtomicInteger();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().withName("app")
            .inform(new Count(events));
        await().atMost(WAIT).until(() -> events.get() > 0);

        // when: the object changes and the informer stops at once
        api.putConfigMap(NAMESPACE, "app", Map.of("k", "v" + i));
        informer.close();
      }

      // then: the server still answers, and a last informer gets the last version
      AtomicInteger events = new AtomicInteger();
      try (SharedIndexInformer<ConfigMap> informer = client.configMaps().withName("app")
          .inform(new Count(events))) {
        await().atMost(WAIT).until(() -> informer.getStore().list().stream()
            .anyMatch(cm -> ("v" + ROUNDS).equals(cm.getData().get("k"))));
      }
    }

    // and: the server's threads, the watches' sender threads and the closers are gone
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(left(before)).isEmpty());
  }

  /**
   * The other side: the server goes away while watches are open and events are on their way.
   * Real time: a shutdown stuck behind a blocked event loop would take 30 s and more.
   */
  @Test
  @Timeout(25)
  void serverShutDownUnderOpenWatches_stopsPromptly_andLeavesNoThread() {
    Set<Thread> before = live();
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      api.putConfigMap(NAMESPACE, "app", Map.of("k", "v0"));
      KubernetesClient client = api.client(NAMESPACE);
      for (int i = 0; i < 5; i++) {
        client.configMaps().withName("app").watch(new Ignore());
      }
      api.putConfigMap(NAMESPACE, "app", Map.of("k", "v1"));

      api.server().shutdown(); // the clients reconnect, in vain, until close() closes them
    }
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(left(before)).isEmpty());
  }

  private static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  /**
   * Threads started since {@code before} and still alive, but those that are not the server's
   * to stop: the JDK HttpClient's selector ends once the client is unreachable, fabric8's
   * process-wide timer 10 s after its last timer.
   */
  private static List<String> left(Set<Thread> before) {
    return live().stream().filter(t -> !before.contains(t)).map(Thread::getName)
        .filter(n -> !n.matches("HttpClient-\\d+-SelectorManager"))
        .filter(n -> !n.startsWith("CachedSingleThreadScheduler-"))
        .filter(n -> !n.startsWith("awaitility"))
        .sorted().toList();
  }

  private static final class Ignore implements Watcher<ConfigMap> {
    @Override
    public void eventReceived(Action action, ConfigMap resource) {}

    @Override
    public void onClose(WatcherException cause) {}
  }

  private static final class Count implements ResourceEventHandler<ConfigMap> {
    private final AtomicInteger events;

    Count(AtomicInteger events) {
      this.events = events;
    }

    @Override
    public void onAdd(ConfigMap obj) {
      events.incrementAndGet();
    }

    @Override
    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
      events.incrementAndGet();
    }

    @Override
    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
      events.incrementAndGet();
    }
  }
}
