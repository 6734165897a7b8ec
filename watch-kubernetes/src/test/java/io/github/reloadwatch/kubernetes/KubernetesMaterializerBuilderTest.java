package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One test per precondition of the builder, named {@code option_condition}. */
class KubernetesMaterializerBuilderTest {

  private static KubernetesMaterializer.Builder valid() {
    return KubernetesMaterializer.builder().configMap("prod", "app-config")
        .directory(Path.of("out"));
  }

  @Test
  void build_withoutObject() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().directory(Path.of("x")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no object to follow: call configMap(...) or secret(...) before build()");
  }

  @Test
  void build_withoutDirectory() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().configMap("app").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no directory: call directory(...) before build()");
  }

  @Test
  void build_withClientAndConfig() {
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(CrudApi.config("http://127.0.0.1:1/")).build()) {
      assertThatThrownBy(() -> valid().client(client).config(Config.empty()).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("both client(...) and config(...)");
    }
  }

  @Test
  void build_isPureAndRepeatable() {
    KubernetesMaterializer.Builder builder = valid();
    KubernetesMaterializer first = builder.build();
    KubernetesMaterializer second = builder.optional(true).build();
    assertThat(first).isNotSameAs(second);
    assertThat(first.status().state()).isEqualTo(MaterializerStatus.State.NEW);
    assertThat(first.directory()).isEqualTo(Path.of("out").toAbsolutePath().normalize());
    assertThat(Path.of("out")).doesNotExist(); // no I/O before start()
    assertThat(first.toString()).isEqualTo("KubernetesMaterializer{configmap prod/app-config -> "
        + Path.of("out").toAbsolutePath().normalize() + ", NEW}");
  }

  @Test
  void configMap_nameNotADnsSubdomain() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().configMap("prod", "App_Config"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("configmap name (App_Config) must be a DNS subdomain: lowercase letters,"
            + " digits, '-' and '.', at most 253 characters");
  }

  @Test
  void configMap_nameCarryingASelector() {
    // the name goes into fieldSelector=metadata.name=NAME: it must not be able to add to it
    assertThatThrownBy(() -> KubernetesMaterializer.builder().configMap("app,metadata.uid=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a DNS subdomain");
  }

  @Test
  void configMap_namespaceNotADnsLabel() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().configMap("prod.eu", "app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace (prod.eu) must be a DNS label: lowercase letters, digits and '-',"
            + " at most 63 characters");
  }

  @Test
  void configMap_refWithTwoSlashes() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().configMap("a/b/c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("configmap (a/b/c) must be NAME or NAMESPACE/NAME");
  }

  @Test
  void configMap_refWithNamespace() {
    KubernetesMaterializer m = KubernetesMaterializer.builder().configMap("prod/app")
        .directory(Path.of("out")).build();
    assertThat(m.status().source()).isEqualTo("configmap prod/app");
  }

  @Test
  void secret_null() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().secret(null))
        .isInstanceOf(NullPointerException.class).hasMessage("secret cannot be null");
  }

  @Test
  void directory_null() {
    assertThatThrownBy(() -> KubernetesMaterializer.builder().directory(null))
        .isInstanceOf(NullPointerException.class).hasMessage("directory cannot be null");
  }

  @Test
  void addItem_absolutePath() {
    assertThatThrownBy(() -> valid().addItem("app.yaml", "/etc/app.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item path (/etc/app.yaml) of key app.yaml must be relative, as in a pod's"
            + " volume items");
  }

  @Test
  void addItem_pathWithDotDot() {
    assertThatThrownBy(() -> valid().addItem("app.yaml", "conf/../../app.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain '..'");
  }

  @Test
  void addItem_pathStartingWithDotDot() {
    assertThatThrownBy(() -> valid().addItem("app.yaml", "..data"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not start with '..'");
  }

  @Test
  void addItem_invalidKey() {
    assertThatThrownBy(() -> valid().addItem("a/b", "ab"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item key (a/b) must consist of letters, digits, '-', '_' and '.', at most 253"
            + " characters");
  }

  @Test
  void addItem_pathUsedTwice() {
    assertThatThrownBy(() -> valid().addItem("a", "conf/x").addItem("b", "conf/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("item path (conf/x) of key b is already used by key a: choose another path");
  }

  @Test
  void addItem_modeOutOfRange() {
    assertThatThrownBy(() -> valid().addItem("a", "a", 01000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mode of item a (01000) must be within 0 and 0777 (octal)");
  }

  @Test
  void defaultMode_negative() {
    assertThatThrownBy(() -> valid().defaultMode(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultMode (-1) must be within 0 and 0777 (octal)");
  }

  @Test
  void antiEntropyInterval_negative() {
    assertThatThrownBy(() -> valid().antiEntropyInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("antiEntropyInterval (PT-1S) must not be negative");
  }

  @Test
  void staleAfter_zero() {
    assertThatThrownBy(() -> valid().staleAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("staleAfter (PT0S) must be positive");
  }

  @Test
  void startTimeout_null() {
    assertThatThrownBy(() -> valid().startTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessage("startTimeout cannot be null");
  }

  @Test
  void scheduler_null() {
    assertThatThrownBy(() -> valid().scheduler(null))
        .isInstanceOf(NullPointerException.class).hasMessage("scheduler cannot be null");
  }

  @Test
  void toBuilder_copiesTheConfiguration() {
    KubernetesMaterializer m = valid().optional(true).build();
    KubernetesMaterializer copy = m.toBuilder().build();
    assertThat(copy.status().source()).isEqualTo("configmap prod/app-config");
    assertThat(copy.directory()).isEqualTo(m.directory());
  }
}
