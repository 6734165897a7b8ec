package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument parsing, in process: no watcher is started. */
class SidecarCliTest {

  private static Sidecar parse(String... args) {
    Sidecar sidecar = new Sidecar();
    new CommandLine(sidecar).parseArgs(args);
    return sidecar;
  }

  @Test
  void weaveworksWatchForm_takesTheCommandAfterTheSeparator() {
    Sidecar s = parse("--watch", "/etc/prometheus", "--", "curl", "-X", "POST",
        "http://localhost:9090/-/reload");
    assertThat(s.watch).containsExactly(Path.of("/etc/prometheus"));
    assertThat(s.command).containsExactly("curl", "-X", "POST", "http://localhost:9090/-/reload");
    assertThat(s.actions()).singleElement().asString().contains("program=curl");
  }

  @Test
  void presetsAndDurations() {
    Sidecar s = parse("--watch", "/a,/b", "--prometheus", "http://localhost:9090",
        "--alertmanager", "http://localhost:9093", "--verify", "--debounce", "100ms",
        "--max-delay", "2m", "--resync-interval", "0");
    assertThat(s.watch).hasSize(2);
    assertThat(s.prometheus).isEqualTo(URI.create("http://localhost:9090"));
    assertThat(s.debounce).isEqualTo(Duration.ofMillis(100));
    assertThat(s.maxDelay).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.resyncInterval).isZero();
    assertThat(s.actions()).hasSize(2)
        .allSatisfy(a -> assertThat(a.toString()).contains("verify"));
  }

  @Test
  void defaults() {
    Sidecar s = parse("--watch", "/etc/x", "--url", "http://localhost:1/r");
    assertThat(s.debounce).isEqualTo(Duration.ofMillis(250));
    assertThat(s.maxDelay).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.listenAddress).isEqualTo(":9533");
    assertThat(Sidecar.parseListen(":9533").getPort()).isEqualTo(9533);
  }

  @Test
  void badOption_exitsWithTwoAndNamesIt() {
    StringWriter err = new StringWriter();
    int code = Sidecar.commandLine().setErr(new PrintWriter(err))
        .execute("--watch", "/tmp", "--debounce", "soon");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--debounce").contains("'soon' is not a duration");

    err.getBuffer().setLength(0);
    code = Sidecar.commandLine().setErr(new PrintWriter(err)).execute("--frobnicate");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--frobnicate'").contains("Usage:");
  }

  @Test
  void missingTarget_exitsWithTwo() {
    StringWriter err = new StringWriter();
    int code = Sidecar.commandLine().setErr(new PrintWriter(err)).execute("--watch", "/tmp");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("no reload target");
  }

  @Test
  void signalNeedsExactlyOnePid() {
    Sidecar s = parse("--watch", "/tmp", "--signal", "HUP");
    assertThatThrownBy(s::actions).hasMessageContaining("--signal needs exactly one of --pid or --pid-file");
  }

  @Test
  void headerValuesNeverShowInToString() {
    Sidecar s = parse("--watch", "/tmp", "--url", "http://localhost:1/r",
        "--header", "Authorization: Bearer s3cr3t");
    assertThat(s.actions()).singleElement().asString().doesNotContain("s3cr3t");
  }

  @Test
  void everyOptionHasAnEnvironmentVariable() {
    CommandLine.Model.OptionSpec debounce =
        new CommandLine(new Sidecar()).getCommandSpec().findOption("--max-delay");
    assertThat(debounce).isNotNull();
    // the provider maps --max-delay to RELOADWATCH_MAX_DELAY; unset here, so the default applies
    assertThat(new Sidecar.EnvironmentDefaults().defaultValue(debounce)).isEqualTo("5s");
  }
}
