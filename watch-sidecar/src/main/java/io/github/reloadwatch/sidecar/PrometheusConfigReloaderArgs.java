package io.github.reloadwatch.sidecar;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prometheus-config-reloader front end: its flags, as prometheus-operator writes them into
 * every Prometheus and Alertmanager pod, mapped onto the sidecar. {@code --config-file} with
 * {@code --config-envsubst-file} renders {@code $(VAR)} references (gzip input decompressed) into
 * the output, tolerating unset variables as the peer does; {@code --reload-method=signal} sends
 * SIGHUP to the process named by {@code --process-executable-name}; {@code --watch-interval=0}
 * renders once and exits (the init container).
 */
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

  Path configFile;
  Path configEnvsubstFile;
  Duration watchInterval;
  Duration delayInterval;
  Duration retryInterval;
  Duration reloadTimeout;
  String goMemLimitRatio;
  List<Path> watchedDirs = new ArrayList<>();
  String reloadMethod;
  String processName;
  String ordinalFrom;
  String listenAddress;
  String webConfigFile;
  String logFormat;
  String logLevel;
  URI reloadUrl;
  URI runtimeInfoUrl;

  /** The peer's flags; its own options are not read from the environment (the sidecar's are). */
  static final CliGrammar<PrometheusConfigReloaderArgs> GRAMMAR = new CliGrammar<>(
      "reloadwatch-sidecar [OPTIONS]",
      List.of("prometheus-config-reloader's flags, run by reloadwatch. Its other options come"
          + " from RELOADWATCH_<OPTION> environment variables."),
      List.of(
      CliGrammar.<PrometheusConfigReloaderArgs>value("--config-file").label("FILE")
          .description("config file watched by the reloader")
          .to((a, v) -> a.configFile = Conversions.path(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--config-envsubst-file").label("FILE")
          .description("output file for environment variable substituted config file")
          .to((a, v) -> a.configEnvsubstFile = Conversions.path(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--watch-interval").label("DURATION")
          .defaultValue("3m")
          .description("how often the reloader re-reads the configuration file and directories;"
              + " 0 renders once and exits")
          .to((a, v) -> a.watchInterval = Conversions.duration(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--delay-interval").label("DURATION")
          .defaultValue("1s")
          .description("how long the reloader waits before reloading after it has detected a"
              + " change")
          .to((a, v) -> a.delayInterval = Conversions.duration(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--retry-interval").label("DURATION")
          .description("how long the reloader waits before retrying (default: reloadwatch's 1s"
              + " doubling up to 1m)")
          .to((a, v) -> a.retryInterval = Conversions.duration(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--reload-timeout").label("DURATION")
          .defaultValue("30s")
          .description("how long the reloader waits for a response from the reload URL")
          .to((a, v) -> a.reloadTimeout = Conversions.duration(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--auto-gomemlimit-ratio").label("RATIO")
          .hidden().description("a Go runtime setting; accepted and ignored")
          .to((a, v) -> a.goMemLimitRatio = v),
      CliGrammar.<PrometheusConfigReloaderArgs>list("--watched-dir").label("DIR").split(null)
          .description("directory to watch non-recursively; repeatable")
          .to((a, v) -> a.watchedDirs.add(Conversions.path(v))),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--reload-method").label("http|signal")
          .defaultValue("http").description("method used to reload the configuration")
          .to((a, v) -> a.reloadMethod = v),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--process-executable-name").label("NAME")
          .defaultValue("prometheus")
          .description("executable name used to match the process when using the signal reload"
              + " method")
          .to((a, v) -> a.processName = v),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--statefulset-ordinal-from-envvar")
          .label("VAR").defaultValue("POD_NAME")
          .description("parse this environment variable to create STATEFULSET_ORDINAL_NUMBER,"
              + " containing the statefulset ordinal number")
          .to((a, v) -> a.ordinalFrom = v),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--listen-address").label("HOST:PORT")
          .defaultValue("")
          .description("address on which to expose metrics and probes (disabled when empty)")
          .to((a, v) -> a.listenAddress = Conversions.listenAddressOption(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--web-config-file").label("FILE").hidden()
          .description("TLS or authentication for the web server: not supported")
          .to((a, v) -> a.webConfigFile = v),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--log-format").label("logfmt|json")
          .defaultValue("logfmt").description("log format to use")
          .to((a, v) -> a.logFormat = v),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--log-level").label("LEVEL")
          .defaultValue("info").description("log level to use: debug, info, warn, error")
          .to((a, v) -> a.logLevel = v),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--reload-url").label("URL")
          .defaultValue("http://127.0.0.1:9090/-/reload")
          .description("URL to trigger the configuration")
          .to((a, v) -> a.reloadUrl = Conversions.url(v)),
      CliGrammar.<PrometheusConfigReloaderArgs>value("--runtimeinfo-url").label("URL")
          .defaultValue("http://127.0.0.1:9090/api/v1/status/runtimeinfo")
          .description("URL to check the status of the runtime configuration (signal method)")
          .to((a, v) -> a.runtimeInfoUrl = Conversions.url(v))));

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
