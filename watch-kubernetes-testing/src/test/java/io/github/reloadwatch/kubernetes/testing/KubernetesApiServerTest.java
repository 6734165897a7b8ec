package io.github.reloadwatch.kubernetes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the kit promises its users, mode by mode. */
class KubernetesApiServerTest {

  private static final String NS = "test";
  private static final String APP = "/api/v1/namespaces/test/configmaps/app";
  private static final String APP_WATCH = "/api/v1/namespaces/test/configmaps?"
      + "allowWatchBookmarks=true&fieldSelector=metadata.name%3Dapp&watch=true";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;

  @Test
  void putConfigMap_createsThenReplacesTheData_keepingAnnotations() {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      KubernetesClient client = api.client(NS);

      String v1 = api.putConfigMap(NS, "app", Map.of("a", "1", "b", "2"));
      String annotated = api.annotateConfigMap(NS, "app", "example.com/owner", "team");
      String v2 = api.putConfigMap(NS, "app", Map.of("a", "3"));

      assertThat(List.of(v1, annotated, v2)).doesNotHaveDuplicates();
      ConfigMap stored = client.configMaps().withName("app").get();
      assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(v2);
      assertThat(stored.getData()).containsExactly(Map.entry("a", "3"));
      assertThat(stored.getMetadata().getAnnotations()).containsEntry("example.com/owner", "team");
    }
  }

  @Test
  void replaceConfigMap_isOnePut_fromTheVersionItReplaces() throws Exception {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      String v1 = api.putConfigMap(NS, "app", Map.of("k", "v1"));
      int before = api.requestCount();

      String v2 = api.replaceConfigMap(NS, "app", v1, Map.of("k", "v2"));

      assertThat(api.requestCount() - before).isEqualTo(1);
      assertThat(v2).isNotEqualTo(v1);
      assertThat(api.client(NS).configMaps().withName("app").get().getData())
          .containsExactly(Map.entry("k", "v2"));
    }
  }

  @Test
  void putSecret_storesTheValuesBase64Encoded() {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      String rv = api.putSecret(NS, "db", Map.of("password", "hunter2"));

      var stored = api.client(NS).secrets().withName("db").get();
      assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(rv);
      assertThat(stored.getData()).containsExactly(Map.entry("password",
          Base64.getEncoder().encodeToString("hunter2".getBytes(StandardCharsets.UTF_8))));
    }
  }

  @Test
  void put_writesAnyObjectWhole_andLeavesTheArgumentAlone() {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      ConfigMap binary = new ConfigMapBuilder().withNewMetadata().withName("app")
          .addToLabels("tier", "web").endMetadata()
          .addToBinaryData("blob", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2}))
          .build();
      api.putConfigMap(NS, "app", Map.of("old", "x"));

      ConfigMap stored = api.put(NS, binary);

      assertThat(stored.getData()).isNullOrEmpty();
      assertThat(stored.getBinaryData()).containsOnlyKeys("blob");
      assertThat(stored.getMetadata().getLabels()).containsEntry("tier", "web");
      assertThat(stored.getMetadata().getNamespace()).isEqualTo(NS);
      assertThat(binary.getMetadata().getNamespace()).as("the argument").isNull();
      assertThat(binary.getMetadata().getResourceVersion()).as("the argument").isNull();
    }
  }

  @Test
  void delete_removesTheObject_andAMissingOneIsFine() {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      api.putConfigMap(NS, "app", Map.of("k", "v"));
      api.putSecret(NS, "db", Map.of("k", "v"));

      api.deleteConfigMap(NS, "app");
      api.deleteSecret(NS, "db");
      api.deleteConfigMap(NS, "app");

      assertThat(api.client(NS).configMaps().withName("app").get()).isNull();
      assertThat(api.client(NS).secrets().withName("db").get()).isNull();
      assertThatThrownBy(() -> api.annotateConfigMap(NS, "app", "k", "v"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no configmap test/app to annotate: put it first");
    }
  }

  @Test
  void takeRequests_listsWhatTheCodeUnderTestAsked_notTheAdmin() throws Exception {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      api.putConfigMap(NS, "app", Map.of("k", "v"));
      api.client(NS).configMaps().withName("app").get();
      api.putConfigMap(NS, "app", Map.of("k", "v2"));

      List<RecordedRequest> requests = api.takeRequests();

      assertThat(requests).extracting(r -> r.getMethod() + " " + r.getPath())
          .containsExactly("GET " + APP);
      assertThat(api.takeRequests()).as("taken already").isEmpty();
      assertThat(api.requestCount()).as("the admin's count").isEqualTo(5);
    }
  }

  @Test
  void writeKubeconfig_pointsAClientAtTheServer_inTheNamespace() throws Exception {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      api.putConfigMap("prod", "app", Map.of("k", "v"));

      Path file = api.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");

      assertThat(file).isEqualTo(tmp.resolve("kubeconfig"));
      Config config = Config.fromKubeconfig(Files.readString(file));
      assertThat(config.getMasterUrl()).startsWith(api.url());
      assertThat(config.getNamespace()).isEqualTo("prod");
      assertThat(api.client(config).configMaps().withName("app").get().getData())
          .containsEntry("k", "v");
    }
  }

  @Test
  void url_isTheLoopbackAddress_andThePort() throws Exception {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      URI url = URI.create(api.url());

      assertThat(InetAddress.getByName(url.getHost()).isLoopbackAddress()).isTrue();
      assertThat(url.getHost()).isNotEqualTo("localhost");
      assertThat(url.getPort()).isEqualTo(api.port()).isPositive();
      assertThat(url.getPath()).isEmpty();
      assertThat(api).hasToString("KubernetesApiServer{crud, " + api.url() + "}");
    }
  }

  @Test
  void holdGets_holdsTheGetUntilTheLatchIsCountedDown() throws Exception {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      api.putConfigMap(NS, "app", Map.of("k", "v"));
      KubernetesClient client = api.client(NS);
      int before = api.requestCount();

      CountDownLatch release = api.holdGets(APP);
      CompletableFuture<ConfigMap> get =
          CompletableFuture.supplyAsync(() -> client.configMaps().withName("app").get());

      await().atMost(WAIT).until(() -> api.requestCount() > before);
      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !get.isDone());
      release.countDown();
      assertThat(get.get(WAIT.toSeconds(), TimeUnit.SECONDS).getData()).containsEntry("k", "v");
    }
  }

  @Test
  void scripted_answersWhatIsExpected_andRefusesAsAnApiServer() {
    try (KubernetesApiServer api = KubernetesApiServer.scripted()) {
      api.expect().get().withPath(APP).andReturn(200, new ConfigMapBuilder().withNewMetadata()
          .withName("app").withResourceVersion("7").endMetadata().addToData("k", "v").build())
          .once();
      api.expect().get().withPath(APP)
          .andReturn(403, ApiStatuses.forbidden(NS, "app", "get", "configmaps", "app")).always();
      KubernetesClient client = api.client(NS);

      assertThat(client.configMaps().withName("app").get().getMetadata().getResourceVersion())
          .isEqualTo("7");
      assertThatThrownBy(() -> client.configMaps().withName("app").get())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(403);
            assertThat(e.getStatus().getMessage()).isEqualTo("configmaps \"app\" is forbidden:"
                + " User \"system:serviceaccount:test:app\" cannot get resource \"configmaps\""
                + " in API group \"\" in the namespace \"test\"");
          });
      assertThat(client.secrets().withName("unexpected").get()).as("a 404").isNull();
    }
  }

  @Test
  void apiStatuses_areWhatAnApiServerSends() {
    Status notFound = ApiStatuses.notFound("secrets", "db");
    assertThat(notFound.getCode()).isEqualTo(404);
    assertThat(notFound.getReason()).isEqualTo("NotFound");
    assertThat(notFound.getMessage()).isEqualTo("secrets \"db\" not found");

    var gone = ApiStatuses.gone();
    assertThat(gone.getType()).isEqualTo("ERROR");
    assertThat(gone.getObject()).isInstanceOfSatisfying(Status.class, s -> {
      assertThat(s.getCode()).isEqualTo(410);
      assertThat(s.getReason()).isEqualTo("Expired");
    });
  }

  @Test
  void silentWatch_opensAndSendsNothing() throws Exception {
    try (KubernetesApiServer api = KubernetesApiServer.scripted()) {
      api.silentWatch(APP_WATCH);
      AtomicInteger calls = new AtomicInteger();

      Watch watch = api.client(NS).configMaps().withName("app").watch(new Watcher<ConfigMap>() {
        @Override
        public void eventReceived(Action action, ConfigMap resource) {
          calls.incrementAndGet();
        }

        @Override
        public void onClose(WatcherException cause) {
          calls.incrementAndGet();
        }
      });

      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> calls.get() == 0);
      watch.close();
      assertThat(api.takeRequests()).extracting(RecordedRequest::getPath).containsExactly(APP_WATCH);
    }
  }

  @Test
  void eachModesMethods_failOnTheOther_sayingWhy() {
    try (KubernetesApiServer crud = KubernetesApiServer.crud();
        KubernetesApiServer scripted = KubernetesApiServer.scripted()) {
      assertThatThrownBy(crud::expect).isInstanceOf(IllegalStateException.class)
          .hasMessage("expect() needs a scripted server: a CRUD server answers from its store");
      assertThatThrownBy(() -> crud.silentWatch(APP_WATCH))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> scripted.holdGets(APP)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("needs a CRUD server").hasMessageContaining("delay");
      assertThat(scripted).hasToString("KubernetesApiServer{scripted, " + scripted.url() + "}");
    }
  }

  @Test
  void close_isIdempotent_closesTheClients_andNoClientAfterwards() {
    KubernetesApiServer api = KubernetesApiServer.crud();
    KubernetesClient client = api.client();
    assertThat(client.getNamespace()).isEqualTo(KubernetesApiServer.DEFAULT_NAMESPACE);

    api.close();
    api.close();

    assertThatThrownBy(() -> client.configMaps().list()).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> api.client(NS)).isInstanceOf(IllegalStateException.class)
        .hasMessage("server already closed");
  }

  @Test
  void arguments_null_areNamed() {
    try (KubernetesApiServer api = KubernetesApiServer.crud()) {
      assertThatThrownBy(() -> api.putConfigMap(null, "app", Map.of()))
          .isInstanceOf(NullPointerException.class).hasMessage("namespace cannot be null");
      assertThatThrownBy(() -> api.putSecret(NS, null, Map.of()))
          .isInstanceOf(NullPointerException.class).hasMessage("name cannot be null");
      assertThatThrownBy(() -> api.replaceConfigMap(NS, "app", null, Map.of()))
          .isInstanceOf(NullPointerException.class).hasMessage("resourceVersion cannot be null");
      assertThatThrownBy(() -> api.client((String) null))
          .isInstanceOf(NullPointerException.class).hasMessage("namespace cannot be null");
      assertThatThrownBy(() -> api.holdGets(null))
          .isInstanceOf(NullPointerException.class).hasMessage("path cannot be null");
      assertThatThrownBy(() -> KubernetesApiServer.clientConfig(null, NS))
          .isInstanceOf(NullPointerException.class).hasMessage("masterUrl cannot be null");
    }
  }
}
