package io.github.reloadwatch.sidecar;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The option value conversions, shared by every front end ({@link CliGrammar} names the option
 * in front of their messages). Messages name what was expected and never echo a value that may
 * hold a secret (a URL's password, a header value).
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

  /**
   * Parses {@code true} or {@code false}, in any case.
   *
   * @throws IllegalArgumentException for anything else
   */
  static boolean bool(String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("'" + value + "' is not a boolean: use true or false");
  }

  /**
   * Parses a decimal int.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static int integer(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not an int");
    }
  }

  /**
   * Parses a decimal long.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static long longValue(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a long");
    }
  }

  /**
   * A path as given.
   *
   * @throws IllegalArgumentException if the platform refuses it (a NUL character)
   */
  static Path path(String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path (" + e.getReason() + ")");
    }
  }

  /**
   * A regular expression.
   *
   * @throws IllegalArgumentException if it does not compile
   */
  static Pattern regex(String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a regular expression (" + e.getDescription()
          + " near index " + e.getIndex() + ")");
    }
  }

  /**
   * Checks a listen address; an empty value turns the status server off.
   *
   * @return the address without surrounding blanks, or empty
   * @throws IllegalArgumentException if it is not {@code HOST:PORT} or {@code :PORT}
   */
  static String listenAddressOption(String value) {
    if (value.isBlank()) {
      return "";
    }
    listenAddress(value.strip());
    return value.strip();
  }

  /**
   * Checks an HTTP header line ({@code Name: value}); the value is never echoed.
   *
   * @throws IllegalArgumentException if the name is not an HTTP token
   */
  static String header(String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || !value.substring(0, colon).strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new IllegalArgumentException("takes 'Name: value' with an HTTP token as the name"
          + " (the value is not shown, as it may hold a secret)");
    }
    return value;
  }

  /**
   * An octal permission mode such as {@code 0640}.
   *
   * @throws IllegalArgumentException if it is not three octal digits, with an optional 0
   */
  static int mode(String value) {
    if (!value.strip().matches("0?[0-7]{3}")) {
      throw new IllegalArgumentException("'" + value + "' is not an octal mode like 0640");
    }
    return Integer.parseInt(value.strip(), 8);
  }

  /** The sidecar's version, from the jar manifest. */
  static String version() {
    String version = Sidecar.class.getPackage().getImplementationVersion();
    return version != null ? version : "0.1.0-SNAPSHOT";
  }

  /** What {@code --version} prints. */
  static List<String> versionLines() {
    return List.of("reloadwatch-sidecar " + version(), "Java " + Runtime.version());
  }
}
