package io.github.reloadwatch.sidecar;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;

/**
 * One front end's options as data, parsed by Apache Commons CLI's {@link DefaultParser}: each
 * option's names (the first is the one messages and {@code RELOADWATCH_<OPTION>} are named
 * after), its value label, default, description and what it sets on the target object.
 *
 * <p>What the grammar adds to the library's parsing: the last value of a single-valued option
 * wins (as in Go's flag and kingpin); list options split each value ({@code --watch /a,/b}) and
 * add up over every alias; an option not given is read from the environment ({@code
 * --max-delay} from {@code RELOADWATCH_MAX_DELAY}), else from its default; a boolean with an
 * optional value ({@code --reload-on-start}, {@code --reload-on-start=false}) only ever takes
 * {@code true} or {@code false} from the next word; {@code -h}/{@code --help} and {@code
 * -V}/{@code --version}. Every bad value becomes a {@link UsageException} naming the option and
 * its aliases, worded so that a value that may hold a secret is never echoed. Immutable once
 * built; {@link #parse} is thread-safe if the setters are.
 *
 * <p>Built on commons-cli rather than picocli for start-up (issue #15): picocli's annotation
 * model cost 80-90 ms of every start, and its Java 5 class files cannot be put in a CDS archive.
 *
 * @param <T> what the options are written into
 */
final class CliGrammar<T> {

  /** How an option takes its value. */
  enum Kind {
    /** No value: given means true; from the environment, {@code true} or {@code false}. */
    FLAG,
    /** {@code --x}, {@code --x=false}, or {@code --x true}: only a boolean is taken as value. */
    OPTIONAL_BOOLEAN,
    /** One value; the last one given wins. */
    VALUE,
    /** Values split at a regular expression, added up over every occurrence and alias. */
    LIST
  }

  /**
   * One option. Not thread-safe while it is being declared; read-only once in a grammar.
   *
   * @param <T> what it is written into
   */
  static final class Def<T> {
    final List<String> names;
    final Kind kind;
    String label = "VALUE";
    String split = ",";
    String defaultValue;
    String description = "";
    boolean hidden;
    boolean fromEnvironment = true;
    BiConsumer<T, String> setter = (target, value) -> { };

    private Def(Kind kind, String... names) {
      if (names.length == 0) {
        throw new IllegalArgumentException("an option needs a name");
      }
      this.kind = kind;
      this.names = List.of(names);
    }

    Def<T> label(String label) {
      this.label = label;
      return this;
    }

    /** Where a list value is split, a regular expression; null for one value per occurrence. */
    Def<T> split(String regex) {
      this.split = regex;
      return this;
    }

    Def<T> defaultValue(String value) {
      this.defaultValue = value;
      return this;
    }

    /** The help text; {@code ${DEFAULT}} stands for the default value. */
    Def<T> description(String text) {
      this.description = text;
      return this;
    }

    Def<T> hidden() {
      this.hidden = true;
      return this;
    }

    /** Converts and stores one value; an {@link IllegalArgumentException} names what is wrong. */
    Def<T> to(BiConsumer<T, String> setter) {
      this.setter = Objects.requireNonNull(setter, "setter");
      return this;
    }

    /** The first name: reloadwatch's own. */
    String name() {
      return names.get(0);
    }

    /**
     * The environment variable that supplies it when not given: the first long name, as in
     * {@code RELOADWATCH_MAX_DELAY} for {@code --max-delay} and {@code RELOADWATCH_VERBOSE} for
     * {@code -v}/{@code --verbose}.
     */
    String variable() {
      String name = names.stream().filter(n -> n.startsWith("--")).findFirst().orElse(name());
      return "RELOADWATCH_" + name.replaceFirst("^-+", "").replace('-', '_').replace('.', '_')
          .toUpperCase(Locale.ROOT);
    }

    /** {@code '--url' (--webhook-url, -webhook-url)}: the option as messages name it. */
    String quoted() {
      return "'" + name() + "'" + (names.size() == 1 ? ""
          : " (" + String.join(", ", names.subList(1, names.size())) + ")");
    }
  }

  static <T> Def<T> flag(String... names) {
    return new Def<>(Kind.FLAG, names);
  }

  static <T> Def<T> optionalBoolean(String... names) {
    return new Def<T>(Kind.OPTIONAL_BOOLEAN, names).label("true|false");
  }

  static <T> Def<T> value(String... names) {
    return new Def<>(Kind.VALUE, names);
  }

  static <T> Def<T> list(String... names) {
    return new Def<>(Kind.LIST, names);
  }

  /**
   * What a parse found besides the options.
   *
   * @param help {@code -h} or {@code --help} was given (nothing else was applied)
   * @param version {@code -V} or {@code --version} was given (nothing else was applied)
   * @param rest the words left: those after {@code --}, or from the first one that is not an
   *     option on (an unknown option, a command given without {@code --})
   * @param afterSeparator whether {@code rest} is exactly what followed {@code --}
   */
  record Parsed(boolean help, boolean version, List<String> rest, boolean afterSeparator) {}

  private final String synopsis;
  private final List<String> header;
  private final List<Def<T>> defs;
  private final Def<T> help;
  private final Def<T> version;
  /** commons-cli's key of every option (short name, else long name) to its definition. */
  private final Map<String, Def<T>> byKey = new HashMap<>();
  /** Every spelling of the optional booleans: {@code -v}, {@code --verbose}, {@code -verbose}. */
  private final Map<String, Def<T>> optionalBooleans = new HashMap<>();
  private final Options options = new Options();

  /**
   * @param synopsis the usage line, as in {@code reloadwatch-sidecar [OPTIONS] [-- COMMAND...]}
   * @param header the paragraphs printed above the options
   * @param defs the options, in the order the usage lists them
   */
  CliGrammar(String synopsis, List<String> header, List<Def<T>> defs) {
    this.synopsis = synopsis;
    this.header = header.stream().filter(p -> !p.isEmpty()).toList();
    this.help = CliGrammar.<T>flag("-h", "--help")
        .description("Show this help message and exit.");
    this.version = CliGrammar.<T>flag("-V", "--version")
        .description("Print version information and exit.");
    help.fromEnvironment = false;
    version.fromEnvironment = false;
    List<Def<T>> all = new ArrayList<>(defs);
    all.add(help);
    all.add(version);
    this.defs = List.copyOf(all);
    for (Def<T> def : this.defs) {
      register(def);
    }
  }

  private void register(Def<T> def) {
    String shortName = null;
    List<String> longNames = new ArrayList<>();
    for (String name : def.names) {
      String bare = name.replaceFirst("^-+", "");
      if (!name.startsWith("--") && bare.length() == 1) {
        shortName = bare;
      } else if (!longNames.contains(bare)) {
        longNames.add(bare); // -volume-dir is --volume-dir to DefaultParser
      }
      if (def.kind == Kind.OPTIONAL_BOOLEAN) {
        optionalBooleans.put(name, def);
        if (!name.startsWith("--") && bare.length() > 1) {
          optionalBooleans.put("-" + name, def);
        } else if (bare.length() > 1) {
          optionalBooleans.put(name.substring(1), def);
        }
      }
    }
    int next = 0;
    if (shortName != null) {
      add(def, Option.builder(shortName).longOpt(longNames.isEmpty() ? null : longNames.get(0)));
      next = 1;
    }
    for (String longName : longNames.subList(Math.min(next, longNames.size()), longNames.size())) {
      add(def, Option.builder().longOpt(longName));
    }
  }

  private void add(Def<T> def, Option.Builder builder) {
    if (def.kind != Kind.FLAG) {
      builder.hasArg().argName(def.label).optionalArg(def.kind == Kind.OPTIONAL_BOOLEAN);
    }
    Option option = builder.get();
    if (byKey.putIfAbsent(option.getKey(), def) != null) {
      throw new IllegalArgumentException("option " + option.getKey() + " is declared twice");
    }
    options.addOption(option);
  }

  /** The option spelled {@code name} (any alias, with its dashes), or null. */
  Def<T> find(String name) {
    return defs.stream().filter(d -> d.names.contains(name)).findFirst().orElse(null);
  }

  /**
   * Parses {@code args} into {@code target}: the options given, then for every other option
   * its environment variable or its default. Stops at {@code --} or at the first word that is
   * not an option or a value; the caller decides what those words may be.
   *
   * @param environment looks up {@code RELOADWATCH_<OPTION>}; null for an unset variable
   * @return what else was found; on {@code --help} or {@code --version} nothing was applied
   * @throws UsageException for a bad value or a missing one, naming the option
   */
  Parsed parse(String[] args, Function<String, String> environment, T target) {
    String[] words = attachOptionalBooleans(args);
    CommandLine line;
    try {
      line = DefaultParser.builder()
          .setAllowPartialMatching(false)           // --deb is not --debounce
          .setStripLeadingAndTrailingQuotes(false)  // values exactly as given
          .get()
          .parse(options, words, true);
    } catch (MissingArgumentException e) {
      Def<T> def = byKey.get(e.getOption().getKey());
      throw new UsageException("Missing required parameter for option " + def.quoted() + " ("
          + def.label + ")");
    } catch (ParseException e) {
      throw new UsageException(e.getMessage());
    }
    Option[] given = line.getOptions();
    for (Option option : given) {
      Def<T> def = byKey.get(option.getKey());
      if (def == help || def == version) {
        return new Parsed(def == help, def == version, List.of(), false);
      }
    }
    Set<Def<T>> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Option option : given) { // in command-line order: the last value wins
      Def<T> def = byKey.get(option.getKey());
      seen.add(def);
      String value = option.getValue();
      apply(def, def.kind == Kind.FLAG ? "true" : value == null ? "" : value, target);
    }
    for (Def<T> def : defs) {
      if (seen.contains(def) || def == help || def == version) {
        continue;
      }
      String value = def.fromEnvironment ? environment.apply(def.variable()) : null;
      if (value == null) {
        value = def.defaultValue;
      }
      if (value != null) {
        apply(def, value, target);
      }
    }
    List<String> rest = line.getArgList();
    int separator = Arrays.asList(args).indexOf("--");
    boolean afterSeparator = separator >= 0 && rest.size() == args.length - separator - 1;
    return new Parsed(false, false, List.copyOf(rest), afterSeparator);
  }

  /**
   * {@code --verbose true} becomes {@code --verbose=true} and a bare {@code --verbose} becomes
   * {@code --verbose=true}, so the parser never takes the next word as the optional value.
   */
  private String[] attachOptionalBooleans(String[] args) {
    List<String> words = new ArrayList<>(args.length);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        words.addAll(Arrays.asList(args).subList(i, args.length));
        break;
      }
      if (optionalBooleans.containsKey(arg)) {
        boolean valueFollows = i + 1 < args.length
            && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false"));
        words.add(arg + "=" + (valueFollows ? args[++i] : "true"));
      } else {
        words.add(arg);
      }
    }
    return words.toArray(new String[0]);
  }

  private void apply(Def<T> def, String value, T target) {
    try {
      switch (def.kind) {
        case FLAG, OPTIONAL_BOOLEAN -> def.setter.accept(target,
            Boolean.toString(Conversions.bool(value)));
        case LIST -> {
          for (String part : def.split == null ? new String[] {value} : value.split(def.split)) {
            def.setter.accept(target, part);
          }
        }
        default -> def.setter.accept(target, value);
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("Invalid value for option " + def.quoted() + ": " + e.getMessage());
    }
  }

  /**
   * The error for a word the grammar cannot place: an unknown option is named without its value
   * (it may be a secret); any other word is cut and its user info redacted.
   */
  static UsageException unexpected(String word) {
    int eq = word.indexOf('=');
    return new UsageException(word.startsWith("-") && word.length() > 1
        ? "Unknown option: '" + (eq > 0 ? word.substring(0, eq) : word) + "'"
        : "unexpected argument '" + Conversions.redactUserInfo(word)
            + "': a command to run goes after --");
  }

  /** Prints the usage: the synopsis, the header, then every option that is not hidden. */
  void usage(PrintWriter out) {
    Options shown = new Options();
    for (Def<T> def : defs) {
      if (!def.hidden) {
        shown.addOption(helpOption(def));
      }
    }
    TextHelpAppendable text = new TextHelpAppendable(out);
    text.setMaxWidth(100);
    text.setIndent(0);
    text.setLeftPad(0);
    HelpFormatter formatter = HelpFormatter.builder()
        .setHelpAppendable(text)
        .setComparator((a, b) -> 0) // a stable sort: as declared
        .setShowSince(false)
        .get();
    try {
      text.appendParagraph("Usage: " + synopsis);
      for (String paragraph : header) {
        text.appendParagraph(paragraph);
      }
      formatter.printOptions(shown);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a PrintWriter does not throw
    }
    out.flush();
  }

  private static Option helpOption(Def<?> def) {
    String shortName = def.names.stream().filter(n -> !n.startsWith("--") && n.length() == 2)
        .map(n -> n.substring(1)).findFirst().orElse(null);
    String longName = def.names.stream().filter(n -> n.startsWith("--")).findFirst()
        .map(n -> n.substring(2)).orElse(null);
    List<String> aliases = def.names.stream()
        .filter(n -> !n.equals("-" + shortName) && !n.equals("--" + longName)).toList();
    String text = def.defaultValue == null ? def.description
        : def.description.replace("${DEFAULT}", def.defaultValue);
    if (!aliases.isEmpty()) {
      text += " Also " + String.join(", ", aliases) + ".";
    }
    Option.Builder b = Option.builder(shortName).longOpt(longName).desc(text);
    if (def.kind != Kind.FLAG) {
      b.hasArg().argName(def.label).optionalArg(def.kind == Kind.OPTIONAL_BOOLEAN);
    }
    return b.get();
  }
}
