package io.github.reloadwatch.sidecar;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The prometheus-config-reloader front end: its flags, as prometheus-operator writes them into
 * every Prometheus and Alertmanager pod, mapped onto the sidecar. {@code --config-file} with
 * {@code --config-envsubst-file} renders {@code $(VAR)} references (gzip input decompressed) into
 * the output, tolerating unset variables as the peer does; {@code --reload-method=signal} sends
 * SIGHUP to the process named by {@code --process-executable-name}; {@code --watch-interval=0}
 * renders once and exits (the init container).
 */
@Command(
    name = "reloadwatch-sidecar",
    mixinStandardHelpOptions = true,
    versionProvider = Conversions.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {"prometheus-config-reloader's flags, run by reloadwatch. Its other options come"
        + " from RELOADWATCH_<OPTION> environment variables.", ""})
final class PrometheusConfigReloaderArgs {

  /** Flags that only prometheus-config-reloader has: their presence selects this front end. */
  static final Set<String> OWN_FLAGS = Set.of("config-file", "config-envsubst-file",
      "watched-dir", "reload-url", "watch-interval", "delay-interval", "reload-timeout",
      "reload-method", "process-executable-name", "runtimeinfo-url",
      "statefulset-ordinal-from-envvar", "web-config-file", "auto-gomemlimit-ratio");

  /**
   * The variables prometheus-operator sets in the reloader's container (and the one the reloader
   * derives), which its generated configs reference; the only ones templates may read unless
   * {@code RELOADWATCH_RENDER_ALLOW_ENV} names others. The peer reads every variable.
   */
  static final List<String> OPERATOR_VARIABLES = List.of("POD_NAME", "NODE_NAME", "SHARD",
      "TOPOLOGY_ZONE", "INZONE_SHARD", "STATEFULSET_ORDINAL_NUMBER");

  @Option(names = "--config-file", paramLabel = "FILE", description = "config file watched by"
      + " the reloader")
  Path configFile;

  @Option(names = "--config-envsubst-file", paramLabel = "FILE", description = "output file for"
      + " environment variable substituted config file")
  Path configEnvsubstFile;

  @Option(names = "--watch-interval", paramLabel = "DURATION", defaultValue = "3m",
      converter = Conversions.DurationConverter.class, description = "how often the reloader"
          + " re-reads the configuration file and directories; 0 renders once and exits")
  Duration watchInterval;

  @Option(names = "--delay-interval", paramLabel = "DURATION", defaultValue = "1s",
      converter = Conversions.DurationConverter.class,
      description = "how long the reloader waits before reloading after it has detected a change")
  Duration delayInterval;

  @Option(names = "--retry-interval", paramLabel = "DURATION",
      converter = Conversions.DurationConverter.class, description = "how long the reloader waits"
          + " before retrying (default: reloadwatch's 1s doubling up to 1m)")
  Duration retryInterval;

  @Option(names = "--reload-timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = Conversions.DurationConverter.class,
      description = "how long the reloader waits for a response from the reload URL")
  Duration reloadTimeout;

  @Option(names = "--auto-gomemlimit-ratio", paramLabel = "RATIO", hidden = true,
      description = "a Go runtime setting; accepted and ignored")
  String goMemLimitRatio;

  @Option(names = "--watched-dir", paramLabel = "DIR", description = "directory to watch"
      + " non-recursively; repeatable")
  List<Path> watchedDirs = new ArrayList<>();

  @Option(names = "--reload-method", paramLabel = "http|signal", defaultValue = "http",
      description = "method used to reload the configuration")
  String reloadMethod;

  @Option(names = "--process-executable-name", paramLabel = "NAME", defaultValue = "prometheus",
      description = "executable name used to match the process when using the signal reload"
          + " method")
  String processName;

  @Option(names = "--statefulset-ordinal-from-envvar", paramLabel = "VAR",
      defaultValue = "POD_NAME", description = "parse this environment variable to create"
          + " STATEFULSET_ORDINAL_NUMBER, containing the statefulset ordinal number")
  String ordinalFrom;

  @Option(names = "--listen-address", paramLabel = "HOST:PORT", defaultValue = "",
      converter = Conversions.ListenAddressConverter.class,
      description = "address on which to expose metrics and probes (disabled when empty)")
  String listenAddress;

  @Option(names = "--web-config-file", paramLabel = "FILE", hidden = true,
      description = "TLS or authentication for the web server: not supported")
  String webConfigFile;

  @Option(names = "--log-format", paramLabel = "logfmt|json", defaultValue = "logfmt",
      description = "log format to use")
  String logFormat;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "log level to use: debug, info, warn, error")
  String logLevel;

  @Option(names = "--reload-url", paramLabel = "URL", defaultValue = "http://127.0.0.1:9090/-/reload",
      converter = Conversions.UrlConverter.class, description = "URL to trigger the configuration")
  URI reloadUrl;

  @Option(names = "--runtimeinfo-url", paramLabel = "URL",
      defaultValue = "http://127.0.0.1:9090/api/v1/status/runtimeinfo",
      converter = Conversions.UrlConverter.class,
      description = "URL to check the status of the runtime configuration (signal method)")
  URI runtimeInfoUrl;

  /** Whether these arguments use a flag only prometheus-config-reloader has. */
  static boolean matches(String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (arg.startsWith("--")) {
        String name = arg.substring(2);
        int eq = name.indexOf('=');
        if (OWN_FLAGS.contains(eq >= 0 ? name.substring(0, eq) : name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Maps the parsed flags onto {@code o} (the environment's defaults). */
  SidecarOptions apply(SidecarOptions o) {
    o.frontEnd = "prometheus-config-reloader";
    if (webConfigFile != null && !webConfigFile.isBlank()) {
      throw new UsageException("--web-config-file (TLS or authentication for the metrics"
          + " endpoint) is not supported: remove it, and keep the port private with a"
          + " NetworkPolicy or --listen-address=127.0.0.1:PORT");
    }
    if (!Set.of("http", "signal").contains(reloadMethod)) {
      throw new UsageException("--reload-method takes http or signal, got '" + reloadMethod + "'");
    }
    if (configEnvsubstFile != null && configFile == null) {
      throw new UsageException("--config-envsubst-file needs --config-file");
    }
    o.watch.addAll(watchedDirs);
    if (configFile != null) {
      if (!watchedDirs.contains(configFile.toAbsolutePath().getParent())
          && !watchedDirs.contains(configFile.getParent())) {
        o.watch.add(configFile);
      }
      if (configEnvsubstFile != null) {
        o.renders.add(configFile + ":" + configEnvsubstFile);
        o.renderSyntax = "parentheses";
        o.renderStrict = false; // the peer leaves unset variables in place, with a warning
        o.renderDefaultAllowEnv = new ArrayList<>(OPERATOR_VARIABLES);
        o.renderExtraEnvironment.put("STATEFULSET_ORDINAL_NUMBER",
            ordinal(System.getenv(ordinalFrom)));
      }
    }
    if (watchInterval.isZero()) {
      o.once = true;
    } else {
      o.resyncInterval = watchInterval;
    }
    o.debounce = delayInterval;
    if (retryInterval != null) {
      o.retryInterval = retryInterval;
    }
    o.timeout = reloadTimeout;
    if (reloadMethod.equals("signal")) {
      o.signal = "HUP";
      o.processName = processName;
      o.runtimeInfoUrl = runtimeInfoUrl;
    } else {
      o.urls.add(reloadUrl);
      o.expectStatus = 200;
    }
    o.listenAddress = listenAddress;
    o.logFormat = logFormat;
    o.logLevel = logLevel;
    return o;
  }

  /** The digits at the end of a pod name such as {@code prometheus-k8s-1}, or empty. */
  static String ordinal(String podName) {
    if (podName == null) {
      return "";
    }
    Matcher m = Pattern.compile("\\d+$").matcher(podName);
    return m.find() ? m.group() : "";
  }
}
