package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.http.AlertmanagerReload;
import io.github.reloadwatch.http.CircuitState;
import io.github.reloadwatch.http.HttpReloadAction;
import io.github.reloadwatch.http.HttpReloadException;
import io.github.reloadwatch.http.PrometheusReload;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything of the sidecar that touches watch-http (and so Apache HttpClient): the {@code
 * --url}, {@code --prometheus} and {@code --alertmanager} targets, their circuit breaker gauge
 * and the status codes in configmap-reload's metrics. Referred to only when such a target is
 * given, so a signal or command sidecar never loads an HTTP class (start-up and memory, #15).
 */
final class HttpTargets {

  private HttpTargets() {}

  /** Adds the HTTP targets in a fixed order: URLs, then the presets. */
  static void build(SidecarOptions o, Targets targets, List<TargetAction> into) {
    for (URI url : o.urls) {
      HttpReloadAction action = UsageException.forOption("--url", () -> http(o,
          HttpReloadAction.builder().uri(url).method(o.httpMethod)
              .expectStatus(o.expectStatus == null ? new int[0] : new int[] {o.expectStatus}))
          .build());
      into.add(targets.target(Conversions.redacted(url), action,
          o.expectStatus == null ? "2xx" : o.expectStatus.toString(), true));
    }
    if (o.prometheus != null) {
      HttpReloadAction action = UsageException.forOption("--prometheus",
          () -> http(o, PrometheusReload.at(o.prometheus)).verify(o.verify).build());
      into.add(targets.target(reloadName(o.prometheus), action, "2xx", true));
    }
    if (o.alertmanager != null) {
      HttpReloadAction action = UsageException.forOption("--alertmanager",
          () -> http(o, AlertmanagerReload.at(o.alertmanager)).verify(o.verify).build());
      into.add(targets.target(reloadName(o.alertmanager), action, "2xx", true));
    }
  }

  /** The name of a preset target: its reload URL, without credentials. */
  private static String reloadName(URI base) {
    String redacted = Conversions.redacted(base);
    int query = redacted.indexOf('?');
    String path = query < 0 ? redacted : redacted.substring(0, query);
    return path.replaceAll("/+$", "") + "/-/reload";
  }

  /**
   * The bound on one HTTP attempt for a response timeout: {@code --timeout} must never be cut
   * short by the attempt bound, and a verified reload makes a few more requests.
   */
  static Duration attemptTimeout(Duration responseTimeout) {
    Duration twice = responseTimeout.multipliedBy(2);
    return twice.compareTo(HttpReloadAction.DEFAULT_ATTEMPT_TIMEOUT) > 0
        ? twice : HttpReloadAction.DEFAULT_ATTEMPT_TIMEOUT;
  }

  private static HttpReloadAction.Builder http(SidecarOptions o, HttpReloadAction.Builder b) {
    b.responseTimeout(o.timeout).attemptTimeout(attemptTimeout(o.timeout));
    for (String header : o.headers) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).strip();
      UsageException.forOption("--header", () -> b.header(name, header.substring(colon + 1).strip()));
    }
    if (o.bearerTokenFile != null) {
      b.bearerTokenFile(o.bearerTokenFile);
    }
    if (o.basicAuthUser != null) {
      UsageException.forOption("--basic-auth-user",
          () -> b.basicAuth(o.basicAuthUser, o.basicAuthPasswordFile));
    }
    if (o.cacert != null) {
      b.caCertificate(o.cacert);
    }
    if (o.cert != null) {
      b.clientCertificate(o.cert, o.key);
    }
    if (o.insecureSkipVerify) {
      b.insecureSkipVerify();
    }
    return b;
  }

  /** The circuit breaker's state of an HTTP target's action. */
  static CircuitState circuitState(Object action) {
    return ((HttpReloadAction) action).circuitState();
  }

  /**
   * Exports {@code reloadwatch_http_circuit_state{target,state}}: 1 for the current state of each
   * HTTP target's circuit breaker, 0 for the others.
   */
  static void registerCircuitGauge(PrometheusRegistry registry, List<TargetAction> http) {
    GaugeWithCallback.builder().name("reloadwatch_http_circuit_state")
        .help("1 for the HTTP target's circuit breaker state now, 0 for the others")
        .labelNames("target", "state")
        .callback(callback -> {
          for (TargetAction t : http) {
            CircuitState now = t.circuitState().orElseThrow();
            for (CircuitState state : CircuitState.values()) {
              callback.call(state == now ? 1 : 0, t.name(), state.name().toLowerCase(Locale.ROOT));
            }
          }
        })
        .register(registry);
  }

  /** The status an HTTP target answered with, in a failure (also inside a rejection). */
  static Optional<Integer> statusCode(Throwable error) {
    if (error instanceof HttpReloadException http && http.statusCode() != 0) {
      return Optional.of(http.statusCode());
    }
    if (error instanceof ReloadRejectedException rejected
        && rejected.getCause() instanceof HttpReloadException http && http.statusCode() != 0) {
      return Optional.of(http.statusCode());
    }
    return Optional.empty();
  }
}
