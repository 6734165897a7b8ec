package io.github.reloadwatch.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a target really loaded its configuration after answering a reload with success, by
 * reading the target's own signal. No existing sidecar does this in HTTP mode.
 */
final class Verifier {

  private static final Pattern RELOAD_SUCCESS =
      Pattern.compile("\"reloadConfigSuccess\"\\s*:\\s*(true|false)");
  private static final Pattern LAST_CONFIG_TIME =
      Pattern.compile("\"lastConfigTime\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern AM_SUCCESSFUL =
      Pattern.compile("(?m)^alertmanager_config_last_reload_successful(?:\\{[^}]*\\})?\\s+(\\S+)");
  private static final Pattern AM_TIMESTAMP = Pattern.compile(
      "(?m)^alertmanager_config_last_reload_success_timestamp_seconds(?:\\{[^}]*\\})?\\s+(\\S+)");
  /** Targets report seconds; allow that and a little clock difference. */
  private static final Duration TOLERANCE = Duration.ofSeconds(1);

  private Verifier() {}

  static void verify(HttpReloadAction action, HttpReloadAction.Preset preset, Instant started,
      long attemptStartNanos) throws IOException {
    Instant notBefore = started.truncatedTo(ChronoUnit.SECONDS).minus(TOLERANCE);
    switch (preset) {
      case PROMETHEUS -> prometheus(action, notBefore, attemptStartNanos);
      case ALERTMANAGER -> alertmanager(action, notBefore, attemptStartNanos);
      default -> { }
    }
  }

  private static void prometheus(HttpReloadAction action, Instant notBefore, long startNanos)
      throws IOException {
    URI uri = resolve(action.base(), "api/v1/status/runtimeinfo");
    HttpReloadAction.Response r = action.execute("GET", uri, false, startNanos);
    if (r.status() != 200) {
      throw failed(uri + " answered " + r.status() + "; cannot confirm the reload");
    }
    Matcher success = RELOAD_SUCCESS.matcher(r.body());
    Matcher time = LAST_CONFIG_TIME.matcher(r.body());
    if (!success.find() || !time.find()) {
      throw failed(uri + " has no reloadConfigSuccess/lastConfigTime; is this Prometheus 2.x?");
    }
    if (!Boolean.parseBoolean(success.group(1))) {
      throw failed("Prometheus reports reloadConfigSuccess=false after the reload");
    }
    Instant last;
    try {
      last = OffsetDateTime.parse(time.group(1)).toInstant();
    } catch (DateTimeParseException e) {
      throw failed(uri + " has an unreadable lastConfigTime (" + time.group(1) + ")");
    }
    if (last.isBefore(notBefore)) {
      throw failed("Prometheus still reports its config loaded at " + last
          + ", before this reload started (" + notBefore.plus(TOLERANCE) + ")");
    }
  }

  private static void alertmanager(HttpReloadAction action, Instant notBefore, long startNanos)
      throws IOException {
    URI uri = resolve(action.base(), "metrics");
    HttpReloadAction.Response r = action.execute("GET", uri, false, startNanos);
    if (r.status() != 200) {
      throw failed(uri + " answered " + r.status() + "; cannot confirm the reload");
    }
    Matcher success = AM_SUCCESSFUL.matcher(r.body());
    Matcher time = AM_TIMESTAMP.matcher(r.body());
    if (!success.find() || !time.find()) {
      throw failed(uri + " has no alertmanager_config_last_reload_* metrics");
    }
    if (Double.parseDouble(success.group(1)) != 1.0) {
      throw failed("Alertmanager reports alertmanager_config_last_reload_successful 0");
    }
    Instant last = Instant.ofEpochMilli((long) (Double.parseDouble(time.group(1)) * 1000));
    if (last.isBefore(notBefore)) {
      throw failed("Alertmanager still reports its config loaded at " + last
          + ", before this reload started");
    }
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
        HttpReloadException.Kind.TRANSIENT, 0, null, null);
  }
}
