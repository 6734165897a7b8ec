package io.github.reloadwatch.http;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus preset: {@code POST <base>/-/reload}, with a 500 (the new configuration does not
 * load) treated as a rejection and a 403 explained (start Prometheus with {@code
 * --web.enable-lifecycle}).
 *
 * <pre>{@code
 * ReloadWatcher watcher = ReloadWatcher.builder()
 *     .addPath(Path.of("/etc/prometheus"))
 *     .addAction(PrometheusReload.at(URI.create("http://localhost:9090")).verify(true).build())
 *     .build();
 * }</pre>
 *
 * <p>With {@code verify(true)}, a 200 is only a success once {@code
 * <base>/api/v1/status/runtimeinfo} (or, where that is missing, {@code <base>/metrics}) reports
 * the last reload as successful and no older than the attempt. User info in the base URI becomes
 * basic auth for every request and is never shown. The returned builder accepts every other
 * {@link HttpReloadAction.Builder} option (credentials, TLS, timeouts).
 *
 * <p>Prometheus answers {@code -/ready} 503 while it starts (replaying its WAL) and holds a reload
 * until it is ready, so the preset reads that endpoint after a 502, 503 or response timeout, and
 * before the reload when the last attempt found the target away: a 502 or 503 there means
 * "starting up" (a cheap, unavailable failure, retried every second); any other answer lets the
 * reload's own outcome stand.
 *
 * <p>This class is stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class PrometheusReload {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);

  /** Everything the action knows about Prometheus. */
  static final Preset PRESET = new Strategy();

  private PrometheusReload() {}

  /**
   * Returns a builder preset for a Prometheus server.
   *
   * @param base the server's base URI, including any {@code --web.route-prefix}, such as {@code
   *     http://localhost:9090} or {@code http://proxy/prometheus}
   * @return a builder to add credentials, TLS or {@code verify(true)} to
   * @throws NullPointerException if {@code base} is null
   * @throws IllegalArgumentException if it is not an absolute http(s) URI
   */
  public static HttpReloadAction.Builder at(URI base) {
    return HttpReloadAction.builder().preset(PRESET, base);
  }

  /**
   * How Prometheus is special: its lifecycle flag, its route prefix, and its runtime information
   * for verification.
   */
  private static final class Strategy implements Preset {

    private static final Pattern RELOAD_SUCCESS =
        Pattern.compile("\"reloadConfigSuccess\"\\s*:\\s*(true|false)");
    private static final Pattern LAST_CONFIG_TIME =
        Pattern.compile("\"lastConfigTime\"\\s*:\\s*\"([^\"]+)\"");

    @Override
    public String name() {
      return "prometheus";
    }

    @Override
    public String reloadPath() {
      return "-/reload";
    }

    /** A 500 to {@code /-/reload}: the configuration does not load, and Prometheus keeps the old. */
    @Override
    public Set<Integer> rejectStatuses() {
      return Set.of(500);
    }

    /** {@code GET <base>/-/ready}: 503 while it starts (replays its WAL), 200 once it serves. */
    @Override
    public String readinessPath() {
      return "-/ready";
    }

    @Override
    public String explain(Response r) {
      if (r.status() == 403
          && r.body().toLowerCase(Locale.ROOT).contains("lifecycle api is not enabled")) {
        return "the lifecycle API is not enabled; start Prometheus with --web.enable-lifecycle so"
            + " that POST /-/reload works";
      }
      if (r.status() == 404) {
        return "the URL is wrong; check the path (for Prometheus behind --web.route-prefix,"
            + " include the prefix in the base URI): " + r.excerpt();
      }
      return null;
    }

    /**
     * {@code GET <base>/api/v1/status/runtimeinfo}: {@code reloadConfigSuccess} must be true and
     * {@code lastConfigTime} (whole seconds) no older than the attempt. Where that endpoint is
     * missing (404, before Prometheus 2.x), the same two values from {@code /metrics}.
     */
    @Override
    public void verify(Verification verification) throws HttpReloadException {
      Response r = verification.get("api/v1/status/runtimeinfo");
      if (r.status() == 404) {
        logger.debug("{} answered 404; reading /metrics instead", r.shown());
        ReloadMetrics.confirm(verification, "Prometheus", "prometheus");
        return;
      }
      Verification.requireOk(r);
      Matcher success = RELOAD_SUCCESS.matcher(r.body());
      Matcher time = LAST_CONFIG_TIME.matcher(r.body());
      if (!success.find() || !time.find()) {
        throw HttpReloadException.notConfirmed(r.shown() + " has no reloadConfigSuccess and"
            + " lastConfigTime; is this Prometheus 2.x or later?");
      }
      if (!Boolean.parseBoolean(success.group(1))) {
        throw HttpReloadException.notConfirmed(
            "Prometheus reports reloadConfigSuccess=false after answering the reload");
      }
      Instant last;
      try {
        last = OffsetDateTime.parse(time.group(1)).toInstant();
      } catch (DateTimeParseException e) {
        throw HttpReloadException.notConfirmed(
            r.shown() + " has an unreadable lastConfigTime (" + time.group(1) + ")");
      }
      verification.confirmLoadedSince("Prometheus", last);
    }
  }
}
