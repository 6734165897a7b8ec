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
}
