package io.github.reloadwatch.http;

import java.net.URI;
import java.util.Set;

/**
 * The Alertmanager preset: {@code POST <base>/-/reload}, with a 500 (the new configuration does
 * not load) treated as a rejection.
 *
 * <pre>{@code
 * HttpReloadAction alertmanager =
 *     AlertmanagerReload.at(URI.create("http://localhost:9093")).verify(true).build();
 * }</pre>
 *
 * <p>With {@code verify(true)}, a 200 is only a success once {@code <base>/metrics} reports {@code
 * alertmanager_config_last_reload_successful 1} with a {@code
 * alertmanager_config_last_reload_success_timestamp_seconds} no older than the attempt. User info
 * in the base URI becomes basic auth for every request and is never shown.
 *
 * <p>This class is stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class AlertmanagerReload {

  /** Everything the action knows about Alertmanager. */
  static final Preset PRESET = new Strategy();

  private AlertmanagerReload() {}

  /**
   * Returns a builder preset for an Alertmanager server.
   *
   * @param base the server's base URI, including any {@code --web.route-prefix}
   * @return a builder to add credentials, TLS or {@code verify(true)} to
   * @throws NullPointerException if {@code base} is null
   * @throws IllegalArgumentException if it is not an absolute http(s) URI
   */
  public static HttpReloadAction.Builder at(URI base) {
    return HttpReloadAction.builder().preset(PRESET, base);
  }

  /** How Alertmanager is special: its route prefix, and its reload metrics for verification. */
  private static final class Strategy implements Preset {

    @Override
    public String name() {
      return "alertmanager";
    }

    @Override
    public String reloadPath() {
      return "-/reload";
    }

    /** A 500 to {@code /-/reload}: the configuration does not load, and Alertmanager keeps the old. */
    @Override
    public Set<Integer> rejectStatuses() {
      return Set.of(500);
    }

    /** {@code GET <base>/-/ready}: 200 once it serves requests. */
    @Override
    public String readinessPath() {
      return "-/ready";
    }

    @Override
    public String explain(Response r) {
      if (r.status() == 404) {
        return "the URL is wrong; check the path (for Alertmanager behind --web.route-prefix,"
            + " include the prefix in the base URI): " + r.excerpt();
      }
      return null;
    }

    /** {@code GET <base>/metrics}: the last reload succeeded, no earlier than the attempt. */
    @Override
    public void verify(Verification verification) throws HttpReloadException {
      ReloadMetrics.confirm(verification, "Alertmanager", "alertmanager");
    }
  }
}
