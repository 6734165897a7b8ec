package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.CommandReloadAction;
import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.SignalReloadAction;
import io.github.reloadwatch.http.AlertmanagerReload;
import io.github.reloadwatch.http.HttpReloadAction;
import io.github.reloadwatch.http.PrometheusReload;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Builds the reload targets, each in one place and under one name: the name labels its metrics
 * and log lines, and keys its own retry state ({@code ReloadWatcher.Builder.addTarget}, see
 * {@link WatcherAssembly}). Argument errors from the builders become usage errors naming the
 * option.
 */
final class Targets {

  /** The shortest bound on an HTTP attempt, verification included. */
  static final Duration MIN_ATTEMPT_TIMEOUT = HttpReloadAction.DEFAULT_ATTEMPT_TIMEOUT;

  private final SidecarOptions o;
  private final ConfigmapReloadMetrics metrics;
  private final LongSupplier nanoTime;

  Targets(SidecarOptions options, ConfigmapReloadMetrics metrics, LongSupplier nanoTime) {
    this.o = options;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
  }

  /** Builds every target the options name, in a fixed order: URLs, presets, signal, command. */
  List<TargetAction> build() {
    List<TargetAction> targets = new ArrayList<>();
    for (URI url : o.urls) {
      HttpReloadAction action = UsageException.forOption("--url", () -> http(
          HttpReloadAction.builder().uri(url).method(o.httpMethod)
              .expectStatus(o.expectStatus == null ? new int[0] : new int[] {o.expectStatus}))
          .build());
      targets.add(target(Conversions.redacted(url), action,
          o.expectStatus == null ? "2xx" : o.expectStatus.toString()));
    }
    if (o.prometheus != null) {
      HttpReloadAction action = UsageException.forOption("--prometheus",
          () -> http(PrometheusReload.at(o.prometheus)).verify(o.verify).build());
      targets.add(target(reloadName(o.prometheus), action, "2xx"));
    }
    if (o.alertmanager != null) {
      HttpReloadAction action = UsageException.forOption("--alertmanager",
          () -> http(AlertmanagerReload.at(o.alertmanager)).verify(o.verify).build());
      targets.add(target(reloadName(o.alertmanager), action, "2xx"));
    }
    if (o.pid != null || o.pidFile != null || o.processName != null) {
      String signal = o.signal != null ? o.signal : "HUP";
      ReloadAction action = UsageException.forOption("--signal", () -> {
        if (o.processName != null) {
          return new ProcessSignalAction(o.processName, signal, o.runtimeInfoUrl, o.timeout);
        }
        return o.pid != null
            ? SignalReloadAction.toPid(o.pid, signal) : SignalReloadAction.toPidFile(o.pidFile, signal);
      });
      String to = o.processName != null ? "process:" + o.processName
          : o.pid != null ? "pid:" + o.pid : "pid-file:" + o.pidFile;
      targets.add(target("signal:" + signal.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", "")
          + ":" + to, action, null));
    }
    if (!o.command.isEmpty()) {
      ReloadAction action = UsageException.forOption("COMMAND", () ->
          CommandReloadAction.builder().command(o.command).timeout(o.timeout).build());
      targets.add(target("command:" + Path.of(o.command.get(0)).getFileName(), action, null));
    }
    return targets;
  }

  private TargetAction target(String name, ReloadAction action, String successStatus) {
    return new TargetAction(name, action, successStatus, metrics, nanoTime);
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
    return twice.compareTo(MIN_ATTEMPT_TIMEOUT) > 0 ? twice : MIN_ATTEMPT_TIMEOUT;
  }

  private HttpReloadAction.Builder http(HttpReloadAction.Builder b) {
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
}
