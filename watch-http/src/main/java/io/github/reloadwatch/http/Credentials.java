package io.github.reloadwatch.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The credentials an action sends, and the secrets that must never be shown: a bearer token read
 * from a file, basic auth with the password read from a file or taken from the URI's user info,
 * the values of headers whose names look sensitive, and the values of query parameters whose names
 * look sensitive ({@code ?token=}, {@code ?access_token=}, {@code ?apikey=}: see {@link
 * #redacted(URI)}). Files are read again on every attempt ({@link #load(String)}), so rotated
 * Kubernetes tokens are picked up. Messages name files and user names, never a secret. Immutable.
 */
final class Credentials {

  private static final int EXCERPT_LIMIT = 512;
  private static final Pattern SENSITIVE_HEADER =
      Pattern.compile("(?i).*(auth|token|key|secret|cookie|password|session).*");
  /**
   * Query parameter names whose values are redacted: any name containing token, secret, passw,
   * pwd, auth, credential, apikey/api_key/api-key, session, jwt or signature, and the names key,
   * sig and pass alone or after a separator ({@code x-api.key}, {@code sas_sig}). Case-insensitive.
   */
  static final Pattern SENSITIVE_QUERY_NAME = Pattern.compile("(?i)"
      + ".*(token|secret|passw|pwd|auth|credential|api[-_.]?key|session|jwt|signature).*"
      + "|(.*[-_.])?(key|sig|pass)");
  private static final String REDACTED = "[redacted]";

  private final Path bearerTokenFile;
  private final String basicUser;
  private final Path basicPasswordFile;
  private final String userInfoPassword;
  /**
   * Values of sensitive headers and query parameters, redacted from excerpts in case the server
   * echoes the request.
   */
  private final List<String> requestSecrets;

  /**
   * Takes the configured credentials; user info in {@code uri} becomes basic auth unless {@code
   * basicUser} is set (the builder allows only one kind).
   */
  Credentials(Path bearerTokenFile, String basicUser, Path basicPasswordFile, URI uri,
      Map<String, String> headers) {
    UserInfo userInfo = UserInfo.of(uri);
    this.bearerTokenFile = bearerTokenFile;
    this.basicUser = basicUser != null ? basicUser : userInfo.user();
    this.basicPasswordFile = basicPasswordFile;
    this.userInfoPassword = basicUser != null ? null : userInfo.password();
    List<String> secrets = new ArrayList<>();
    headers.forEach((name, value) -> {
      if (SENSITIVE_HEADER.matcher(name).matches() && value.length() >= 4) {
        secrets.add(value);
      }
    });
    secrets.addAll(querySecrets(uri));
    this.requestSecrets = List.copyOf(secrets);
  }

  /**
   * What one attempt sends, and which values must never be shown.
   *
   * @param authorization the {@code Authorization} header value, or null for none
   * @param secrets the values to redact from any text shown
   * @param description how the request authenticates, for DEBUG lines; no secret
   */
  record Loaded(String authorization, List<String> secrets, String description) {

    /**
     * A bounded, whitespace-collapsed excerpt of a response body with every secret of this
     * attempt replaced, in case the server echoes the request.
     */
    String excerpt(String responseBody) {
      String text = responseBody.strip().replaceAll("\\s+", " ");
      for (String secret : secrets) {
        text = text.replace(secret, "[redacted]");
      }
      if (text.isEmpty()) {
        return "(empty body)";
      }
      return text.length() > EXCERPT_LIMIT ? text.substring(0, EXCERPT_LIMIT) + "..." : text;
    }

    /** The description only: the generated form would show the secrets. */
    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * Reads the credential files for one attempt.
   *
   * @param target the action's target, for messages
   * @throws HttpReloadException (a misconfiguration, nothing sent) if a file is missing, unreadable
   *     or empty
   */
  Loaded load(String target) throws HttpReloadException {
    if (bearerTokenFile != null) {
      String token = readSecret(target, bearerTokenFile, "bearer token");
      return new Loaded("Bearer " + token, withRequestSecrets(List.of(token)),
          "bearer token from [" + bearerTokenFile + "]");
    }
    if (basicUser != null) {
      String password = basicPasswordFile != null
          ? readSecret(target, basicPasswordFile, "basic auth password")
          : Objects.requireNonNullElse(userInfoPassword, "");
      String encoded = Base64.getEncoder().encodeToString(
          (basicUser + ":" + password).getBytes(StandardCharsets.UTF_8));
      List<String> secrets = new ArrayList<>(List.of(encoded));
      if (password.length() >= 4) {
        secrets.add(password);
      }
      return new Loaded("Basic " + encoded, withRequestSecrets(secrets),
          "basic auth user '" + basicUser + "'");
    }
    return new Loaded(null, requestSecrets, "no credentials");
  }

  /** Where the credentials come from, for a message about refused credentials. */
  String source() {
    if (bearerTokenFile != null) {
      return "the bearer token read from [" + bearerTokenFile + "]";
    }
    if (basicUser != null) {
      return "basic auth user '" + basicUser + "' with the password "
          + (basicPasswordFile != null ? "read from [" + basicPasswordFile + "]"
              : "from the URI's user info");
    }
    return "the credentials (none are configured: add bearerTokenFile(...) or basicAuth(...))";
  }

  /** The credential sources for the action's {@code toString()}: file paths and user only. */
  String summary() {
    return (bearerTokenFile != null ? ", bearerTokenFile=" + bearerTokenFile : "")
        + (basicUser != null ? ", basicAuthUser=" + basicUser : "")
        + (basicPasswordFile != null ? ", basicPasswordFile=" + basicPasswordFile : "");
  }

  private List<String> withRequestSecrets(List<String> secrets) {
    List<String> all = new ArrayList<>(secrets);
    all.addAll(requestSecrets);
    return List.copyOf(all);
  }

  private static String readSecret(String target, Path file, String what)
      throws HttpReloadException {
    String value;
    try {
      value = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw HttpReloadException.notSent(target + ": the " + what + " file [" + file
          + "] is missing; check the path and the volume that should provide it", e,
          what + " file missing");
    } catch (IOException | RuntimeException e) {
      throw HttpReloadException.notSent(target + ": cannot read the " + what + " file [" + file
          + "]: " + e.getClass().getSimpleName(), e, what + " file unreadable");
    }
    if (value.isEmpty()) {
      throw HttpReloadException.notSent(target + ": the " + what + " file [" + file + "] is empty",
          null, what + " file empty");
    }
    return value;
  }

  /** The URI with its user info removed; path, query and port kept as they were. */
  static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    String authority = uri.getRawAuthority();
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    return URI.create(uri.getScheme() + "://" + hostAndPort
        + (uri.getRawPath() == null ? "" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /**
   * The URI for a message, a log line or {@code toString()}: without its user info, and with the
   * values of sensitive query parameters ({@link #SENSITIVE_QUERY_NAME}) replaced by {@code
   * [redacted]}, their names kept; a placeholder if the user info cannot be removed. The request
   * itself still sends them.
   */
  static String redacted(URI uri) {
    String shown;
    try {
      shown = withoutUserInfo(uri).toString();
    } catch (IllegalArgumentException e) {
      return "(a URI with user info)";
    }
    int query = shown.indexOf('?');
    int fragment = shown.indexOf('#', query < 0 ? 0 : query);
    if (query < 0 && fragment < 0) {
      return shown;
    }
    StringBuilder out = new StringBuilder();
    int end = fragment < 0 ? shown.length() : fragment;
    if (query < 0) {
      out.append(shown, 0, end);
    } else {
      out.append(shown, 0, query + 1).append(redactParameters(shown.substring(query + 1, end)));
    }
    if (fragment >= 0) { // never sent, but may hold an OAuth token (#access_token=...)
      out.append('#').append(redactParameters(shown.substring(fragment + 1)));
    }
    return out.toString();
  }

  /** {@code a=1&token=x} becomes {@code a=1&token=[redacted]}. */
  private static String redactParameters(String parameters) {
    StringBuilder out = new StringBuilder();
    for (String pair : parameters.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length() - 1 && isSensitive(pair.substring(0, eq))) {
        out.append(pair, 0, eq + 1).append(REDACTED);
      } else {
        out.append(pair);
      }
    }
    return out.toString();
  }

  /** The values of a URI's sensitive query parameters, raw and decoded, to redact from text. */
  private static List<String> querySecrets(URI uri) {
    List<String> secrets = new ArrayList<>();
    String query = uri.getRawQuery();
    if (query == null) {
      return secrets;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && isSensitive(pair.substring(0, eq))) {
        String raw = pair.substring(eq + 1);
        String decoded = decodeQuietly(raw);
        for (String value : new String[] {raw, decoded}) {
          if (value.length() >= 4 && !secrets.contains(value)) {
            secrets.add(value);
          }
        }
      }
    }
    return secrets;
  }

  private static boolean isSensitive(String rawName) {
    return SENSITIVE_QUERY_NAME.matcher(decodeQuietly(rawName)).matches();
  }

  private static String decodeQuietly(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  /** The user and password of a URI's user info, percent-decoded; both null without user info. */
  private record UserInfo(String user, String password) {

    static UserInfo of(URI uri) {
      String raw = uri.getRawUserInfo();
      if (raw == null) {
        return new UserInfo(null, null);
      }
      int colon = raw.indexOf(':');
      return new UserInfo(percentDecode(colon < 0 ? raw : raw.substring(0, colon)),
          colon < 0 ? null : percentDecode(raw.substring(colon + 1)));
    }

    /** Percent-decodes user info; unlike form decoding, a '+' stays a '+'. */
    private static String percentDecode(String s) {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The user only: the generated form would show the password. */
    @Override
    public String toString() {
      return "UserInfo[user=" + user + "]";
    }
  }
}
