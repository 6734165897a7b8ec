package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateRendererTest {

  @TempDir Path tmp;

  private static final Map<String, String> ENV =
      Map.of("REMOTE_URL", "https://metrics.example", "EMPTY", "");

  private static String render(String template) throws Exception {
    return new String(
        new TemplateRenderer(ENV::get, true).render(template, "t.yml").output(),
        StandardCharsets.UTF_8);
  }

  @Test
  void environmentVariables_areSubstituted() throws Exception {
    assertThat(render("url: ${REMOTE_URL}/write")).isEqualTo("url: https://metrics.example/write");
  }

  @Test
  void fileReferences_readTheFileWithoutItsTrailingNewline() throws Exception {
    Path secret = Files.writeString(tmp.resolve("password"), "s3cr3t\n");
    assertThat(render("password: ${file:" + secret + "}")).isEqualTo("password: s3cr3t");
  }

  @Test
  void defaults_applyToUnsetAndEmptyValues() throws Exception {
    assertThat(render("a: ${UNSET:-fallback} b: ${EMPTY:-e} c: ${file:/no/such:-none}"))
        .isEqualTo("a: fallback b: e c: none");
  }

  @Test
  void escapesAndForeignSyntax_areKept() throws Exception {
    assertThat(render("literal $${REMOTE_URL}, regex ${1}:9100, spaced ${ X }, {{ .Labels }}"))
        .isEqualTo("literal ${REMOTE_URL}, regex ${1}:9100, spaced ${ X }, {{ .Labels }}");
  }

  @Test
  void strictMode_namesFileLineAndVariable_neverAValue() {
    assertThatThrownBy(() -> render("a: ${REMOTE_URL}\nb: ${MISSING_TOKEN}\n"))
        .isInstanceOf(TemplateRenderer.UnresolvedReferenceException.class)
        .hasMessageStartingWith("t.yml:2: variable ${MISSING_TOKEN} has no value")
        .hasMessageNotContaining("metrics.example");
  }

  @Test
  void tolerantMode_leavesTheReferenceAndCountsIt() throws Exception {
    TemplateRenderer.Result result =
        new TemplateRenderer(ENV::get, false).render("x: ${MISSING} y: ${REMOTE_URL}", "t.yml");
    assertThat(new String(result.output(), StandardCharsets.UTF_8))
        .isEqualTo("x: ${MISSING} y: https://metrics.example");
    assertThat(result.unresolved()).containsExactly("t.yml:1 variable ${MISSING}");
    assertThat(result.substitutions()).isEqualTo(1);
  }

  @Test
  void gzipTemplates_areDecompressed() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write("global: {}".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(TemplateRenderer.decode(bytes.toByteArray(), Path.of("prometheus.yml.gz")))
        .isEqualTo("global: {}");
    assertThat(TemplateRenderer.decode("plain".getBytes(StandardCharsets.UTF_8), Path.of("a.yml")))
        .isEqualTo("plain");
  }
}
