package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.CommandReloadAction;
import io.github.reloadwatch.CommandValidator;
import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.SignalReloadAction;
import io.github.reloadwatch.sidecar.logging.SidecarLogging;
import io.github.reloadwatch.http.AlertmanagerReload;
import io.github.reloadwatch.http.HttpReloadAction;
import io.github.reloadwatch.http.PrometheusReload;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The reloadwatch sidecar: watches config folders and reloads a server by HTTP, signal or
 * command. A drop-in for {@code weaveworks/watch} and {@code configmap-reload}.
 *
 * <pre>
 * reloadwatch-sidecar --watch /etc/prometheus --prometheus http://localhost:9090
 * reloadwatch-sidecar --watch /etc/prometheus -- curl -fsS -X POST http://localhost:9090/-/reload
 * </pre>
 *
 * <p>Every option can also be set with an environment variable: {@code --max-delay} is {@code
 * RELOADWATCH_MAX_DELAY}; repeatable options take a comma-separated list.
 */
@Command(
    name = "reloadwatch-sidecar",
    mixinStandardHelpOptions = true,
    versionProvider = Sidecar.Version.class,
    sortOptions = false,
    defaultValueProvider = Sidecar.EnvironmentDefaults.class,
    description = {
      "Watches config folders (Kubernetes ConfigMaps included) and reloads a server when their"
          + " content really changes.",
      "",
      "Targets: --url, --prometheus, --alertmanager (HTTP), --signal with --pid/--pid-file, or a"
          + " command after --.",
      "Every option also reads RELOADWATCH_<OPTION> from the environment, e.g."
          + " RELOADWATCH_WATCH=/etc/prometheus.",
      ""
    })
public final class Sidecar implements Callable<Integer> {

  /** Looked up late, so that main() can set the log level before SLF4J initializes. */
  private static Logger logger() {
    return LoggerFactory.getLogger(Sidecar.class);
  }

  @Option(names = "--watch", paramLabel = "DIR", split = ",",
      description = "Directory (or file) to watch; repeatable.")
  List<Path> watch = new ArrayList<>();

  @Option(names = "--url", paramLabel = "URL", split = ",",
      description = "HTTP endpoint to POST to on change; repeatable.")
  List<URI> urls = new ArrayList<>();

  @Option(names = "--prometheus", paramLabel = "BASE_URL",
      description = "Prometheus base URL (with any --web.route-prefix): POST <base>/-/reload.")
  URI prometheus;

  @Option(names = "--alertmanager", paramLabel = "BASE_URL",
      description = "Alertmanager base URL: POST <base>/-/reload.")
  URI alertmanager;

  @Option(names = "--verify", description = "With --prometheus/--alertmanager, confirm the target"
      + " really loaded the config after a 200.")
  boolean verify;

  @Option(names = "--signal", paramLabel = "NAME",
      description = "Signal to send on change (HUP, USR1, ...), with --pid or --pid-file.")
  String signal;

  @Option(names = "--pid", paramLabel = "N", description = "Process to signal.")
  Long pid;

  @Option(names = "--pid-file", paramLabel = "FILE", description = "File holding the pid to"
      + " signal, read on every reload.")
  Path pidFile;

  @Option(names = "--debounce", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Quiet period before acting (default: ${DEFAULT-VALUE}).", defaultValue = "250ms")
  Duration debounce;

  @Option(names = "--max-delay", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Longest wait during continuous writes (default: ${DEFAULT-VALUE}).",
      defaultValue = "5s")
  Duration maxDelay;

  @Option(names = "--resync-interval", paramLabel = "DURATION",
      converter = DurationConverter.class, defaultValue = "3m",
      description = "Full rescan interval, 0 to disable (default: ${DEFAULT-VALUE}).")
  Duration resyncInterval;

  @Option(names = "--reload-on-start", description = "Reload once at start-up.")
  boolean reloadOnStart;

  @Option(names = "--recursive", description = "Include subdirectories.")
  boolean recursive;

  @Option(names = "--header", paramLabel = "NAME: VALUE", split = "\\|",
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

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "30s", description = "HTTP response / command timeout (default:"
          + " ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--render", paramLabel = "TEMPLATE:OUTPUT", split = ",",
      description = "Render TEMPLATE (${ENV}, ${file:/path}) into OUTPUT before reloading;"
          + " repeatable.")
  List<String> renders = new ArrayList<>();

  @Option(names = "--render-allow-env", paramLabel = "NAME", split = ",",
      description = "An environment variable templates may read, or a prefix ending in *"
          + " (PROM_*); repeatable. By default templates read no variable.")
  List<String> renderAllowEnv = new ArrayList<>();

  @Option(names = "--render-allow-file", paramLabel = "PATH", split = ",",
      description = "A file, or a directory of files, that ${file:...} may read (a mounted"
          + " Secret); repeatable. By default templates read no file.")
  List<Path> renderAllowFiles = new ArrayList<>();

  @Option(names = "--validate-command", paramLabel = "COMMAND",
      description = "Check new content first, e.g. 'promtool check config {file}'.")
  String validateCommand;

  @Option(names = "--validate-file", paramLabel = "FILE",
      description = "The file {file} stands for in --validate-command.")
  Path validateFile;

  @Option(names = "--dry-run", description = "Log what would be reloaded; call nothing.")
  boolean dryRun;

  @Option(names = "--listen-address", paramLabel = "HOST:PORT", defaultValue = ":9533",
      description = "Where to serve /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(names = "--wait-for-dirs", paramLabel = "DURATION", converter = DurationConverter.class,
      defaultValue = "0s", description = "Wait up to DURATION for missing watch paths to appear.")
  Duration waitForDirs;

  @Option(names = {"-v", "--verbose"}, description = "Log every event and decision (DEBUG).")
  boolean verbose;

  @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
      description = "Log line format: text, or json for log pipelines (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Parameters(paramLabel = "COMMAND", description = "Command to run on change, after --.")
  List<String> command = new ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final AtomicReference<ReloadWatcher> running = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile StatusServer statusServer;

  /**
   * Runs the sidecar and exits with its status: 0 after SIGTERM, 1 on a start-up failure, 2 on
   * bad arguments.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    configureLogging(args);
    System.exit(commandLine().execute(args));
  }

  /**
   * Returns the configured command line, for tests.
   *
   * @return a picocli command line for a new sidecar
   */
  public static CommandLine commandLine() {
    return new CommandLine(new Sidecar())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("reloadwatch-sidecar: " + e.getMessage());
          return 1;
        });
  }

  /** Sets up the log backend (SidecarLogging) before SLF4J initializes. */
  private static void configureLogging(String[] args) {
    String format = System.getenv("RELOADWATCH_LOG_FORMAT");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-v") || arg.equals("--verbose")) {
        System.setProperty(SidecarLogging.LEVEL, "debug");
      } else if (arg.startsWith("--log-format=")) {
        format = arg.substring("--log-format=".length());
      } else if (arg.equals("--log-format") && i + 1 < args.length) {
        format = args[i + 1];
      } else if (arg.equals("--")) {
        break;
      }
    }
    if (format != null) {
      System.setProperty(SidecarLogging.FORMAT, format);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    List<ReloadAction> actions = actions();
    if (watch.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine(spec),
          "Missing required option: --watch (or RELOADWATCH_WATCH)");
    }
    if (actions.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine(spec),
          "no reload target: give --url, --prometheus, --alertmanager, --signal with --pid or"
              + " --pid-file, or a command after --");
    }
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new CommandLine.ParameterException(commandLine(spec),
          "--log-format takes text or json, got '" + logFormat + "'");
    }
    awaitPaths(err);
    ReloadWatcher.Builder builder = ReloadWatcher.builder()
        .debounce(debounce)
        .maxDelay(maxDelay.compareTo(debounce) < 0 ? debounce : maxDelay)
        .resyncInterval(resyncInterval)
        .reloadOnStart(reloadOnStart)
        .recursive(recursive)
        .dryRun(dryRun);
    watch.forEach(builder::addPath);
    actions.forEach(builder::addAction);
    for (String render : renders) {
      int colon = render.lastIndexOf(':');
      if (colon <= 0 || colon == render.length() - 1) {
        throw new CommandLine.ParameterException(commandLine(spec),
            "--render takes TEMPLATE:OUTPUT, got '" + render + "'");
      }
      builder.addRender(Path.of(render.substring(0, colon)), Path.of(render.substring(colon + 1)));
    }
    if (!renderAllowEnv.isEmpty()) {
      try {
        builder.renderAllowEnv(renderAllowEnv.toArray(new String[0]));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(commandLine(spec),
            "--render-allow-env: " + e.getMessage());
      }
    }
    renderAllowFiles.forEach(builder::renderAllowFile);
    if (validateCommand != null) {
      CommandValidator.Builder validator = CommandValidator.builder()
          .command(validateCommand.trim().split("\\s+"))
          .timeout(timeout);
      if (validateFile != null) {
        validator.file(validateFile);
      }
      builder.addValidator(validator.build());
    }
    SidecarMetrics metrics = new SidecarMetrics(watch.size(), Clock.systemUTC());
    builder.listener(metrics);
    ReloadWatcher watcher = builder.build();

    statusServer = StatusServer.start(parseListen(listenAddress), running::get, metrics.registry());
    Thread hook = new Thread(this::shutdown, "reloadwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      watcher.start();
    } catch (java.io.IOException e) {
      statusServer.close();
      Runtime.getRuntime().removeShutdownHook(hook);
      err.println("reloadwatch-sidecar: " + e.getMessage());
      return 1;
    }
    running.set(watcher);
    logger().info("ready: /healthz /readyz /metrics on port {}", statusServer.port());
    stopped.await();
    return 0;
  }

  /** Stops on SIGTERM/SIGINT: closes the watcher and server, then exits with status 0. */
  private void shutdown() {
    ReloadWatcher watcher = running.getAndSet(null);
    if (watcher != null) {
      logger().info("stopping");
      watcher.close();
    }
    if (statusServer != null) {
      statusServer.close();
    }
    stopped.countDown();
    // a JVM ended by SIGTERM exits with 143; a sidecar stopped on purpose reports success
    Runtime.getRuntime().halt(0);
  }

  private void awaitPaths(PrintWriter err) throws InterruptedException {
    long deadline = System.nanoTime() + waitForDirs.toNanos();
    boolean told = false;
    while (true) {
      List<Path> missing = watch.stream().filter(p -> !Files.exists(p)).toList();
      if (missing.isEmpty() || System.nanoTime() >= deadline) {
        return; // start() reports what is still missing, with the path and the fix
      }
      if (!told) {
        err.println("reloadwatch-sidecar: waiting up to " + waitForDirs.toSeconds()
            + " s for " + missing + " to appear");
        told = true;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  List<ReloadAction> actions() {
    List<ReloadAction> result = new ArrayList<>();
    for (URI url : urls) {
      result.add(http(HttpReloadAction.builder().uri(url)).build());
    }
    if (prometheus != null) {
      result.add(http(PrometheusReload.at(prometheus)).verify(verify).build());
    }
    if (alertmanager != null) {
      result.add(http(AlertmanagerReload.at(alertmanager)).verify(verify).build());
    }
    if (signal != null || pid != null || pidFile != null) {
      if (signal == null) {
        signal = "HUP";
      }
      if ((pid == null) == (pidFile == null)) {
        throw new CommandLine.ParameterException(commandLine(spec),
            "--signal needs exactly one of --pid or --pid-file");
      }
      result.add(pid != null
          ? SignalReloadAction.toPid(pid, signal) : SignalReloadAction.toPidFile(pidFile, signal));
    }
    if (!command.isEmpty()) {
      result.add(CommandReloadAction.builder().command(command).timeout(timeout).build());
    }
    return result;
  }

  private HttpReloadAction.Builder http(HttpReloadAction.Builder b) {
    b.responseTimeout(timeout);
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new CommandLine.ParameterException(commandLine(spec),
            "--header takes 'Name: value', got a value without a colon");
      }
      b.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    if (bearerTokenFile != null) {
      b.bearerTokenFile(bearerTokenFile);
    }
    if (basicAuthUser != null) {
      if (basicAuthPasswordFile == null) {
        throw new CommandLine.ParameterException(commandLine(spec),
            "--basic-auth-user needs --basic-auth-password-file");
      }
      b.basicAuth(basicAuthUser, basicAuthPasswordFile);
    }
    if (cacert != null) {
      b.caCertificate(cacert);
    }
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new CommandLine.ParameterException(commandLine(spec),
            "--cert and --key go together");
      }
      b.clientCertificate(cert, key);
    }
    if (insecureSkipVerify) {
      b.insecureSkipVerify();
    }
    return b;
  }

  /** The command line this sidecar was parsed with, or a fresh one outside picocli. */
  private CommandLine commandLine(CommandLine.Model.CommandSpec spec) {
    return spec != null ? spec.commandLine() : new CommandLine(this);
  }

  static InetSocketAddress parseListen(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "--listen-address must be HOST:PORT or :PORT, got '" + address + "'");
    }
    String host = address.substring(0, colon);
    int port = Integer.parseInt(address.substring(colon + 1));
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** Parses {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT5S}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      Matcher m = SIMPLE.matcher(v);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofSeconds(n);
        };
      }
      try {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration: use 250ms, 5s, 2m or 1h");
      }
    }
  }

  /** Reads {@code RELOADWATCH_<OPTION>} for every option not given on the command line. */
  static final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
      if (argSpec instanceof CommandLine.Model.OptionSpec option) {
        String name = option.longestName().replaceFirst("^-+", "")
            .replace('-', '_').toUpperCase(Locale.ROOT);
        String value = System.getenv("RELOADWATCH_" + name);
        if (value != null) {
          return value;
        }
      }
      return argSpec.defaultValue();
    }
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Sidecar.class.getPackage().getImplementationVersion();
      return new String[] {"reloadwatch-sidecar " + (version != null ? version : "0.1.0-SNAPSHOT"),
          "Java " + Runtime.version()};
    }
  }
}
