package io.github.reloadwatch.sidecar;

import io.github.reloadwatch.CommandValidator;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@link SidecarOptions} and the built targets into a {@link ReloadWatcher}, without
 * starting it. Each target is added on its own ({@code addTarget}), so it has its own applied
 * content, retries and status: an Alertmanager that is down never holds back Prometheus. Every
 * builder error becomes a usage error that names the option.
 */
final class WatcherAssembly {

  private WatcherAssembly() {}

  /**
   * @param paths what to watch: the {@code --watch} paths, then the {@code --materialize}
   *     directories
   */
  static ReloadWatcher build(SidecarOptions o, List<Path> paths, List<TargetAction> targets,
      ReloadListener... listeners) {
    ReloadWatcher.Builder b = ReloadWatcher.builder()
        .debounce(o.debounce)
        .maxDelay(o.effectiveMaxDelay())
        .resyncInterval(o.resyncInterval)
        .reloadOnStart(o.reloadOnStart && !o.once)
        .recursive(o.recursive)
        .dryRun(o.dryRun)
        .closeTimeout(o.closeTimeout)
        .retry(UsageException.forOption("--retry-interval", () -> retry(o)));
    for (ReloadListener listener : listeners) {
      b.addListener(listener);
    }
    paths.forEach(b::addPath);
    if (o.excludeRegex != null) {
      b.addExclude(o.excludeRegex); // weaveworks/watch's -x: not read, never a change
    }
    Set<String> names = new HashSet<>();
    for (TargetAction target : targets) {
      if (!names.add(target.name())) {
        throw new UsageException("the target " + target.name() + " is given twice: give each"
            + " target once");
      }
      b.addTarget(target.name(), target);
    }
    if (targets.isEmpty()) {
      b.addAction(event -> { }); // --once renders and calls nothing
    }
    render(o, b);
    if (o.validateCommand != null) {
      b.addValidator(UsageException.forOption("--validate-command", () -> {
        CommandValidator.Builder validator = CommandValidator.builder()
            .command(o.validateCommand.trim().split("\\s+"))
            .timeout(o.timeout);
        if (o.validateFile != null) {
          validator.file(o.validateFile);
        }
        return validator.build();
      }));
    }
    String option = o.renders.isEmpty() ? "--watch" : "--render";
    return UsageException.forOption(option, b::build);
  }

  static RetryPolicy retry(SidecarOptions o) {
    RetryPolicy.Builder retry = RetryPolicy.builder().maxAttempts(o.maxAttempts);
    if (o.retryInterval != null) {
      retry.initialBackoff(o.retryInterval).maxBackoff(o.retryInterval).multiplier(1.0);
    }
    return retry.build();
  }

  private static void render(SidecarOptions o, ReloadWatcher.Builder b) {
    for (String render : o.renders) {
      int colon = render.lastIndexOf(':');
      if (colon <= 0 || colon == render.length() - 1) {
        throw new UsageException("--render takes TEMPLATE:OUTPUT, got '" + render + "'");
      }
      b.addRender(Path.of(render.substring(0, colon)), Path.of(render.substring(colon + 1)));
    }
    b.renderSyntax(o.templateSyntax()).renderStrict(o.renderStrict);
    List<String> allowEnv = o.renderAllowEnv.isEmpty() ? o.renderDefaultAllowEnv : o.renderAllowEnv;
    UsageException.forOption("--render-allow-env",
        () -> b.renderAllowEnv(allowEnv.toArray(new String[0])));
    if (!o.renderExtraEnvironment.isEmpty()) {
      // computed variables (STATEFULSET_ORDINAL_NUMBER) join the allowed part of the environment
      Map<String, String> environment = new LinkedHashMap<>();
      System.getenv().forEach((name, value) -> {
        if (allowed(name, allowEnv)) {
          environment.put(name, value);
        }
      });
      environment.putAll(o.renderExtraEnvironment);
      b.renderEnvironment(environment);
    }
    o.renderAllowFiles.forEach(b::renderAllowFile);
    if (o.renderOutputMode != null) {
      UsageException.forOption("--render-output-mode", () -> b.renderOutputMode(o.renderOutputMode));
    }
    if (o.renderOutputGroup != null) {
      UsageException.forOption("--render-output-group",
          () -> b.renderOutputGroup(o.renderOutputGroup));
    }
  }

  static boolean allowed(String name, List<String> allowList) {
    return allowList.stream().anyMatch(entry -> entry.endsWith("*")
        ? name.startsWith(entry.substring(0, entry.length() - 1)) : entry.equals(name));
  }
}
