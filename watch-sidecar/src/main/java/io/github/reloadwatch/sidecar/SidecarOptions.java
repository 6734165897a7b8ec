package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.TemplateSyntax;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the sidecar is asked to do: reloadwatch's own options, with configmap-reload's flags as
 * aliases. The weaveworks/watch and prometheus-config-reloader front ends fill in the same object
 * from their peers' flags. Fields are read by {@link Targets}, {@link WatcherAssembly} and {@link
 * SidecarRun}; {@link OptionChecks} checks combinations.
 */
@Command(
    name = "reloadwatch-sidecar",
    mixinStandardHelpOptions = true,
    versionProvider = Conversions.Version.class,
    sortOptions = false,
    defaultValueProvider = Conversions.EnvironmentDefaults.class,
    usageHelpAutoWidth = true,
    description = {
      "Watches config folders (Kubernetes ConfigMaps included) and reloads a server when their"
          + " content really changes.",
      "",
      "Targets: --url, --prometheus, --alertmanager (HTTP), --signal with --pid, --pid-file or"
          + " --process-name, or a command after --.",
      "Or, instead of a mounted folder, read ConfigMaps and Secrets straight from the Kubernetes"
          + " API: --from-configmap NAME --materialize DIR.",
      "Also runs the argument lines of weaveworks/watch (-p DIR COMMAND...), configmap-reload"
          + " (--volume-dir, --webhook-url) and prometheus-config-reloader (--config-file,"
          + " --watched-dir, --reload-url) unchanged.",
      "Every option also reads RELOADWATCH_<OPTION> from the environment, e.g."
          + " RELOADWATCH_WATCH=/etc/prometheus.",
      ""
    })
final class SidecarOptions {

  @Option(names = {"--watch", "--volume-dir", "-volume-dir"}, paramLabel = "DIR", split = ",",
      description = "Directory (or file) to watch; repeatable.")
  List<Path> watch = new ArrayList<>();

  @Option(names = "--from-configmap", paramLabel = "[NAMESPACE/]NAME", split = ",",
      description = "Read this ConfigMap straight from the Kubernetes API (no kubelet delay) and"
          + " write it into --materialize DIR; repeatable.")
  List<String> fromConfigMaps = new ArrayList<>();

  @Option(names = "--from-secret", paramLabel = "[NAMESPACE/]NAME", split = ",",
      description = "Like --from-configmap, for a Secret (files 0600; use a memory-backed DIR);"
          + " repeatable.")
  List<String> fromSecrets = new ArrayList<>();

  @Option(names = "--materialize", paramLabel = "DIR",
      description = "Where --from-configmap/--from-secret objects are written, in kubelet's"
          + " layout, and watched: DIR itself for one object, DIR/<name> for each of several.")
  Path materialize;

  @Option(names = "--recursive", description = "Include subdirectories.")
  boolean recursive;

  @Option(names = "--exclude-regex", paramLabel = "REGEX",
      description = "Changes only to paths matching REGEX (anywhere in the path) do not reload.")
  Pattern excludeRegex;

  @Option(names = {"--url", "--webhook-url", "-webhook-url"}, paramLabel = "URL", split = ",",
      converter = Conversions.UrlConverter.class,
      description = "HTTP endpoint to call on change; repeatable. user:password@ in the URL is"
          + " sent as basic auth and never shown.")
  List<URI> urls = new ArrayList<>();

  @Option(names = {"--http-method", "--webhook-method", "-webhook-method"}, paramLabel = "METHOD",
      defaultValue = "POST", description = "Method for --url (default: ${DEFAULT-VALUE}).")
  String httpMethod;

  @Option(names = {"--expect-status", "--webhook-status-code", "-webhook-status-code"},
      paramLabel = "CODE", description = "Status that means success for --url (default: any 2xx).")
  Integer expectStatus;

  @Option(names = "--prometheus", paramLabel = "BASE_URL", converter = Conversions.UrlConverter.class,
      description = "Prometheus base URL (with any --web.route-prefix): POST <base>/-/reload.")
  URI prometheus;

  @Option(names = "--alertmanager", paramLabel = "BASE_URL",
      converter = Conversions.UrlConverter.class,
      description = "Alertmanager base URL: POST <base>/-/reload.")
  URI alertmanager;

  @Option(names = "--verify", description = "With --prometheus/--alertmanager, confirm the target"
      + " really loaded the config after a 200 (not possible with --url).")
  boolean verify;

  @Option(names = "--signal", paramLabel = "NAME",
      description = "Signal to send on change (HUP, USR1, ...), with --pid, --pid-file or"
          + " --process-name.")
  String signal;

  @Option(names = "--pid", paramLabel = "N", description = "Process to signal.")
  Long pid;

  @Option(names = "--pid-file", paramLabel = "FILE", description = "File holding the pid to"
      + " signal, read on every reload.")
  Path pidFile;

  @Option(names = "--process-name", paramLabel = "NAME", description = "Signal the process whose"
      + " executable is NAME, looked up on every reload (Kubernetes: shareProcessNamespace).")
  String processName;

  @Option(names = "--debounce", paramLabel = "DURATION", converter = Conversions.DurationConverter.class,
      description = "Quiet period before acting (default: ${DEFAULT-VALUE}).", defaultValue = "250ms")
  Duration debounce;

  @Option(names = "--max-delay", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class,
      description = "Longest wait during continuous writes; not less than --debounce (default: 5s,"
          + " or --debounce if longer).")
  Duration maxDelay;

  @Option(names = "--resync-interval", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class, defaultValue = "3m",
      description = "Full rescan interval, 0 to disable (default: ${DEFAULT-VALUE}).")
  Duration resyncInterval;

  @Option(names = "--reload-on-start", paramLabel = "true|false", arity = "0..1",
      defaultValue = "true", fallbackValue = "true",
      description = "Reload once at start, retried until the target answers, so a change made"
          + " while the sidecar was down is applied (default: ${DEFAULT-VALUE}).")
  boolean reloadOnStart;

  @Option(names = {"--max-attempts", "--webhook-retries", "-webhook-retries"}, paramLabel = "N",
      defaultValue = "0", description = "Attempts per content version, then wait for the next"
          + " change; 0 retries until success (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--retry-interval", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class,
      description = "Fixed wait between retries (default: 1s doubling up to 1m; 1s while the"
          + " target refuses connections).")
  Duration retryInterval;

  @Option(names = "--close-timeout", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class, defaultValue = "2s",
      description = "On SIGTERM, how long a running reload may finish before it is stopped, fit"
          + " for Kubernetes' grace period (default: ${DEFAULT-VALUE}).")
  Duration closeTimeout;

  @Option(names = "--header", paramLabel = "NAME: VALUE", split = "\\n",
      converter = Conversions.HeaderConverter.class,
      description = "Extra HTTP header; repeatable. Values are never logged.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--bearer-token-file", paramLabel = "FILE",
      description = "Send 'Authorization: Bearer' with the token in FILE (re-read every time).")
  Path bearerTokenFile;

  @Option(names = "--basic-auth-user", paramLabel = "USER", description = "Basic auth user.")
  String basicAuthUser;

  @Option(names = "--basic-auth-password-file", paramLabel = "FILE",
      description = "Basic auth password file (re-read every time).")
  Path basicAuthPasswordFile;

  @Option(names = "--cacert", paramLabel = "FILE", description = "PEM CA bundle to trust.")
  Path cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "PEM client certificate (mTLS).")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "PEM PKCS#8 client key (mTLS).")
  Path key;

  @Option(names = "--insecure-skip-verify", description = "Do not verify TLS certificates.")
  boolean insecureSkipVerify;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = Conversions.DurationConverter.class,
      defaultValue = "30s", description = "HTTP response / command / validation timeout; an HTTP"
          + " attempt with verification may take twice that (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--render", paramLabel = "TEMPLATE:OUTPUT", split = ",",
      description = "Render TEMPLATE ($${ENV_NAME}, $${file:/path}) into OUTPUT before reloading;"
          + " repeatable.")
  List<String> renders = new ArrayList<>();

  @Option(names = "--render-syntax", paramLabel = "braces|parentheses", defaultValue = "braces",
      description = "braces: $${NAME}, $${file:/path}; parentheses: $(NAME), as"
          + " prometheus-config-reloader writes (default: ${DEFAULT-VALUE}).")
  String renderSyntax;

  @Option(names = "--render-allow-env", paramLabel = "NAME", split = ",",
      description = "An environment variable templates may read, or a prefix ending in *"
          + " (PROM_*); repeatable. By default templates read no variable.")
  List<String> renderAllowEnv = new ArrayList<>();

  @Option(names = "--render-allow-file", paramLabel = "PATH", split = ",",
      description = "A file, or a directory of files, that $${file:...} may read (a mounted"
          + " Secret); repeatable. By default templates read no file.")
  List<Path> renderAllowFiles = new ArrayList<>();

  @Option(names = "--render-strict", paramLabel = "true|false", arity = "0..1",
      defaultValue = "true", fallbackValue = "true", description = "Fail the render on a"
          + " reference without a value; false leaves it in place (default: ${DEFAULT-VALUE}).")
  boolean renderStrict;

  @Option(names = "--render-output-mode", paramLabel = "MODE", converter = Conversions.ModeConverter.class,
      description = "Permissions of rendered outputs (default: 0640 with substituted values,"
          + " else 0644).")
  Integer renderOutputMode;

  @Option(names = "--render-output-group", paramLabel = "GROUP",
      description = "Group of rendered outputs: the group the target runs as (default: ours).")
  String renderOutputGroup;

  @Option(names = "--validate-command", paramLabel = "COMMAND",
      description = "Check new content first, e.g. 'promtool check config {file}'.")
  String validateCommand;

  @Option(names = "--validate-file", paramLabel = "FILE",
      description = "The file {file} stands for in --validate-command.")
  Path validateFile;

  @Option(names = "--dry-run", description = "Log what would be reloaded; call nothing.")
  boolean dryRun;

  @Option(names = "--once", description = "Render the outputs (and write the --from-* objects)"
      + " once, then exit; call nothing.")
  boolean once;

  @Option(names = {"--listen-address", "--web.listen-address", "-web.listen-address"},
      paramLabel = "HOST:PORT", defaultValue = ":9533",
      converter = Conversions.ListenAddressConverter.class,
      description = "Where to serve /healthz, /readyz and metrics; every interface by default, as"
          + " kubelet probes the pod IP; empty for none (default: ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(names = {"--metrics-path", "--web.telemetry-path", "-web.telemetry-path"},
      paramLabel = "PATH", defaultValue = "/metrics",
      description = "Path of the metrics (default: ${DEFAULT-VALUE}).")
  String metricsPath;

  @Option(names = "--unhealthy-after", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class, defaultValue = "60s",
      description = "/healthz fails once the watcher could not watch or scan, or the watch of a"
          + " --from-* object was disconnected or silent, for this long (default:"
          + " ${DEFAULT-VALUE}).")
  Duration unhealthyAfter;

  @Option(names = "--wait-for-dirs", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class, defaultValue = "0s",
      description = "Wait up to DURATION for missing watch paths to appear.")
  Duration waitForDirs;

  @Option(names = {"-v", "--verbose"}, paramLabel = "true|false", arity = "0..1",
      fallbackValue = "true", description = "Log every event and decision (DEBUG).")
  boolean verbose;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "debug, info, warn or error (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text, logfmt or json (one object per line) (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Parameters(paramLabel = "COMMAND", description = "Command to run on change, after --.")
  List<String> command = new ArrayList<>();

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
