package io.github.reloadwatch.http;

import java.net.URI;
import java.util.Objects;

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
 * <p>This class is stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class PrometheusReload {

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
    Objects.requireNonNull(base, "base cannot be null");
    return HttpReloadAction.builder()
        .uri(Verifier.resolve(Verifier.checkBase(base), "-/reload"))
        .rejectStatus(500)
        .preset(HttpReloadAction.Preset.PROMETHEUS, base);
  }
}
