package io.github.reloadwatch.sidecar;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The option value converters, shared by every front end. Messages name what was expected and
 * never echo a value that may hold a secret (a URL's password, a header value).
 */
final class Conversions {

  private Conversions() {}

  private static final Pattern GO_DURATION = Pattern.compile("((\\d+(?:\\.\\d+)?)(ms|s|m|h))+");
  private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  /**
   * Parses a duration: Go style as the peers write it ({@code 250ms}, {@code 5s}, {@code 2m},
   * {@code 1h}, {@code 1m30s}, {@code 1.5s}), a bare number of seconds, or ISO-8601 ({@code PT5S}).
   *
   * @throws IllegalArgumentException if it is none of these or negative
   */
  static Duration duration(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    if (GO_DURATION.matcher(v).matches()) {
      Duration total = Duration.ZERO;
      Matcher part = GO_PART.matcher(v);
      while (part.find()) {
        double n = Double.parseDouble(part.group(1));
        long unitNanos = switch (part.group(2)) {
          case "ms" -> 1_000_000L;
          case "m" -> 60_000_000_000L;
          case "h" -> 3_600_000_000_000L;
          default -> 1_000_000_000L;
        };
        total = total.plusNanos(Math.round(n * unitNanos));
      }
      return total;
    }
    try {
      Duration parsed = Duration.parse(value.strip().toUpperCase(Locale.ROOT));
      if (!parsed.isNegative()) {
        return parsed;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "'" + value + "' is not a duration: use 250ms, 5s, 2m, 1h or 1m30s");
  }

  /**
   * Parses a listen address: {@code HOST:PORT}, {@code :PORT} (every interface) or {@code [::1]:PORT}.
   *
   * @throws IllegalArgumentException if the form or the port (0 to 65535) is wrong
   */
  static InetSocketAddress listenAddress(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? "" : address.substring(0, colon);
    String port = colon < 0 ? "" : address.substring(colon + 1);
    if (colon < 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("'" + address + "' is not HOST:PORT or :PORT with a port"
          + " from 0 to 65535, like :9533 or 127.0.0.1:9533");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int p = Integer.parseInt(port);
    return host.isEmpty() ? new InetSocketAddress(p) : new InetSocketAddress(host, p);
  }

  /**
   * Parses an http(s) URL. The message of a URL that does not parse says where, never the value,
   * since it may carry a password.
   *
   * @throws IllegalArgumentException if it does not parse or is not absolute http(s) with a host
   */
  static URI url(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL (" + e.getReason() + " at index "
          + e.getIndex() + "; the value is not shown, as it may hold a password)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("not an absolute http:// or https:// URL with a host,"
          + " like http://localhost:9090/-/reload (the value is not shown, as it may hold a"
          + " password)");
    }
    return uri;
  }

  /**
   * Returns a URL as a label and in log lines: without user info, query values replaced.
   *
   * @param uri an absolute URL
   * @return {@code scheme://host[:port]/path[?name=xxxxx]}
   */
  static String redacted(URI uri) {
    StringBuilder b = new StringBuilder()
        .append(uri.getScheme()).append("://").append(uri.getHost());
    if (uri.getPort() >= 0) {
      b.append(':').append(uri.getPort());
    }
    b.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      b.append('?').append(uri.getRawQuery().replaceAll("=[^&]*", "=xxxxx"));
    }
    return b.toString();
  }

  /** Replaces the user info of anything URL-like in a word, and cuts long words. */
  static String redactUserInfo(String word) {
    String redacted = word.replaceAll("//[^/@\\s]*@", "//xxxxx@");
    return redacted.length() > 60 ? redacted.substring(0, 60) + "..." : redacted;
  }

  /** {@link #duration(String)} for picocli. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return duration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@link #url(String)} for picocli. */
  static final class UrlConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        return url(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Checks a listen address for picocli; an empty value turns the status server off. */
  static final class ListenAddressConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (value.isBlank()) {
        return "";
      }
      try {
        listenAddress(value.strip());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value.strip();
    }
  }

  /** Checks an HTTP header line ({@code Name: value}); the value is never echoed. */
  static final class HeaderConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      int colon = value.indexOf(':');
      if (colon <= 0 || !value.substring(0, colon).strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new TypeConversionException("takes 'Name: value' with an HTTP token as the name"
            + " (the value is not shown, as it may hold a secret)");
      }
      return value;
    }
  }

  /** An octal permission mode such as {@code 0640}. */
  static final class ModeConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      if (!value.strip().matches("0?[0-7]{3}")) {
        throw new TypeConversionException("'" + value + "' is not an octal mode like 0640");
      }
      return Integer.parseInt(value.strip(), 8);
    }
  }

  /**
   * Reads {@code RELOADWATCH_<OPTION>} for every option not given on the command line, named
   * after the option's first long (reloadwatch) name: {@code --max-delay} is {@code
   * RELOADWATCH_MAX_DELAY}, {@code -v}/{@code --verbose} is {@code RELOADWATCH_VERBOSE}.
   */
  static final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    private final java.util.function.Function<String, String> environment;

    EnvironmentDefaults() {
      this(System::getenv);
    }

    EnvironmentDefaults(java.util.function.Function<String, String> environment) {
      this.environment = environment;
    }

    static String variable(CommandLine.Model.OptionSpec option) {
      String name = java.util.Arrays.stream(option.names()).filter(n -> n.startsWith("--"))
          .findFirst().orElse(option.longestName());
      return "RELOADWATCH_" + name.replaceFirst("^-+", "")
          .replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
      if (argSpec instanceof CommandLine.Model.OptionSpec option) {
        String value = environment.apply(variable(option));
        if (value != null) {
          return value;
        }
      }
      return argSpec.defaultValue();
    }
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    static String version() {
      String version = Sidecar.class.getPackage().getImplementationVersion();
      return version != null ? version : "0.1.0-SNAPSHOT";
    }

    @Override
    public String[] getVersion() {
      return new String[] {"reloadwatch-sidecar " + version(), "Java " + Runtime.version()};
    }
  }
}
