package io.github.reloadwatch.http;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reload metrics that Prometheus and Alertmanager both export on {@code /metrics}: {@code
 * <prefix>_config_last_reload_successful} (1 or 0) and {@code
 * <prefix>_config_last_reload_success_timestamp_seconds}. Both set them before they answer the
 * reload request, so one read confirms a reload.
 */
final class ReloadMetrics {

  private ReloadMetrics() {}

  /**
   * Reads {@code <base>/metrics} and confirms the last reload succeeded during this attempt.
   *
   * @param server the server's name for messages, such as {@code Alertmanager}
   * @param prefix the metric prefix, such as {@code alertmanager}
   */
  static void confirm(Verification verification, String server, String prefix)
      throws HttpReloadException {
    Response r = Verification.requireOk(verification.get("metrics"));
    String successful = prefix + "_config_last_reload_successful";
    String timestamp = prefix + "_config_last_reload_success_timestamp_seconds";
    Double ok = sample(r.body(), successful);
    Double seconds = sample(r.body(), timestamp);
    if (ok == null || seconds == null) {
      throw HttpReloadException.notConfirmed(
          r.shown() + " has no " + successful + " and " + timestamp + " metrics");
    }
    if (ok != 1.0) {
      throw HttpReloadException.notConfirmed(
          server + " reports " + successful + " " + ok + " after answering the reload");
    }
    verification.confirmLoadedSince(server, Instant.ofEpochMilli((long) (seconds * 1000)));
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
}
