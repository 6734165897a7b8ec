package io.github.reloadwatch.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.TemplateSyntax;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The peers' real argument lines, parsed in process: which front end, and what they map to. */
class FrontEndsTest {

  private static SidecarOptions parse(String... args) {
    SidecarOptions o = Sidecar.FrontEnd.of(args).parse(args, new PrintWriter(new StringWriter()));
    OptionChecks.check(o);
    return o;
  }

  /** The line from the Weaveworks blog post this project started from, unchanged. */
  @Test
  void weaveworksBlogLine() {
    String[] args = {"-v", "-t", "-p=/etc/prometheus", "curl", "-X", "POST", "--fail", "-o", "-",
        "-sS", "http://localhost:80/-/reload"};
    assertThat(Sidecar.FrontEnd.of(args)).isEqualTo(Sidecar.FrontEnd.WEAVEWORKS);
    SidecarOptions o = parse(args);
    assertThat(o.watch).containsExactly(Path.of("/etc/prometheus"));
    assertThat(o.verbose).isTrue();
    assertThat(o.recursive).isTrue();
    assertThat(o.reloadOnStart).isTrue();
    assertThat(o.command).containsExactly("curl", "-X", "POST", "--fail", "-o", "-", "-sS",
        "http://localhost:80/-/reload");
  }

  @Test
  void weaveworks_severalPaths_spacedValues_exclude() {
    SidecarOptions o = parse("-p", "/etc/a", "--p=/etc/b", "-x", "\\.swp$", "sh", "-c", "exit 0");
    assertThat(o.watch).containsExactly(Path.of("/etc/a"), Path.of("/etc/b"));
    assertThat(o.excludeRegex.pattern()).isEqualTo("\\.swp$");
    assertThat(o.command).containsExactly("sh", "-c", "exit 0");
  }

  @Test
  void weaveworks_grafanaAgentChartLine() {
    SidecarOptions o = parse("-v", "-p=/etc/agent/config.river", "curl", "-X", "POST", "--fail",
        "-o", "-", "-sS", "http://localhost:80/-/reload");
    assertThat(o.watch).containsExactly(Path.of("/etc/agent/config.river"));
  }

  @Test
  void weaveworks_badFlags() {
    assertThatThrownBy(() -> parse("-p=/x", "-x", "[", "curl"))
        .isInstanceOf(UsageException.class).hasMessageContaining("-x: not a regular expression");
    assertThatThrownBy(() -> parse("-t", "-p=/x"))
        .isInstanceOf(UsageException.class).hasMessageContaining("no command to run");
  }

  /** prometheus-community/helm-charts' configmap-reload container. */
  @Test
  void configmapReload_helmChartLine() {
    SidecarOptions o = parse("--volume-dir=/etc/config",
        "--webhook-url=http://127.0.0.1:9090/-/reload");
    assertThat(o.frontEnd).isEqualTo("reloadwatch");
    assertThat(o.watch).containsExactly(Path.of("/etc/config"));
    assertThat(o.urls).containsExactly(URI.create("http://127.0.0.1:9090/-/reload"));
  }

  @Test
  void configmapReload_allFlags_goSpellings() {
    SidecarOptions o = parse("-volume-dir=/etc/a", "-volume-dir", "/etc/b",
        "-webhook-url=http://u:p@127.0.0.1:9093/-/reload", "-webhook-method=PUT",
        "-webhook-status-code=202", "-webhook-retries=3", "-web.listen-address=:9534",
        "-web.telemetry-path=/stats");
    assertThat(o.watch).containsExactly(Path.of("/etc/a"), Path.of("/etc/b"));
    assertThat(o.httpMethod).isEqualTo("PUT");
    assertThat(o.expectStatus).isEqualTo(202);
    assertThat(o.maxAttempts).isEqualTo(3);
    assertThat(o.listenAddress).isEqualTo(":9534");
    assertThat(o.metricsPath).isEqualTo("/stats");
  }

  /** What prometheus-operator writes into a Prometheus pod. */
  @Test
  void prometheusConfigReloader_operatorLine() {
    String[] args = {"--listen-address=:8080", "--reload-url=http://127.0.0.1:9090/-/reload",
        "--config-file=/etc/prometheus/config/prometheus.yaml.gz",
        "--config-envsubst-file=/etc/prometheus/config_out/prometheus.env.yaml",
        "--watched-dir=/etc/prometheus/rules/prometheus-k8s-rulefiles-0",
        "--watched-dir=/etc/prometheus/config"};
    assertThat(Sidecar.FrontEnd.of(args)).isEqualTo(Sidecar.FrontEnd.PROMETHEUS_CONFIG_RELOADER);
    SidecarOptions o = parse(args);
    assertThat(o.watch).containsExactly(Path.of("/etc/prometheus/rules/prometheus-k8s-rulefiles-0"),
        Path.of("/etc/prometheus/config"));
    assertThat(o.renders).containsExactly("/etc/prometheus/config/prometheus.yaml.gz:"
        + "/etc/prometheus/config_out/prometheus.env.yaml");
    assertThat(o.templateSyntax()).isEqualTo(TemplateSyntax.DOLLAR_PARENTHESES);
    assertThat(o.renderStrict).isFalse();
    assertThat(o.renderDefaultAllowEnv).contains("POD_NAME", "SHARD");
    assertThat(o.renderExtraEnvironment).containsKey("STATEFULSET_ORDINAL_NUMBER");
    assertThat(o.urls).containsExactly(URI.create("http://127.0.0.1:9090/-/reload"));
    assertThat(o.expectStatus).isEqualTo(200);
    assertThat(o.debounce).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.resyncInterval).isEqualTo(Duration.ofMinutes(3));
    assertThat(o.listenAddress).isEqualTo(":8080");
    assertThat(o.logFormat).isEqualTo("logfmt");
  }

  @Test
  void prometheusConfigReloader_signalAndInitContainer() {
    SidecarOptions o = parse("--reload-method=signal", "--watched-dir=/etc/prometheus/config",
        "--log-format=json", "--log-level=debug");
    assertThat(o.urls).isEmpty();
    assertThat(o.signal).isEqualTo("HUP");
    assertThat(o.processName).isEqualTo("prometheus");
    assertThat(o.runtimeInfoUrl)
        .isEqualTo(URI.create("http://127.0.0.1:9090/api/v1/status/runtimeinfo"));
    assertThat(o.listenAddress).as("the peer serves nothing without --listen-address").isEmpty();

    SidecarOptions init = parse("--watch-interval=0", "--config-file=/c/p.yaml.gz",
        "--config-envsubst-file=/o/p.env.yaml", "--listen-address=:8081");
    assertThat(init.once).isTrue();
  }

  @Test
  void prometheusConfigReloader_refusesWhatItCannotDo() {
    assertThatThrownBy(() -> parse("--watched-dir=/x", "--web-config-file=/w.yaml"))
        .hasMessageContaining("--web-config-file").hasMessageContaining("not supported");
    assertThatThrownBy(() -> parse("--watched-dir=/x", "--reload-method=carrier-pigeon"))
        .hasMessageContaining("--reload-method takes http or signal");
    assertThatThrownBy(() -> parse("--watched-dir=/x", "--watch=/y"))
        .hasMessageContaining("Unknown option: '--watch'");
  }

  @Test
  void ordinalFromPodName() {
    assertThat(PrometheusConfigReloaderArgs.ordinal("prometheus-k8s-12")).isEqualTo("12");
    assertThat(PrometheusConfigReloaderArgs.ordinal("alertmanager")).isEmpty();
    assertThat(PrometheusConfigReloaderArgs.ordinal(null)).isEmpty();
  }
}
