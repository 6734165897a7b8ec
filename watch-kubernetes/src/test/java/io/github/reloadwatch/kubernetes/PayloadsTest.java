package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.github.reloadwatch.AtomicWriter.FileProjection;
import io.github.reloadwatch.kubernetes.ObjectRef.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kubelet's MakePayload for ConfigMap and Secret volumes, as {@link Payloads} renders it. */
class PayloadsTest {

  private static final ObjectRef CM = ObjectRef.of(Kind.CONFIG_MAP, "test", "app");
  private static final ObjectRef SECRET = ObjectRef.of(Kind.SECRET, "test", "db");

  private static ConfigMap configMap(Map<String, String> data, Map<String, String> binary) {
    return new ConfigMapBuilder().withNewMetadata().withName("app").endMetadata()
        .withData(new LinkedHashMap<>(data)).withBinaryData(new LinkedHashMap<>(binary)).build();
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Map<String, String> describe(List<FileProjection> files) {
    Map<String, String> result = new LinkedHashMap<>();
    for (FileProjection f : files) {
      result.put(f.path(), "0" + Integer.toOctalString(f.mode()) + " "
          + new String(f.content(), StandardCharsets.ISO_8859_1));
    }
    return result;
  }

  @Test
  void noItems_everyKeyOfDataAndBinaryData_withTheDefaultMode() throws Exception {
    ConfigMap cm = configMap(Map.of("b.txt", "bee", "a.yml", "a: 1"),
        Map.of("logo.bin", b64(new byte[] {(byte) 0xff, 0, 1})));

    List<FileProjection> files = Payloads.render(CM, cm, List.of(), 0640, false);

    assertThat(describe(files)).containsExactly(
        Map.entry("a.yml", "0640 a: 1"),
        Map.entry("b.txt", "0640 bee"),
        Map.entry("logo.bin", "0640 " + new String(new byte[] {(byte) 0xff, 0, 1},
            StandardCharsets.ISO_8859_1)));
  }

  @Test
  void items_onlyTheListedKeys_atTheirPaths_withTheirModes() throws Exception {
    ConfigMap cm = configMap(Map.of("app.yaml", "x: 1", "unlisted", "no"),
        Map.of("logo", b64("png".getBytes(StandardCharsets.UTF_8))));
    List<Item> items = List.of(new Item("app.yaml", "conf/app.yaml", 0600),
        new Item("logo", "img/logo.png", -1));

    List<FileProjection> files = Payloads.render(CM, cm, items, 0644, false);

    assertThat(describe(files)).containsExactly(
        Map.entry("conf/app.yaml", "0600 x: 1"),
        Map.entry("img/logo.png", "0644 png"));
  }

  @Test
  void items_missingKey_failsTheVersion_unlessOptional() throws Exception {
    ConfigMap cm = configMap(Map.of("present", "1"), Map.of());
    List<Item> items = List.of(new Item("present", "p", -1), new Item("missing", "m", -1));

    assertThatThrownBy(() -> Payloads.render(CM, cm, items, 0644, false))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("configmap test/app has no key missing listed in items");
    assertThat(describe(Payloads.render(CM, cm, items, 0644, true))).containsOnlyKeys("p");
  }

  @Test
  void keyInDataAndBinaryData_isRefused() {
    ConfigMap cm = configMap(Map.of("k", "text"), Map.of("k", b64(new byte[] {1})));
    assertThatThrownBy(() -> Payloads.render(CM, cm, List.of(), 0644, false))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessage("configmap test/app has key k in both data and binaryData, which the API"
            + " server forbids: keep it in one of them");
  }

  @Test
  void absentObject_rendersNoFiles() throws Exception {
    assertThat(Payloads.render(CM, null, List.of(), 0644, true)).isEmpty();
  }

  @Test
  void secret_valuesAreDecodedFromBase64() throws Exception {
    Secret secret = new SecretBuilder().withNewMetadata().withName("db").endMetadata()
        .withData(Map.of("password", b64("s3cr3t".getBytes(StandardCharsets.UTF_8)))).build();

    assertThat(describe(Payloads.render(SECRET, secret, List.of(), 0600, false)))
        .containsExactly(Map.entry("password", "0600 s3cr3t"));
  }

  @Test
  void secret_invalidBase64_isRefusedWithoutQuotingTheValue() {
    Secret secret = new SecretBuilder().withNewMetadata().withName("db").endMetadata()
        .withData(Map.of("password", "hunter2-not-base64!")).build();

    assertThatThrownBy(() -> Payloads.render(SECRET, secret, List.of(), 0600, false))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessage("secret test/db key password in data is not valid base64")
        .satisfies(e -> assertThat(e.toString()).doesNotContain("hunter2"))
        .hasNoCause();
  }
}
