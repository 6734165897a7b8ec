package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.CommandReloadAction;
import io.github.reloadwatch.ReloadAction;
import io.github.reloadwatch.SignalReloadAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Builds the reload targets, each in one place and under one name: the name labels its metrics
 * and log lines, and keys its own retry state ({@code ReloadWatcher.Builder.addTarget}, see
 * {@link WatcherAssembly}). Argument errors from the builders become usage errors naming the
 * option. The HTTP targets are built by {@link HttpTargets}, loaded only when one is given.
 */
final class Targets {

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
    if (!o.urls.isEmpty() || o.prometheus != null || o.alertmanager != null) {
      HttpTargets.build(o, this, targets); // the only way to the HTTP classes
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
          + ":" + to, action, null, false));
    }
    if (!o.command.isEmpty()) {
      ReloadAction action = UsageException.forOption("COMMAND", () ->
          CommandReloadAction.builder().command(o.command).timeout(o.timeout).build());
      targets.add(target("command:" + Path.of(o.command.get(0)).getFileName(), action, null, false));
    }
    return targets;
  }

  TargetAction target(String name, ReloadAction action, String successStatus, boolean http) {
    return new TargetAction(name, action, successStatus, http, metrics, nanoTime);
  }

  /** See {@link HttpTargets#attemptTimeout}. */
  static Duration attemptTimeout(Duration responseTimeout) {
    return HttpTargets.attemptTimeout(responseTimeout);
  }
}
