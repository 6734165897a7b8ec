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
        .uri(Verifier.resolve(base, "-/reload"))
        .rejectStatus(500)
        .preset(HttpReloadAction.Preset.PROMETHEUS, base);
  }
}
