package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  void gzipTemplates_areDecompressed() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write("global: {}".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(TemplateRenderer.decode(bytes.toByteArray(), Path.of("prometheus.yml.gz")))
        .isEqualTo("global: {}");
    assertThat(TemplateRenderer.decode("plain".getBytes(StandardCharsets.UTF_8), Path.of("a.yml")))
        .isEqualTo("plain");
  }

  private static TemplateRenderer allowing(Set<String> variables, List<Path> files) {
    return new TemplateRenderer(ENV::get, new RenderAccess(variables, files), true,
        TemplateSyntax.DOLLAR_BRACES);
  }

  @Test
  void aVariableThatIsNotAllowed_isAnErrorNamingTheOption_evenWithADefault() {
    TemplateRenderer renderer = allowing(Set.of("CLUSTER", "PROM_*"), List.of());
    assertThatThrownBy(() -> renderer.render("url: ${REMOTE_URL:-x}", "t.yml"))
        .isInstanceOf(TemplateRenderer.TemplateException.class)
        .hasMessageContaining("t.yml:1: variable ${REMOTE_URL} is not among the variables")
        .hasMessageContaining("renderAllowEnv(\"REMOTE_URL\")")
        .hasMessageContaining("--render-allow-env")
        .hasMessageNotContaining("metrics.example");
  }

  @Test
  void allowedVariables_byNameOrPrefix_areRead() throws Exception {
    TemplateRenderer renderer = allowing(Set.of("EMPTY", "REMOTE_*"), List.of());
    assertThat(new String(renderer.render("${REMOTE_URL} ${EMPTY:-e}", "t.yml").output(),
        StandardCharsets.UTF_8)).isEqualTo("https://metrics.example e");
  }

  @Test
  void aFileOutsideTheAllowedDirectories_isAnError_alsoThroughDotDotOrALink() throws Exception {
    Path allowed = Files.createDirectory(tmp.resolve("secrets"));
    Files.writeString(allowed.resolve("password"), "pw-1234");
    Path outside = Files.writeString(tmp.resolve("token"), "service-account-token");
    Files.createSymbolicLink(allowed.resolve("sneaky"), outside);
    TemplateRenderer renderer = allowing(Set.of(), List.of(allowed));

    assertThat(new String(renderer.render("${file:" + allowed.resolve("password") + "}", "t.yml")
        .output(), StandardCharsets.UTF_8)).isEqualTo("pw-1234");
    for (String ref : List.of(outside.toString(), allowed + "/../token", allowed + "/sneaky")) {
      assertThatThrownBy(() -> renderer.render("${file:" + ref + "}", "t.yml"))
          .as(ref)
          .isInstanceOf(TemplateRenderer.TemplateException.class)
          .hasMessageContaining("is outside the files templates may read")
          .hasMessageContaining("renderAllowFile(...)")
          .hasMessageNotContaining("service-account-token");
    }
  }

  @Test
  void substitutedValues_areReportedForRedaction() throws Exception {
    TemplateRenderer.Result result = new TemplateRenderer(ENV::get, true)
        .render("a: ${REMOTE_URL} b: ${EMPTY:-fallback}", "t.yml");
    assertThat(result.values()).containsExactly("https://metrics.example", "fallback");
  }

  @Test
  void bytesThatAreNotUtf8_areRefused_notReplaced() {
    byte[] latin1 = "caf\u00e9: 1".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> TemplateRenderer.decode(latin1, Path.of("/etc/t.yml")))
        .isInstanceOf(TemplateRenderer.TemplateException.class)
        .hasMessage("[/etc/t.yml] is not valid UTF-8: save it as UTF-8");
  }

  @Test
  void parenthesesSyntax_readsPrometheusOperatorTemplates_andLeavesBracesAlone() throws Exception {
    TemplateRenderer renderer = new TemplateRenderer(ENV::get, RenderAccess.ALL, true,
        TemplateSyntax.DOLLAR_PARENTHESES);
    assertThat(new String(renderer.render("url: $(REMOTE_URL) keep: ${1} $(not a var)", "t.yml")
        .output(), StandardCharsets.UTF_8))
        .isEqualTo("url: https://metrics.example keep: ${1} $(not a var)");
    assertThatThrownBy(() -> renderer.render("x: $(MISSING)", "t.yml"))
        .isInstanceOf(TemplateRenderer.UnresolvedReferenceException.class)
        .hasMessage("t.yml:1: variable $(MISSING) has no value: set it");
  }
}
