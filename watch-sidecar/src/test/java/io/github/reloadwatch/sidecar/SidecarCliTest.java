package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Argument parsing and checking, in process: nothing is started. */
class SidecarCliTest {

  private final StringWriter err = new StringWriter();

  private static SidecarOptions parse(String... args) {
    SidecarOptions o = Sidecar.FrontEnd.of(args).parse(args, new PrintWriter(new StringWriter()));
    OptionChecks.check(o);
    return o;
  }

  /** Runs the sidecar in process; only for arguments that fail before anything starts. */
  private int exitCode(String... args) {
    err.getBuffer().setLength(0);
    return Sidecar.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
  }

  @Test
  void nativeForm_takesTheCommandAfterTheSeparator() {
    SidecarOptions s = parse("--watch", "/etc/prometheus", "--", "curl", "-X", "POST",
        "http://localhost:9090/-/reload");
    assertThat(s.frontEnd).isEqualTo("reloadwatch");
    assertThat(s.watch).containsExactly(Path.of("/etc/prometheus"));
    assertThat(s.command).containsExactly("curl", "-X", "POST", "http://localhost:9090/-/reload");
  }

  @Test
  void command_withoutSeparator_isRefusedNamingOnlyTheProgram() {
    assertThat(exitCode("--watch", "/tmp", "curl", "-H", "Authorization: Bearer s3cr3t", "x"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("a command to run goes after --").doesNotContain("s3cr3t");
  }

  @Test
  void presetsAndDurations() {
    SidecarOptions s = parse("--watch", "/a,/b", "--prometheus", "http://localhost:9090",
        "--alertmanager", "http://localhost:9093", "--verify", "--debounce", "100ms",
        "--max-delay", "1m30s", "--resync-interval", "0");
    assertThat(s.watch).hasSize(2);
    assertThat(s.prometheus).isEqualTo(URI.create("http://localhost:9090"));
    assertThat(s.debounce).isEqualTo(Duration.ofMillis(100));
    assertThat(s.maxDelay).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.resyncInterval).isZero();
  }

  @Test
  void durations_goStyle() {
    assertThat(Conversions.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Conversions.duration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
    assertThat(Conversions.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Conversions.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Conversions.duration("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(Conversions.duration("PT5S")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void defaults() {
    SidecarOptions s = parse("--watch", "/etc/x", "--url", "http://localhost:1/r");
    assertThat(s.debounce).isEqualTo(Duration.ofMillis(250));
    assertThat(s.effectiveMaxDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.listenAddress).isEqualTo(":9533");
    assertThat(s.reloadOnStart).as("reload at start, #14 item 7").isTrue();
    assertThat(s.closeTimeout).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.unhealthyAfter).isEqualTo(Duration.ofSeconds(60));
    assertThat(Conversions.listenAddress(":9533").getPort()).isEqualTo(9533);
  }

  @Test
  void reloadOnStart_canBeTurnedOff() {
    assertThat(parse("--watch", "/x", "--url", "http://h/r", "--reload-on-start=false")
        .reloadOnStart).isFalse();
    assertThat(parse("--watch", "/x", "--url", "http://h/r", "--reload-on-start")
        .reloadOnStart).isTrue();
  }

  @Test
  void maxDelay_defaultFollowsALongDebounce_butAnExplicitOneBelowItIsRefused() {
    assertThat(parse("--watch", "/x", "--url", "http://h/r", "--debounce", "10s")
        .effectiveMaxDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(exitCode("--watch", "/x", "--url", "http://h/r", "--debounce", "2s",
        "--max-delay", "1s")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-delay (1s) must not be less than --debounce (2s)")
        .contains("Usage:");
  }

  @Test
  void badValues_exitTwoNamingTheOption() {
    String[][] cases = {
        {"--debounce", "soon", "--debounce"},
        {"--listen-address", ":99999", "--listen-address"},
        {"--listen-address", "nonsense", "--listen-address"},
        {"--signal", "FROB", "--signal"},
        {"--timeout", "0s", "--timeout"},
        {"--url", "ftp://host/x", "--url"},
        {"--expect-status", "99", "--expect-status"},
        {"--log-format", "xml", "--log-format"},
        {"--render-allow-env", "A-B", "--render-allow-env"},
        {"--render-output-mode", "999", "--render-output-mode"},
        {"--max-attempts", "-1", "--max-attempts"},
    };
    for (String[] c : cases) {
      String target = c[0].equals("--url") || c[0].equals("--expect-status") ? "--prometheus"
          : "--url";
      String[] args = c[0].equals("--signal")
          ? new String[] {"--watch", "/x", c[0], c[1], "--pid", "1"}
          : new String[] {"--watch", "/x", target, "http://h/r", c[0], c[1]};
      if (c[0].equals("--expect-status")) {
        args = new String[] {"--watch", "/x", "--url", "http://h/r", c[0], c[1]};
      }
      assertThat(exitCode(args)).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", args)).contains(c[2]).contains("Usage:");
    }
  }

  @Test
  void verify_withUrl_isRefusedInsteadOfIgnored() {
    assertThat(exitCode("--watch", "/x", "--url", "http://h/-/reload", "--verify")).isEqualTo(2);
    assertThat(err.toString()).contains("--verify").contains("--prometheus");
  }

  @Test
  void optionsForAbsentTargets_areRefusedInsteadOfIgnored() {
    assertThat(exitCode("--watch", "/x", "--pid", "1", "--header", "A: b")).isEqualTo(2);
    assertThat(err.toString()).contains("--header applies to HTTP targets");
    assertThat(exitCode("--watch", "/x", "--prometheus", "http://h", "--http-method", "PUT"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--http-method applies to --url targets");
  }

  @Test
  void header_withAPipe_staysOneHeader() {
    SidecarOptions s = parse("--watch", "/x", "--url", "http://h/r", "--header", "X-A: a|b",
        "--header", "X-B: c");
    assertThat(s.headers).containsExactly("X-A: a|b", "X-B: c");
  }

  @Test
  void renderHelp_showsTheTemplateSyntax() {
    StringWriter usage = new StringWriter();
    Sidecar.FrontEnd.NATIVE.usage(new PrintWriter(usage));
    assertThat(usage.toString()).contains("${ENV_NAME}", "${file:/path}", "$(NAME)")
        .doesNotContain("(null, null)").doesNotContain("null");
  }

  @Test
  void unparsableUrl_neverEchoesThePassword() {
    assertThat(exitCode("--watch", "/x", "--url", "http://admin:hunter2 x@host/-/reload"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--url").contains("not a valid URL")
        .doesNotContain("hunter2");
  }

  @Test
  void unparsableUrl_fromTheEnvironment_neverEchoesThePassword() {
    Map<String, String> environment = Map.of(
        "RELOADWATCH_URL", "http://admin:hunter2 x@host/-/reload",
        "RELOADWATCH_WATCH", "/x");
    assertThatThrownBy(() -> Sidecar.nativeOptions(new String[0], environment::get,
        new PrintWriter(new StringWriter())))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'--url' (--webhook-url, -webhook-url)")
        .hasMessageContaining("not a valid URL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void unknownOption_exitsTwo_namesIt_andNotItsValue() {
    assertThat(exitCode("--watch", "/tmp", "--frobnicate=s3cr3t")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--frobnicate'").contains("Usage:")
        .doesNotContain("s3cr3t");
  }

  @Test
  void missingTarget_exitsWithTwo() {
    assertThat(exitCode("--watch", "/tmp")).isEqualTo(2);
    assertThat(err.toString()).contains("no reload target");
  }

  @Test
  void signalNeedsExactlyOnePid() {
    assertThat(exitCode("--watch", "/tmp", "--signal", "HUP")).isEqualTo(2);
    assertThat(err.toString()).contains("--signal needs exactly one of --pid, --pid-file or"
        + " --process-name");
  }

  @Test
  void environmentVariables_areNamedAfterTheFirstName() {
    CliGrammar.Def<SidecarOptions> statusCode =
        SidecarOptions.GRAMMAR.find("--webhook-status-code");
    assertThat(statusCode.variable())
        .isEqualTo("RELOADWATCH_EXPECT_STATUS");
    CliGrammar.Def<SidecarOptions> maxDelay =
        SidecarOptions.GRAMMAR.find("--max-delay");
    assertThat(maxDelay.variable())
        .isEqualTo("RELOADWATCH_MAX_DELAY");
    assertThat(
        SidecarOptions.GRAMMAR.find("-v").variable())
        .isEqualTo("RELOADWATCH_VERBOSE");
  }

  @Test
  void httpAttemptTimeout_neverCutsTheResponseTimeoutShort() {
    assertThat(Targets.attemptTimeout(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(60));
    assertThat(Targets.attemptTimeout(Duration.ofSeconds(90)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(180));
  }

  // --from-configmap, --from-secret, --materialize (#10)

  @Test
  void fromApi_repeatable_noWatchNeeded_oneObjectGoesIntoTheDirectoryItself() {
    SidecarOptions s = parse("--from-configmap", "app", "--materialize", "/run/config",
        "--prometheus", "http://localhost:9090");
    assertThat(s.fromConfigMaps).containsExactly("app");
    assertThat(s.watch).isEmpty();
    assertThat(ApiObject.plan(s)).singleElement().satisfies(o -> {
      assertThat(o.directory()).isEqualTo(Path.of("/run/config"));
      assertThat(o.kind()).isEqualTo(ApiObject.Kind.CONFIG_MAP);
      assertThat(o.name()).isEqualTo("app");
    });

    SidecarOptions several = parse("--from-configmap", "app,monitoring/rules",
        "--from-secret", "creds", "--materialize", "/run/config", "--watch", "/etc/other",
        "--url", "http://h/r");
    assertThat(ApiObject.plan(several)).extracting(ApiObject::directory).containsExactly(
        Path.of("/run/config/app"), Path.of("/run/config/rules"), Path.of("/run/config/creds"));
    assertThat(ApiObject.plan(several)).extracting(ApiObject::flag).containsExactly(
        "--from-configmap app", "--from-configmap monitoring/rules", "--from-secret creds");
  }

  @Test
  void fromApi_fromTheEnvironment_commaSeparated() {
    Map<String, String> environment = Map.of(
        "RELOADWATCH_FROM_CONFIGMAP", "app,monitoring/rules",
        "RELOADWATCH_FROM_SECRET", "creds",
        "RELOADWATCH_MATERIALIZE", "/run/config");
    SidecarOptions o = Sidecar.nativeOptions(new String[] {"--url", "http://h/r"},
        environment::get, new PrintWriter(new StringWriter()));
    assertThat(o.fromConfigMaps).containsExactly("app", "monitoring/rules");
    assertThat(o.fromSecrets).containsExactly("creds");
    assertThat(o.materialize).isEqualTo(Path.of("/run/config"));
  }

  @Test
  void fromConfigMap_withoutMaterialize_exitsTwoNamingTheFix() {
    assertThat(exitCode("--from-configmap", "app", "--url", "http://h/r")).isEqualTo(2);
    assertThat(err.toString()).contains("--from-configmap needs --materialize DIR")
        .contains("Usage:");
    assertThat(exitCode("--from-secret", "creds", "--url", "http://h/r")).isEqualTo(2);
    assertThat(err.toString()).contains("--from-secret needs --materialize DIR");
  }

  @Test
  void materialize_withoutFrom_exitsTwoNamingTheFix() {
    assertThat(exitCode("--watch", "/x", "--materialize", "/run/config", "--url", "http://h/r"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--materialize needs --from-configmap or --from-secret");
  }

  @Test
  void fromApi_collisions_exitTwoNamingBoth() {
    String[][] cases = {
        {"--from-configmap", "app", "--from-secret", "app",
            "--from-configmap app and --from-secret app would both be written to [/run/c/app]"},
        {"--from-configmap", "a/app,b/app", "--from-secret", "x",
            "--from-configmap a/app and --from-configmap b/app would both be written to"},
        {"--from-configmap", "app,app", "--from-secret", "x",
            "--from-configmap app is given twice"},
    };
    for (String[] c : cases) {
      assertThat(exitCode(c[0], c[1], c[2], c[3], "--materialize", "/run/c", "--url", "http://h/r"))
          .as(c[4]).isEqualTo(2);
      assertThat(err.toString()).contains(c[4]);
    }
  }

  @Test
  void fromApi_badReferences_exitTwoNamingTheOption() {
    assertThat(exitCode("--from-configmap", "a/b/c", "--materialize", "/run/c", "--url",
        "http://h/r")).isEqualTo(2);
    assertThat(err.toString()).contains("--from-configmap takes [NAMESPACE/]NAME");
    assertThat(exitCode("--from-configmap=", "--materialize", "/run/c", "--url", "http://h/r"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--from-configmap takes [NAMESPACE/]NAME, like");
    // the API server's own naming rules, checked before anything starts
    assertThat(exitCode("--from-secret", "Creds", "--materialize", "/run/c", "--url",
        "http://h/r")).isEqualTo(2);
    assertThat(err.toString()).contains("--from-secret: secret name (Creds) must be a DNS"
        + " subdomain");
    assertThat(exitCode("--from-configmap", "Prod/app", "--materialize", "/run/c", "--url",
        "http://h/r")).isEqualTo(2);
    assertThat(err.toString()).contains("--from-configmap: namespace (Prod) must be a DNS label");
  }

  @Test
  void watch_overlappingTheMaterializedDirectory_isRefused() {
    assertThat(exitCode("--from-configmap", "app", "--materialize", "/run/c", "--watch",
        "/run/c", "--url", "http://h/r")).isEqualTo(2);
    assertThat(err.toString()).contains("--watch /run/c overlaps --materialize /run/c");
  }

  @Test
  void theSameTargetTwice_isRefused() {
    assertThat(exitCode("--watch", "/x", "--url", "http://h/-/reload", "--url",
        "http://h/-/reload")).isEqualTo(2);
    assertThat(err.toString()).contains("the target http://h/-/reload is given twice");
  }

  @Test
  void environmentVariables_ofTheKubernetesOptions() {
    CliGrammar<SidecarOptions> spec = SidecarOptions.GRAMMAR;
    assertThat(spec.find("--from-configmap").variable())
        .isEqualTo("RELOADWATCH_FROM_CONFIGMAP");
    assertThat(spec.find("--from-secret").variable())
        .isEqualTo("RELOADWATCH_FROM_SECRET");
    assertThat(spec.find("--materialize").variable())
        .isEqualTo("RELOADWATCH_MATERIALIZE");
  }

  @Test
  void redactedUrl_hasNoCredentialsOrQueryValues() {
    assertThat(Conversions.redacted(URI.create("https://u:p@h:8443/-/reload?token=abc&x=1")))
        .isEqualTo("https://h:8443/-/reload?token=xxxxx&x=xxxxx");
  }
}
