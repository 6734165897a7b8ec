package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validates deploy/kubernetes offline against the Kubernetes schemas with deploy/validate
 * (kubernetes-models, installed by {@code npm ci --prefix deploy/validate}), and shows that a
 * broken copy fails. Without node or the installed package the test skips, or fails under CI.
 */
class ManifestValidationTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path SCRIPT = ROOT.resolve("deploy/validate/validate.mjs");
  private static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");

  @TempDir Path tmp;

  private static Path node() {
    Path node = PrometheusProcess.binary("node");
    if (!Files.isDirectory(ROOT.resolve("deploy/validate/node_modules/kubernetes-models"))) {
      String why = "deploy/validate is not installed: run npm ci --prefix deploy/validate";
      if (System.getenv("CI") != null) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    return node;
  }

  private record Result(int exit, String output) {}

  private static Result validate(Path manifests) throws Exception {
    Process p = new ProcessBuilder(node().toString(), SCRIPT.toString(), manifests.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  @Test
  void manifests_areValid() throws Exception {
    Result result = validate(MANIFESTS);
    assertThat(result.output()).contains("0 problem(s)");
    assertThat(result.exit()).isZero();
  }

  @Test
  void aBrokenCopy_fails() throws Exception {
    String manifest = Files.readString(MANIFESTS.resolve("prometheus-with-reloadwatch.yaml"));
    Path broken = Files.writeString(tmp.resolve("broken.yaml"), manifest
        .replace("containerPort: 9090", "containerPort: \"web\"")    // wrong type
        .replace("- name: reloadwatch", "- nmae: reloadwatch")       // required field missing
        .replaceFirst("livenessProbe:", "livenesProbe:"));           // a probe lost to a typo
    Result result = validate(broken);
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.output())
        .contains("containerPort must be integer")
        .contains("must have required property name")
        .contains("container prometheus has no livenessProbe");
  }

  /** #10: the native-sidecar manifest's own rules (least privilege, startup order, the mount). */
  @Test
  void aBrokenCopyOfTheFromApiManifest_fails() throws Exception {
    String manifest = Files.readString(MANIFESTS.resolve("prometheus-from-api.yaml"));
    assertThat(validate(MANIFESTS).output()).contains("0 problem(s)");
    Path broken = Files.writeString(tmp.resolve("broken.yaml"), manifest
        .replace("verbs: [\"get\", \"list\", \"watch\"]",
            "verbs: [\"get\", \"list\", \"watch\", \"update\"]")
        .replace("    resourceNames: [\"prometheus-config\"]\n", "")
        .replace("automountServiceAccountToken: false   # Prometheus",
            "automountServiceAccountToken: true   # Prometheus")
        .replaceFirst("startupProbe:", "startupProbes:")                 // typos: no probes
        .replace("livenessProbe:\n            httpGet: {path: /healthz",
            "livenesProbe:\n            httpGet: {path: /healthz")
        .replace("--materialize=/etc/prometheus", "--materialize=/etc/prom")
        .replace("emptyDir: {medium: Memory, sizeLimit: 8Mi}", "emptyDir: {}")
        .replace("--from-configmap=prometheus-config", "--from-secret=prometheus-config"));
    Result result = validate(broken);
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.output())
        .contains("rules[0] on configmaps grants update: reading needs only get, list, watch")
        .contains("rules[0] on configmaps has no resourceNames")
        .contains("init container reloadwatch (a native sidecar) has no livenessProbe")
        .contains("init container reloadwatch is a native sidecar without a startupProbe")
        .contains("the token of service account prometheus-config-reader is mounted into every"
            + " container")
        .contains("container reloadwatch reads secrets \"prometheus-config\" in namespace"
            + " monitoring, but no Role bound to service account prometheus-config-reader there"
            + " grants get, list, watch on it")
        .contains("--materialize /etc/prom is not an emptyDir volume mounted there");

    Path onDisk = Files.writeString(tmp.resolve("on-disk.yaml"), manifest
        .replace("--from-configmap=prometheus-config", "--from-secret=prometheus-config")
        .replace("resources: [\"configmaps\"]", "resources: [\"secrets\"]")
        .replace("emptyDir: {medium: Memory, sizeLimit: 8Mi}", "emptyDir: {}"));
    assertThat(validate(onDisk).output()).contains("--materialize /etc/prometheus holds a Secret"
        + " but its emptyDir is not medium: Memory").contains("1 problem(s)");
  }
}
