package io.github.reloadwatch.http;

import java.net.URI;
import java.util.Objects;

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
    Objects.requireNonNull(base, "base cannot be null");
    return HttpReloadAction.builder()
        .uri(Verifier.resolve(Verifier.checkBase(base), "-/reload"))
        .rejectStatus(500)
        .preset(HttpReloadAction.Preset.ALERTMANAGER, base);
  }
}
