package io.github.reloadwatch.sidecar;

import static io.github.reloadwatch.sidecar.Conversions.bool;
import static io.github.reloadwatch.sidecar.Conversions.duration;
import static io.github.reloadwatch.sidecar.Conversions.path;
import static io.github.reloadwatch.sidecar.Conversions.url;

import io.github.reloadwatch.TemplateSyntax;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the sidecar is asked to do: reloadwatch's own options, with configmap-reload's flags as
 * aliases ({@link #GRAMMAR}). The weaveworks/watch and prometheus-config-reloader front ends fill
 * in the same object from their peers' flags. Fields are read by {@link Targets}, {@link
 * WatcherAssembly} and {@link SidecarRun}; {@link OptionChecks} checks combinations.
 */
final class SidecarOptions {

  List<Path> watch = new ArrayList<>();
  List<String> fromConfigMaps = new ArrayList<>();
  List<String> fromSecrets = new ArrayList<>();
  Path materialize;
  boolean recursive;
  Pattern excludeRegex;
  List<URI> urls = new ArrayList<>();
  String httpMethod;
  Integer expectStatus;
  URI prometheus;
  URI alertmanager;
  boolean verify;
  String signal;
  Long pid;
  Path pidFile;
  String processName;
  Duration debounce;
  Duration maxDelay;
  Duration resyncInterval;
  boolean reloadOnStart;
  int maxAttempts;
  Duration retryInterval;
  Duration closeTimeout;
  List<String> headers = new ArrayList<>();
  Path bearerTokenFile;
  String basicAuthUser;
  Path basicAuthPasswordFile;
  Path cacert;
  Path cert;
  Path key;
  boolean insecureSkipVerify;
  Duration timeout;
  List<String> renders = new ArrayList<>();
  String renderSyntax;
  List<String> renderAllowEnv = new ArrayList<>();
  List<Path> renderAllowFiles = new ArrayList<>();
  boolean renderStrict;
  Integer renderOutputMode;
  String renderOutputGroup;
  String validateCommand;
  Path validateFile;
  boolean dryRun;
  boolean once;
  String listenAddress;
  String metricsPath;
  Duration unhealthyAfter;
  Duration waitForDirs;
  boolean verbose;
  String logLevel;
  String logFormat;
  /** The command to run on change: the words after {@code --}. */
  List<String> command = new ArrayList<>();

  /** reloadwatch's own grammar, in the order {@code --help} lists it; a command goes after --. */
  static final CliGrammar<SidecarOptions> GRAMMAR = new CliGrammar<>(
      "reloadwatch-sidecar [OPTIONS] [-- COMMAND...]",
      List.of("Watches config folders (Kubernetes ConfigMaps included) and reloads a server when"
          + " their content really changes.",
          "",
          "Targets: --url, --prometheus, --alertmanager (HTTP), --signal with --pid, --pid-file or"
              + " --process-name, or a command after --.",
          "Or, instead of a mounted folder, read ConfigMaps and Secrets straight from the"
              + " Kubernetes API: --from-configmap NAME --materialize DIR.",
          "Also runs the argument lines of weaveworks/watch (-p DIR COMMAND...), configmap-reload"
              + " (--volume-dir, --webhook-url) and prometheus-config-reloader (--config-file,"
              + " --watched-dir, --reload-url) unchanged.",
          "Every option also reads RELOADWATCH_<OPTION> from the environment, e.g."
              + " RELOADWATCH_WATCH=/etc/prometheus."),
      List.of(
      CliGrammar.<SidecarOptions>list("--watch", "--volume-dir", "-volume-dir").label("DIR")
          .description("Directory (or file) to watch; repeatable.")
          .to((o, v) -> o.watch.add(path(v))),
      CliGrammar.<SidecarOptions>list("--from-configmap").label("[NAMESPACE/]NAME")
          .description("Read this ConfigMap straight from the Kubernetes API (no kubelet delay)"
              + " and write it into --materialize DIR; repeatable.")
          .to((o, v) -> o.fromConfigMaps.add(v)),
      CliGrammar.<SidecarOptions>list("--from-secret").label("[NAMESPACE/]NAME")
          .description("Like --from-configmap, for a Secret (files 0600; use a memory-backed"
              + " DIR); repeatable.")
          .to((o, v) -> o.fromSecrets.add(v)),
      CliGrammar.<SidecarOptions>value("--materialize").label("DIR")
          .description("Where --from-configmap/--from-secret objects are written, in kubelet's"
              + " layout, and watched: DIR itself for one object, DIR/<name> for each of several.")
          .to((o, v) -> o.materialize = path(v)),
      CliGrammar.<SidecarOptions>flag("--recursive").description("Include subdirectories.")
          .to((o, v) -> o.recursive = bool(v)),
      CliGrammar.<SidecarOptions>value("--exclude-regex").label("REGEX")
          .description("Changes only to paths matching REGEX (anywhere in the path) do not"
              + " reload.")
          .to((o, v) -> o.excludeRegex = Conversions.regex(v)),
      CliGrammar.<SidecarOptions>list("--url", "--webhook-url", "-webhook-url").label("URL")
          .description("HTTP endpoint to call on change; repeatable. user:password@ in the URL is"
              + " sent as basic auth and never shown.")
          .to((o, v) -> o.urls.add(url(v))),
      CliGrammar.<SidecarOptions>value("--http-method", "--webhook-method", "-webhook-method")
          .label("METHOD").defaultValue("POST")
          .description("Method for --url (default: ${DEFAULT}).")
          .to((o, v) -> o.httpMethod = v),
      CliGrammar.<SidecarOptions>value("--expect-status", "--webhook-status-code",
              "-webhook-status-code").label("CODE")
          .description("Status that means success for --url (default: any 2xx).")
          .to((o, v) -> o.expectStatus = Conversions.integer(v)),
      CliGrammar.<SidecarOptions>value("--prometheus").label("BASE_URL")
          .description("Prometheus base URL (with any --web.route-prefix): POST"
              + " <base>/-/reload.")
          .to((o, v) -> o.prometheus = url(v)),
      CliGrammar.<SidecarOptions>value("--alertmanager").label("BASE_URL")
          .description("Alertmanager base URL: POST <base>/-/reload.")
          .to((o, v) -> o.alertmanager = url(v)),
      CliGrammar.<SidecarOptions>flag("--verify")
          .description("With --prometheus/--alertmanager, confirm the target really loaded the"
              + " config after a 200 (not possible with --url).")
          .to((o, v) -> o.verify = bool(v)),
      CliGrammar.<SidecarOptions>value("--signal").label("NAME")
          .description("Signal to send on change (HUP, USR1, ...), with --pid, --pid-file or"
              + " --process-name.")
          .to((o, v) -> o.signal = v),
      CliGrammar.<SidecarOptions>value("--pid").label("N").description("Process to signal.")
          .to((o, v) -> o.pid = Conversions.longValue(v)),
      CliGrammar.<SidecarOptions>value("--pid-file").label("FILE")
          .description("File holding the pid to signal, read on every reload.")
          .to((o, v) -> o.pidFile = path(v)),
      CliGrammar.<SidecarOptions>value("--process-name").label("NAME")
          .description("Signal the process whose executable is NAME, looked up on every reload"
              + " (Kubernetes: shareProcessNamespace).")
          .to((o, v) -> o.processName = v),
      CliGrammar.<SidecarOptions>value("--debounce").label("DURATION").defaultValue("250ms")
          .description("Quiet period before acting (default: ${DEFAULT}).")
          .to((o, v) -> o.debounce = duration(v)),
      CliGrammar.<SidecarOptions>value("--max-delay").label("DURATION")
          .description("Longest wait during continuous writes; not less than --debounce"
              + " (default: 5s, or --debounce if longer).")
          .to((o, v) -> o.maxDelay = duration(v)),
      CliGrammar.<SidecarOptions>value("--resync-interval").label("DURATION").defaultValue("3m")
          .description("Full rescan interval, 0 to disable (default: ${DEFAULT}).")
          .to((o, v) -> o.resyncInterval = duration(v)),
      CliGrammar.<SidecarOptions>optionalBoolean("--reload-on-start").defaultValue("true")
          .description("Reload once at start, retried until the target answers, so a change"
              + " made while the sidecar was down is applied (default: ${DEFAULT}).")
          .to((o, v) -> o.reloadOnStart = bool(v)),
      CliGrammar.<SidecarOptions>value("--max-attempts", "--webhook-retries", "-webhook-retries")
          .label("N").defaultValue("0")
          .description("Attempts per content version, then wait for the next change; 0 retries"
              + " until success (default: ${DEFAULT}).")
          .to((o, v) -> o.maxAttempts = Conversions.integer(v)),
      CliGrammar.<SidecarOptions>value("--retry-interval").label("DURATION")
          .description("Fixed wait between retries (default: 1s doubling up to 1m; 1s while the"
              + " target refuses connections).")
          .to((o, v) -> o.retryInterval = duration(v)),
      CliGrammar.<SidecarOptions>value("--close-timeout").label("DURATION").defaultValue("2s")
          .description("On SIGTERM, how long a running reload may finish before it is stopped,"
              + " fit for Kubernetes' grace period (default: ${DEFAULT}).")
          .to((o, v) -> o.closeTimeout = duration(v)),
      CliGrammar.<SidecarOptions>list("--header").label("NAME: VALUE").split("\\n")
          .description("Extra HTTP header; repeatable. Values are never logged.")
          .to((o, v) -> o.headers.add(Conversions.header(v))),
      CliGrammar.<SidecarOptions>value("--bearer-token-file").label("FILE")
          .description("Send 'Authorization: Bearer' with the token in FILE (re-read every"
              + " time).")
          .to((o, v) -> o.bearerTokenFile = path(v)),
      CliGrammar.<SidecarOptions>value("--basic-auth-user").label("USER")
          .description("Basic auth user.")
          .to((o, v) -> o.basicAuthUser = v),
      CliGrammar.<SidecarOptions>value("--basic-auth-password-file").label("FILE")
          .description("Basic auth password file (re-read every time).")
          .to((o, v) -> o.basicAuthPasswordFile = path(v)),
      CliGrammar.<SidecarOptions>value("--cacert").label("FILE")
          .description("PEM CA bundle to trust.")
          .to((o, v) -> o.cacert = path(v)),
      CliGrammar.<SidecarOptions>value("--cert").label("FILE")
          .description("PEM client certificate (mTLS).")
          .to((o, v) -> o.cert = path(v)),
      CliGrammar.<SidecarOptions>value("--key").label("FILE")
          .description("PEM client key (mTLS): PKCS#8, PKCS#1 or SEC1.")
          .to((o, v) -> o.key = path(v)),
      CliGrammar.<SidecarOptions>flag("--insecure-skip-verify")
          .description("Do not verify TLS certificates.")
          .to((o, v) -> o.insecureSkipVerify = bool(v)),
      CliGrammar.<SidecarOptions>value("--timeout").label("DURATION").defaultValue("30s")
          .description("HTTP response / command / validation timeout; an HTTP attempt with"
              + " verification may take twice that (default: ${DEFAULT}).")
          .to((o, v) -> o.timeout = duration(v)),
      CliGrammar.<SidecarOptions>list("--render").label("TEMPLATE:OUTPUT")
          .description("Render TEMPLATE (${ENV_NAME}, ${file:/path}) into OUTPUT before"
              + " reloading; repeatable.")
          .to((o, v) -> o.renders.add(v)),
      CliGrammar.<SidecarOptions>value("--render-syntax").label("braces|parentheses")
          .defaultValue("braces")
          .description("braces: ${NAME}, ${file:/path}; parentheses: $(NAME), as"
              + " prometheus-config-reloader writes (default: ${DEFAULT}).")
          .to((o, v) -> o.renderSyntax = v),
      CliGrammar.<SidecarOptions>list("--render-allow-env").label("NAME")
          .description("An environment variable templates may read, or a prefix ending in *"
              + " (PROM_*); repeatable. By default templates read no variable.")
          .to((o, v) -> o.renderAllowEnv.add(v)),
      CliGrammar.<SidecarOptions>list("--render-allow-file").label("PATH")
          .description("A file, or a directory of files, that ${file:...} may read (a mounted"
              + " Secret); repeatable. By default templates read no file.")
          .to((o, v) -> o.renderAllowFiles.add(path(v))),
      CliGrammar.<SidecarOptions>optionalBoolean("--render-strict").defaultValue("true")
          .description("Fail the render on a reference without a value; false leaves it in"
              + " place (default: ${DEFAULT}).")
          .to((o, v) -> o.renderStrict = bool(v)),
      CliGrammar.<SidecarOptions>value("--render-output-mode").label("MODE")
          .description("Permissions of rendered outputs (default: 0640 with substituted"
              + " values, else 0644).")
          .to((o, v) -> o.renderOutputMode = Conversions.mode(v)),
      CliGrammar.<SidecarOptions>value("--render-output-group").label("GROUP")
          .description("Group of rendered outputs: the group the target runs as (default:"
              + " ours).")
          .to((o, v) -> o.renderOutputGroup = v),
      CliGrammar.<SidecarOptions>value("--validate-command").label("COMMAND")
          .description("Check new content first, e.g. 'promtool check config {file}'.")
          .to((o, v) -> o.validateCommand = v),
      CliGrammar.<SidecarOptions>value("--validate-file").label("FILE")
          .description("The file {file} stands for in --validate-command.")
          .to((o, v) -> o.validateFile = path(v)),
      CliGrammar.<SidecarOptions>flag("--dry-run")
          .description("Log what would be reloaded; call nothing.")
          .to((o, v) -> o.dryRun = bool(v)),
      CliGrammar.<SidecarOptions>flag("--once")
          .description("Render the outputs (and write the --from-* objects) once, then exit;"
              + " call nothing.")
          .to((o, v) -> o.once = bool(v)),
      CliGrammar.<SidecarOptions>value("--listen-address", "--web.listen-address",
              "-web.listen-address").label("HOST:PORT").defaultValue(":9533")
          .description("Where to serve /healthz, /readyz and metrics; every interface by"
              + " default, as kubelet probes the pod IP; empty for none (default: ${DEFAULT}).")
          .to((o, v) -> o.listenAddress = Conversions.listenAddressOption(v)),
      CliGrammar.<SidecarOptions>value("--metrics-path", "--web.telemetry-path",
              "-web.telemetry-path").label("PATH").defaultValue("/metrics")
          .description("Path of the metrics (default: ${DEFAULT}).")
          .to((o, v) -> o.metricsPath = v),
      CliGrammar.<SidecarOptions>value("--unhealthy-after").label("DURATION").defaultValue("60s")
          .description("/healthz fails once the watcher could not watch or scan, or the watch of"
              + " a --from-* object was disconnected or silent, for this long (default:"
              + " ${DEFAULT}).")
          .to((o, v) -> o.unhealthyAfter = duration(v)),
      CliGrammar.<SidecarOptions>value("--wait-for-dirs").label("DURATION").defaultValue("0s")
          .description("Wait up to DURATION for missing watch paths to appear.")
          .to((o, v) -> o.waitForDirs = duration(v)),
      CliGrammar.<SidecarOptions>optionalBoolean("-v", "--verbose")
          .description("Log every event and decision (DEBUG).")
          .to((o, v) -> o.verbose = bool(v)),
      CliGrammar.<SidecarOptions>value("--log-level").label("LEVEL").defaultValue("info")
          .description("debug, info, warn or error (default: ${DEFAULT}).")
          .to((o, v) -> o.logLevel = v),
      CliGrammar.<SidecarOptions>value("--log-format").label("FORMAT").defaultValue("text")
          .description("text, logfmt or json (one object per line) (default: ${DEFAULT}).")
          .to((o, v) -> o.logFormat = v)));

  // Set by the front ends, not by options.

  /** Which argument grammar was used, for messages. */
  String frontEnd = "reloadwatch";

  /** Extra template variables, such as STATEFULSET_ORDINAL_NUMBER. */
  Map<String, String> renderExtraEnvironment = new LinkedHashMap<>();

  /** Variables templates may read unless --render-allow-env is given (front-end defaults). */
  List<String> renderDefaultAllowEnv = new ArrayList<>();

  /** prometheus-config-reloader's runtime info URL, to confirm signal reloads; or null. */
  URI runtimeInfoUrl;

  /** Whether objects are read from the Kubernetes API (--from-configmap, --from-secret). */
  boolean fromApi() {
    return !fromConfigMaps.isEmpty() || !fromSecrets.isEmpty();
  }

  /** The effective longest delay: --max-delay, or 5 s and at least --debounce. */
  Duration effectiveMaxDelay() {
    if (maxDelay != null) {
      return maxDelay;
    }
    Duration fallback = Duration.ofSeconds(5);
    return debounce.compareTo(fallback) > 0 ? debounce : fallback;
  }

  /** The template syntax named by --render-syntax. */
  TemplateSyntax templateSyntax() {
    return renderSyntax.equals("parentheses")
        ? TemplateSyntax.DOLLAR_PARENTHESES : TemplateSyntax.DOLLAR_BRACES;
  }
}
