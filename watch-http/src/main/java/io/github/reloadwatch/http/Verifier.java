package io.github.reloadwatch.http;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a target really loaded its configuration after answering a reload with success, by
 * reading the target's own signal. No existing sidecar does this in HTTP mode.
 *
 * <ul>
 *   <li>Prometheus: {@code GET <base>/api/v1/status/runtimeinfo}, {@code reloadConfigSuccess} must
 *       be true and {@code lastConfigTime} (whole seconds) at or after the attempt start; if that
 *       endpoint is missing (404), the same two values from {@code GET <base>/metrics}.
 *   <li>Alertmanager: {@code GET <base>/metrics}, {@code
 *       alertmanager_config_last_reload_successful} must be 1 and {@code
 *       alertmanager_config_last_reload_success_timestamp_seconds} at or after the attempt start.
 * </ul>
 *
 * <p>Both targets set these values before they answer the reload request, so one read suffices.
 * The target's clock is compared with ours: whole seconds, minus {@link #TOLERANCE} for skew.
 */
final class Verifier {

  private static final Logger logger = LoggerFactory.getLogger(Verifier.class);
  private static final Pattern RELOAD_SUCCESS =
      Pattern.compile("\"reloadConfigSuccess\"\\s*:\\s*(true|false)");
  private static final Pattern LAST_CONFIG_TIME =
      Pattern.compile("\"lastConfigTime\"\\s*:\\s*\"([^\"]+)\"");
  /** Targets report whole seconds; allow that and a second of clock difference. */
  static final Duration TOLERANCE = Duration.ofSeconds(1);

  private Verifier() {}

  static void verify(HttpReloadAction action, HttpReloadAction.Preset preset, Instant started,
      long attemptStartNanos) throws HttpReloadException {
    Instant notBefore = started.truncatedTo(ChronoUnit.SECONDS).minus(TOLERANCE);
    switch (preset) {
      case PROMETHEUS -> prometheus(action, notBefore, attemptStartNanos);
      case ALERTMANAGER -> metrics(action, "Alertmanager", "alertmanager", notBefore,
          attemptStartNanos);
      default -> { }
    }
  }

  private static void prometheus(HttpReloadAction action, Instant notBefore, long startNanos)
      throws HttpReloadException {
    URI uri = resolve(action.base(), "api/v1/status/runtimeinfo");
    HttpReloadAction.Response r = action.execute("GET", uri, false, startNanos,
        HttpReloadAction.VERIFY_BODY_LIMIT);
    if (r.status() == 404) {
      logger.debug("{} answered 404; reading /metrics instead", uri);
      metrics(action, "Prometheus", "prometheus", notBefore, startNanos);
      return;
    }
    if (r.status() != 200) {
      throw failed(uri + " answered " + r.status() + ", so the reload cannot be confirmed: "
          + r.excerpt());
    }
    Matcher success = RELOAD_SUCCESS.matcher(r.body());
    Matcher time = LAST_CONFIG_TIME.matcher(r.body());
    if (!success.find() || !time.find()) {
      throw failed(uri + " has no reloadConfigSuccess and lastConfigTime; is this Prometheus 2.x"
          + " or later?");
    }
    if (!Boolean.parseBoolean(success.group(1))) {
      throw failed("Prometheus reports reloadConfigSuccess=false after answering the reload");
    }
    Instant last;
    try {
      last = OffsetDateTime.parse(time.group(1)).toInstant();
    } catch (DateTimeParseException e) {
      throw failed(uri + " has an unreadable lastConfigTime (" + time.group(1) + ")");
    }
    check("Prometheus", last, notBefore);
  }

  /** Reads {@code <prefix>_config_last_reload_successful} and its timestamp from /metrics. */
  private static void metrics(HttpReloadAction action, String name, String prefix,
      Instant notBefore, long startNanos) throws HttpReloadException {
    URI uri = resolve(action.base(), "metrics");
    HttpReloadAction.Response r = action.execute("GET", uri, false, startNanos,
        HttpReloadAction.VERIFY_BODY_LIMIT);
    if (r.status() != 200) {
      throw failed(uri + " answered " + r.status() + ", so the reload cannot be confirmed: "
          + r.excerpt());
    }
    String successful = prefix + "_config_last_reload_successful";
    String timestamp = prefix + "_config_last_reload_success_timestamp_seconds";
    Double ok = sample(r.body(), successful);
    Double seconds = sample(r.body(), timestamp);
    if (ok == null || seconds == null) {
      throw failed(uri + " has no " + successful + " and " + timestamp + " metrics");
    }
    if (ok != 1.0) {
      throw failed(name + " reports " + successful + " " + ok + " after answering the reload");
    }
    check(name, Instant.ofEpochMilli((long) (seconds * 1000)), notBefore);
  }

  private static void check(String name, Instant lastLoaded, Instant notBefore)
      throws HttpReloadException {
    if (lastLoaded.isBefore(notBefore)) {
      throw failed(name + " still reports its configuration loaded at " + lastLoaded
          + ", before this attempt started (" + notBefore.plus(TOLERANCE) + ")");
    }
    logger.debug("{} reports its configuration loaded at {}: confirmed", name, lastLoaded);
  }

  /** The value of an unlabelled (or labelled) sample in the Prometheus text format, or null. */
  static Double sample(String exposition, String metric) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:\\{[^}]*\\})?[ \\t]+(\\S+)")
        .matcher(exposition);
    if (!m.find()) {
      return null;
    }
    try {
      return Double.valueOf(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Checks a preset's base URI, naming it (without user info) if it is unusable. */
  static URI checkBase(URI base) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
      throw new IllegalArgumentException("base ("
          + (base.getRawUserInfo() == null ? base : "a URI with user info")
          + ") must be an absolute http:// or https:// URI with a host, like"
          + " http://localhost:9090 or http://localhost:9090/route-prefix");
    }
    return base;
  }

  /** Resolves a path below a base URI that may carry a route prefix. */
  static URI resolve(URI base, String path) {
    String prefix = base.getRawPath() == null ? "" : base.getRawPath();
    if (!prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return base.resolve(prefix + path);
  }

  private static HttpReloadException failed(String message) {
    return new HttpReloadException("reload not confirmed: " + message,
        HttpReloadException.Kind.TRANSIENT, 0, null, null, "not confirmed");
  }
}
