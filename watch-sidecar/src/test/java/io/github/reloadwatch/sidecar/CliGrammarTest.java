package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The option grammar on commons-cli (#15): what picocli did before is still what the sidecar
 * does, and {@code --help} and {@code --version} print what they did.
 */
class CliGrammarTest {

  private static SidecarOptions parse(Map<String, String> environment, String... args) {
    return Sidecar.nativeOptions(args, environment::get, new PrintWriter(new StringWriter()));
  }

  private static SidecarOptions parse(String... args) {
    return parse(Map.of(), args);
  }

  private static String printed(String... args) {
    StringWriter out = new StringWriter();
    int status = Sidecar.run(args, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(status).isZero();
    return out.toString();
  }

  @Test
  void help_listsEveryOptionWithItsAliasesAndDefaults() {
    String help = printed("--help");
    assertThat(help.replaceAll("\\s+", " ")).contains("Also --volume-dir, -volume-dir.",
        "Also --webhook-url, -webhook-url.");
    assertThat(help).startsWith("Usage: reloadwatch-sidecar [OPTIONS] [-- COMMAND...]")
        .contains("RELOADWATCH_<OPTION>", "--watch <DIR>", "--debounce <DURATION>", "(default: 250ms)", "-v, --verbose", "-h, --help",
            "-V, --version", "--from-configmap", "--log-format")
        .doesNotContain("${DEFAULT}").doesNotContain("null");
    assertThat(printed("-h")).isEqualTo(help);
  }

  @Test
  void help_ofThePeer_hidesTheFlagsItOnlyAccepts() {
    String help = printed("--watched-dir=/x", "--help");
    assertThat(help).contains("--config-envsubst-file <FILE>", "--reload-url <URL>")
        .doesNotContain("--web-config-file").doesNotContain("--auto-gomemlimit-ratio");
  }

  @Test
  void version_namesTheSidecarAndJava() {
    assertThat(printed("--version")).startsWith("reloadwatch-sidecar ")
        .contains("Java " + Runtime.version());
    assertThat(printed("-V")).startsWith("reloadwatch-sidecar ");
  }

  @Test
  void optionalBooleans_takeOnlyTrueOrFalseFromTheNextWord() {
    assertThat(parse("--watch", "/x", "-v").verbose).isTrue();
    assertThat(parse("--watch", "/x", "-v", "false").verbose).isFalse();
    assertThat(parse("--watch", "/x", "--verbose=false").verbose).isFalse();
    assertThat(parse("--reload-on-start", "false", "--watch", "/x").reloadOnStart).isFalse();
    SidecarOptions o = parse("--reload-on-start", "--watch", "/x", "--render-strict", "FALSE");
    assertThat(o.reloadOnStart).isTrue();
    assertThat(o.renderStrict).isFalse();
    assertThat(o.watch).containsExactly(Path.of("/x"));
    assertThatThrownBy(() -> parse("--watch", "/x", "--verbose=maybe"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'-v' (--verbose)").hasMessageContaining("not a boolean");
  }

  @Test
  void lastValueWins_listsAddUpOverEveryAlias_inOrder() {
    SidecarOptions o = parse("--debounce", "1s", "--watch", "/a", "--volume-dir", "/b,/c",
        "-volume-dir=/d", "--debounce=2s");
    assertThat(o.debounce).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.watch).containsExactly(Path.of("/a"), Path.of("/b"), Path.of("/c"),
        Path.of("/d"));
  }

  @Test
  void environment_suppliesWhatIsNotGiven_theCommandLineWins() {
    Map<String, String> env = Map.of("RELOADWATCH_WATCH", "/e1,/e2", "RELOADWATCH_RECURSIVE",
        "true", "RELOADWATCH_DEBOUNCE", "3s", "RELOADWATCH_VERBOSE", "true");
    SidecarOptions fromEnv = parse(env);
    assertThat(fromEnv.watch).containsExactly(Path.of("/e1"), Path.of("/e2"));
    assertThat(fromEnv.recursive).isTrue();
    assertThat(fromEnv.verbose).isTrue();
    assertThat(fromEnv.debounce).isEqualTo(Duration.ofSeconds(3));
    SidecarOptions given = parse(env, "--watch", "/cli", "--debounce", "1s");
    assertThat(given.watch).containsExactly(Path.of("/cli"));
    assertThat(given.debounce).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> parse(Map.of("RELOADWATCH_DRY_RUN", "yes")))
        .isInstanceOf(UsageException.class).hasMessageContaining("'--dry-run'");
  }

  @Test
  void noAbbreviations_missingValues_namedWithTheirAliases() {
    assertThatThrownBy(() -> parse("--watch", "/x", "--deb", "1s"))
        .isInstanceOf(UsageException.class).hasMessage("Unknown option: '--deb'");
    assertThatThrownBy(() -> parse("--url"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Missing required parameter for option '--url' (--webhook-url,"
            + " -webhook-url) (URL)");
  }

  @Test
  void values_exactlyAsGiven_quotesAndEmptyOnesIncluded() {
    SidecarOptions o = parse("--watch", "/x", "--header", "X-A: \"quoted\"", "--url",
        "http://h/r", "--http-method=\"PUT\"", "--from-configmap=");
    assertThat(o.headers).containsExactly("X-A: \"quoted\"");
    assertThat(o.httpMethod).isEqualTo("\"PUT\"");
    assertThat(o.fromConfigMaps).containsExactly("");
  }

  @Test
  void theCommand_isEverythingAfterTheSeparator() {
    SidecarOptions o = parse("--watch", "/x", "--", "sh", "-c", "exit 0", "--", "-v");
    assertThat(o.command).containsExactly("sh", "-c", "exit 0", "--", "-v");
    assertThat(o.verbose).isFalse();
  }
}
