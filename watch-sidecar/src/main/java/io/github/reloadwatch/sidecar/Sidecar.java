package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.sidecar.logging.SidecarLogConfigurator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reloadwatch sidecar ({@code java -jar reloadwatch-sidecar.jar}): watches config folders and
 * reloads a server by HTTP, signal or command, with {@code /healthz}, {@code /readyz} and metrics.
 *
 * <pre>
 * reloadwatch-sidecar --watch /etc/prometheus --prometheus http://localhost:9090
 * reloadwatch-sidecar --watch /etc/prometheus -- curl -fsS -X POST http://localhost:9090/-/reload
 * reloadwatch-sidecar --from-configmap prometheus-config --materialize /etc/prometheus \
 *     --prometheus http://localhost:9090
 * </pre>
 *
 * <p>It also runs its peers' argument lines unchanged: weaveworks/watch ({@code -v -t
 * -p=/etc/prometheus curl -X POST ...}), configmap-reload ({@code --volume-dir=...
 * --webhook-url=...}) and prometheus-config-reloader ({@code --config-file=...
 * --watched-dir=... --reload-url=...}). Every option can also be set with an environment
 * variable: {@code --max-delay} is {@code RELOADWATCH_MAX_DELAY}; repeatable options take a
 * comma-separated list. Exits with 0 after SIGTERM, 1 on a start-up failure, 2 on bad arguments.
 *
 * @since 0.1.0
 */
public final class Sidecar {

  private Sidecar() {}

  /**
   * Returns the logger of the sidecar's own lines. Looked up late, so that the log format and
   * level are set before logging starts.
   *
   * @return the logger named after this class
   */
  public static Logger logger() {
    return LoggerFactory.getLogger(Sidecar.class);
  }

  /**
   * Runs the sidecar and exits with its status: 0 after SIGTERM, 1 on a start-up failure, 2 on
   * bad arguments.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, out, err));
  }

  /** Parses, checks and runs; returns the exit status. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    FrontEnd frontEnd = FrontEnd.of(args);
    SidecarOptions options;
    try {
      options = frontEnd.parse(args, out);
      if (options == null) {
        return 0; // --help or --version
      }
      OptionChecks.check(options);
    } catch (UsageException e) {
      return usageError(frontEnd, e.getMessage(), err);
    }
    configureLogging(options);
    StatusServer.boundRequestTimes();
    try {
      return new SidecarRun(options).run();
    } catch (UsageException e) {
      return usageError(frontEnd, e.getMessage(), err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      logger().error("cannot start: {}", e.toString(), e);
      return 1;
    }
  }

  private static int usageError(FrontEnd frontEnd, String message, PrintWriter err) {
    err.println("reloadwatch-sidecar: " + message);
    frontEnd.usage(err);
    err.flush();
    return 2;
  }

  /** Sets the log format and level before SLF4J and logback initialize. */
  static void configureLogging(SidecarOptions options) {
    String level = options.verbose ? "debug" : options.logLevel.toLowerCase(Locale.ROOT);
    System.setProperty(SidecarLogConfigurator.LEVEL, level);
    System.setProperty(SidecarLogConfigurator.FORMAT, options.logFormat.toLowerCase(Locale.ROOT));
  }

  /** The argument grammars the sidecar understands, chosen by the flags a command line uses. */
  enum FrontEnd {
    /** reloadwatch's own options, with configmap-reload's flags as aliases. */
    NATIVE,
    /** weaveworks/watch: {@code [-v] [-t] [-p PATH]... [-x REGEXP] COMMAND...}. */
    WEAVEWORKS,
    /** prometheus-config-reloader's flags. */
    PROMETHEUS_CONFIG_RELOADER;

    static FrontEnd of(String[] args) {
      if (WeaveworksWatchArgs.matches(args)) {
        return WEAVEWORKS;
      }
      return PrometheusConfigReloaderArgs.matches(args) ? PROMETHEUS_CONFIG_RELOADER : NATIVE;
    }

    /** Parses the arguments; null when help or the version was printed. */
    SidecarOptions parse(String[] args, PrintWriter out) {
      return parse(args, System::getenv, out);
    }

    /**
     * Parses the arguments with {@code environment} as the source of {@code RELOADWATCH_*}
     * defaults; null when help or the version was printed.
     */
    SidecarOptions parse(String[] args, Function<String, String> environment, PrintWriter out) {
      switch (this) {
        case WEAVEWORKS:
          return WeaveworksWatchArgs.parse(args, nativeOptions(new String[0], environment, out));
        case PROMETHEUS_CONFIG_RELOADER: {
          PrometheusConfigReloaderArgs peer = new PrometheusConfigReloaderArgs();
          CliGrammar.Parsed parsed = PrometheusConfigReloaderArgs.GRAMMAR.parse(args,
              name -> null, peer);
          if (printed(parsed, PrometheusConfigReloaderArgs.GRAMMAR, out)) {
            return null;
          }
          if (!parsed.rest().isEmpty()) {
            throw CliGrammar.unexpected(parsed.rest().get(0));
          }
          return peer.apply(nativeOptions(new String[0], environment, out));
        }
        default:
          return nativeOptions(args, environment, out);
      }
    }

    void usage(PrintWriter err) {
      switch (this) {
        case WEAVEWORKS -> err.println(WeaveworksWatchArgs.USAGE);
        case PROMETHEUS_CONFIG_RELOADER -> PrometheusConfigReloaderArgs.GRAMMAR.usage(err);
        default -> SidecarOptions.GRAMMAR.usage(err);
      }
    }
  }

  /** reloadwatch's own grammar; a command goes after {@code --}. */
  static SidecarOptions nativeOptions(String[] args, PrintWriter out) {
    return nativeOptions(args, System::getenv, out);
  }

  /**
   * reloadwatch's own grammar, with {@code environment} as the source of {@code RELOADWATCH_*}
   * defaults; null when help or the version was printed.
   */
  static SidecarOptions nativeOptions(String[] args, Function<String, String> environment,
      PrintWriter out) {
    SidecarOptions options = new SidecarOptions();
    CliGrammar.Parsed parsed = SidecarOptions.GRAMMAR.parse(args, environment, options);
    if (printed(parsed, SidecarOptions.GRAMMAR, out)) {
      return null;
    }
    // words after the first positional one are the command's, so a command given without --
    // is refused with a hint instead of "Unknown option" for one of its flags
    if (!parsed.rest().isEmpty() && !parsed.afterSeparator()) {
      String first = parsed.rest().get(0);
      if (first.startsWith("-") && first.length() > 1) {
        throw CliGrammar.unexpected(first);
      }
      throw new UsageException("unexpected argument '" + Conversions.redactUserInfo(first)
          + "': a command to run goes after --, as in --watch DIR -- curl -fsS -X POST URL (or"
          + " use the weaveworks/watch form, -p DIR COMMAND...)");
    }
    options.command = new ArrayList<>(parsed.rest());
    return options;
  }

  private static boolean printed(CliGrammar.Parsed parsed, CliGrammar<?> grammar,
      PrintWriter out) {
    if (parsed.help()) {
      grammar.usage(out);
      return true;
    }
    if (parsed.version()) {
      Conversions.versionLines().forEach(out::println);
      out.flush();
      return true;
    }
    return false;
  }
}
