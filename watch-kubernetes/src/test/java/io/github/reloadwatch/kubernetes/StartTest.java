package io.github.reloadwatch.kubernetes;

import static io.github.reloadwatch.kubernetes.ScriptedApi.configMap;
import static io.github.reloadwatch.kubernetes.ScriptedApi.listOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.reloadwatch.AtomicWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link KubernetesMaterializer#start()} reads first, and how it fails: the quorum GET and
 * the seeded informer (never a list from the watch cache, so a restarted sidecar never goes
 * backwards), a 403 that names the RBAC rule, and where the namespace comes from.
 */
@Tag("filesystem")
class StartTest {

  @TempDir Path tmp;

  @Test
  void restartWithANewerDirectory_neverGoesBackToALaggingWatchCache() throws Exception {
    // given: the previous sidecar wrote v2; the API server's watch cache still has v1
    Path dir = tmp.resolve("app");
    AtomicWriter.forDirectory(dir).write(Map.of("app.yaml", "v2".getBytes(StandardCharsets.UTF_8)));
    String version = Volumes.version(dir);
    ConfigMap v1 = configMap("app", "10", Map.of("app.yaml", "v1"));
    ConfigMap v2 = configMap("app", "20", Map.of("app.yaml", "v2"));
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReturn(200, v2).always();
      api.server.expect().get().withPath(ScriptedApi.cachedList("configmaps", "app"))
          .andReturn(200, listOf("10", v1)).always();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(200, listOf("20", v2)).always();
      api.silentWatch(ScriptedApi.watch("configmaps", "app", "10"));
      api.silentWatch(ScriptedApi.watch("configmaps", "app", "20"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(dir).build()) {

        // when
        m.start();

        // then: every read was a quorum read, and the directory was never touched
        assertThat(api.requests())
            .containsExactly("GET " + ScriptedApi.get("configmaps", "app"),
                "GET " + ScriptedApi.list("configmaps", "app"),
                "GET " + ScriptedApi.watch("configmaps", "app", "20"))
            .noneMatch(r -> r.contains("resourceVersion=0"));
        assertThat(Volumes.version(dir)).isEqualTo(version);
        assertThat(Volumes.read(dir.resolve("app.yaml"))).isEqualTo("v2");
        assertThat(m.status().writes()).isZero();
        assertThat(m.status().ready()).isTrue();
        assertThat(m.status().resourceVersion()).hasValue("20");
      }
    }
  }

  @Test
  void forbiddenGet_failsFast_namingTheRule() throws Exception {
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReturn(403, ScriptedApi.forbidden("get", "configmaps", "app")).always();
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("app")).build();

      assertThatThrownBy(m::start)
          .isInstanceOf(KubernetesForbiddenException.class)
          .hasMessage("forbidden (403): cannot get configmaps \"app\" in namespace \"test\":"
              + " grant a Role with apiGroups [\"\"], resources [\"configmaps\"], resourceNames"
              + " [\"app\"], verbs [\"get\", \"list\", \"watch\"] in namespace \"test\" and bind it"
              + " to the service account")
          .satisfies(e -> {
            KubernetesForbiddenException f = (KubernetesForbiddenException) e;
            assertThat(f.verb()).isEqualTo("get");
            assertThat(f.resource()).isEqualTo("configmaps");
            assertThat(f.name()).isEqualTo("app");
            assertThat(f.namespace()).isEqualTo("test");
            assertThat(f.code()).isEqualTo(403);
          });
      assertThat(m.status().state()).isEqualTo(MaterializerStatus.State.CLOSED);
      assertThat(Threads.ours()).isEmpty();
    }
  }

  @Test
  void forbiddenList_failsFast_namingTheVerb() throws Exception {
    ConfigMap v1 = configMap("app", "1", Map.of("app.yaml", "v1"));
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReturn(200, v1).always();
      api.server.expect().get().withPath(ScriptedApi.list("configmaps", "app"))
          .andReturn(403, ScriptedApi.forbidden("list", "configmaps", "app")).always();
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("app")).build();

      assertThatThrownBy(m::start)
          .isInstanceOf(KubernetesForbiddenException.class)
          .hasMessageStartingWith("forbidden (403): cannot list configmaps \"app\" in namespace"
              + " \"test\": grant a Role");
      assertThat(Threads.ours()).isEmpty();
    }
  }

  @Test
  void forbiddenSecret_namesTheSecretsResource() throws Exception {
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("secrets", "db"))
          .andReturn(403, ScriptedApi.forbidden("get", "secrets", "db")).always();
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .secret("db").directory(tmp.resolve("db")).build();

      assertThatThrownBy(m::start)
          .isInstanceOf(KubernetesForbiddenException.class)
          .hasMessageContaining("cannot get secrets \"db\" in namespace \"test\"")
          .hasMessageContaining("resources [\"secrets\"], resourceNames [\"db\"]");
    }
  }

  @Test
  void unauthorized_failsFast_namingTheCredentials() throws Exception {
    try (ScriptedApi api = new ScriptedApi()) {
      api.server.expect().get().withPath(ScriptedApi.get("configmaps", "app"))
          .andReturn(401, "Unauthorized").always();
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("app")).build();

      assertThatThrownBy(m::start)
          .isInstanceOf(KubernetesApiException.class)
          .hasMessageStartingWith("cannot get configmap test/app: HTTP 401")
          .hasMessageEndingWith("the credentials were refused; check the kubeconfig user or the"
              + " service account token")
          .satisfies(e -> assertThat(((KubernetesApiException) e).code()).isEqualTo(401));
    }
  }

  @Test
  void unreachableApi_failsFast() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(CrudApi.config("http://127.0.0.1:" + closedPort + "/"))
        .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory())
        .build()) {
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(client)
          .configMap("app").directory(tmp.resolve("app")).build();

      assertThatThrownBy(m::start)
          .isInstanceOf(KubernetesApiException.class)
          .hasMessageStartingWith("cannot get configmap test/app: ")
          .hasMessageEndingWith("check that the API server is reachable (kubeconfig server URL,"
              + " network policy)")
          .satisfies(e -> assertThat(((KubernetesApiException) e).code()).isZero());
    }
  }

  @Test
  void namespace_fromTheClient() throws Exception {
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("k", "v"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
          .configMap("app").directory(tmp.resolve("app")).build()) {
        m.start();
        assertThat(m.status().source()).isEqualTo("configmap test/app");
        assertThat(Volumes.read(tmp.resolve("app/k"))).isEqualTo("v");
      }
    }
  }

  @Test
  void namespace_fromThePod_whenTheClientHasNone() throws Exception {
    Path podFile = Files.writeString(tmp.resolve("namespace"), "test\n");
    try (CrudApi api = new CrudApi()) {
      api.putConfigMap("app", Map.of("k", "v"));
      KubernetesClient noNamespace = api.client(
          new ConfigBuilder(CrudApi.config(api.server.url("/"))).withNamespace(null).build());
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(noNamespace)
          .configMap("app").directory(tmp.resolve("app")).podNamespaceFile(podFile).build()) {
        m.start();
        assertThat(m.status().source()).isEqualTo("configmap test/app");
      }
    }
  }

  @Test
  void namespace_nowhere_failsNamingTheWaysToGiveOne() throws Exception {
    try (CrudApi api = new CrudApi()) {
      KubernetesClient noNamespace = api.client(
          new ConfigBuilder(CrudApi.config(api.server.url("/"))).withNamespace(null).build());
      KubernetesMaterializer m = KubernetesMaterializer.builder().client(noNamespace)
          .configMap("app").directory(tmp.resolve("app"))
          .podNamespaceFile(tmp.resolve("no-such-file")).build();

      assertThatThrownBy(m::start)
          .isExactlyInstanceOf(IOException.class)
          .hasMessage("no namespace for configmap app: give it as NAMESPACE/NAME, set a namespace"
              + " in the kubeconfig context, or run in a pod (which has [" + tmp.resolve("no-such-file")
              + "])");
    }
  }
}
