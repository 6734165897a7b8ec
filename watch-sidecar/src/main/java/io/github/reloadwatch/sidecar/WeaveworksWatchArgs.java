package io.github.reloadwatch.sidecar;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The weaveworks/watch front end: {@code [-v] [-t] [-p PATH]... [-x REGEXP] COMMAND [ARG]...}, as
 * Go's flag package reads it ({@code -p=X}, {@code -p X}, {@code --p X}; flags end at the first
 * word that is not one, or at {@code --}), so {@code -v -t -p=/etc/prometheus curl -X POST --fail
 * -o - -sS http://localhost:80/-/reload} runs unchanged.
 *
 * <p>As weaveworks/watch: directories are watched recursively, {@code -x} excludes paths matching a
 * regular expression anywhere in them, {@code -t} is accepted and changes nothing, {@code -p}
 * defaults to the working directory. Unlike it: {@code -p} may be repeated and every path is
 * watched (watch keeps only the last), a failed command is retried, and the command runs once at
 * start (as the image of 2017 did; its 2020 rewrite does not) so a change made while the sidecar
 * was down is applied: {@code RELOADWATCH_RELOAD_ON_START=false} turns that off.
 */
final class WeaveworksWatchArgs {

  static final String USAGE = "Usage (weaveworks/watch form): reloadwatch-sidecar [-v] [-t]"
      + " [-p PATH]... [-x REGEXP] COMMAND [ARG]...";

  private static final Set<String> BOOLEANS = Set.of("v", "t");
  private static final Set<String> VALUES = Set.of("p", "x");

  private WeaveworksWatchArgs() {}

  /**
   * Whether the arguments are weaveworks/watch's: only its flags before the command, and either a
   * command or one of {@code -p}, {@code -t}, {@code -x}.
   */
  static boolean matches(String[] args) {
    boolean watchFlag = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return watchFlag && i + 1 < args.length;
      }
      String name = flagName(arg);
      if (name == null) {
        return true; // the command
      }
      if (!BOOLEANS.contains(name) && !VALUES.contains(name)) {
        return false;
      }
      watchFlag |= !name.equals("v");
      if (VALUES.contains(name) && !arg.contains("=")) {
        i++;
      }
    }
    return watchFlag;
  }

  /** Applies weaveworks/watch's arguments on top of {@code base} (the environment's defaults). */
  static SidecarOptions parse(String[] args, SidecarOptions base) {
    base.frontEnd = "weaveworks/watch";
    base.recursive = true;
    List<Path> paths = new ArrayList<>();
    int i = 0;
    for (; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        i++;
        break;
      }
      String name = flagName(arg);
      if (name == null) {
        break;
      }
      int eq = arg.indexOf('=');
      String value;
      if (VALUES.contains(name)) {
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new UsageException("flag needs an argument: -" + name + "\n" + USAGE);
        }
      } else {
        value = eq >= 0 ? arg.substring(eq + 1) : "true";
        if (!value.equals("true") && !value.equals("false")) {
          throw new UsageException("invalid boolean value for -" + name + ": use -" + name
              + " or -" + name + "=false\n" + USAGE);
        }
      }
      switch (name) {
        case "v" -> base.verbose = Boolean.parseBoolean(value);
        case "p" -> paths.add(Path.of(value));
        case "x" -> base.excludeRegex = regex(value);
        default -> { } // -t: "run in a terminal", always so since 2018
      }
    }
    List<String> command = Arrays.asList(args).subList(i, args.length);
    if (command.isEmpty()) {
      throw new UsageException("no command to run: give it after the flags\n" + USAGE);
    }
    base.command = new ArrayList<>(command);
    if (paths.isEmpty() && base.watch.isEmpty()) {
      paths.add(Path.of(".")); // weaveworks/watch's default
    }
    base.watch.addAll(paths);
    return base;
  }

  private static Pattern regex(String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new UsageException("-x: not a regular expression (" + e.getDescription() + ")\n"
          + USAGE);
    }
  }

  /** The flag's name for {@code -p}, {@code --p=x}; null for a word that is not a flag. */
  private static String flagName(String arg) {
    if (arg.length() < 2 || arg.charAt(0) != '-' || arg.equals("--")) {
      return null;
    }
    String name = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
    int eq = name.indexOf('=');
    return eq >= 0 ? name.substring(0, eq) : name;
  }
}
