package io.github.reloadwatch;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** The checks of {@link ReloadWatcher.Builder}: each setter's argument, and the combinations. */
final class BuilderChecks {

  private BuilderChecks() {}

  /** What {@link ReloadWatcher.Builder#build()} refuses: no path, no action, bad combinations. */
  static void buildable(Settings s) {
    if (s.paths.isEmpty()) {
      throw new IllegalStateException("no paths to watch: call addPath(...) before build()");
    }
    if (s.actions.isEmpty() && s.targets.isEmpty()) {
      throw new IllegalStateException("no actions: call addAction(...) before build()");
    }
    if (s.maxDelay.compareTo(s.debounce) < 0) {
      throw new IllegalStateException(
          "maxDelay (" + s.maxDelay + ") must not be less than debounce (" + s.debounce
              + "): raise maxDelay or lower debounce");
    }
    for (RenderStep.Render render : s.renders) {
      for (Path path : s.paths) {
        if (render.output().startsWith(path)) {
          throw new IllegalStateException(
              "render output [" + render.output() + "] is inside the watched path [" + path
                  + "], so writing it would trigger the watcher again: write it elsewhere, for"
                  + " example an emptyDir volume");
        }
      }
      if (render.output().equals(render.template())) {
        throw new IllegalStateException(
            "render output [" + render.output() + "] is its own template: choose another path");
      }
    }
  }

  static Duration notNegative(Duration value, String name) {
    Objects.requireNonNull(value, name + " cannot be null");
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " (" + value + ") must not be negative");
    }
    return value;
  }

  static String glob(String glob, String name) {
    Objects.requireNonNull(glob, name + " cannot be null");
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " glob (" + glob + ") is malformed: " + e.getMessage(), e);
    }
    return glob;
  }

  /** A target's name: not blank, not the default target's, not already used. */
  static void newTarget(Settings s, String name) {
    Objects.requireNonNull(name, "name cannot be null");
    if (name.isBlank() || name.equals(ReloadEvent.DEFAULT_TARGET)
        || s.targets.stream().anyMatch(t -> t.name().equals(name))) {
      throw new IllegalArgumentException("target name (" + name + ") must be unique and not"
          + " blank or '" + ReloadEvent.DEFAULT_TARGET + "'");
    }
  }

  static String variableOrPrefix(String name) {
    Objects.requireNonNull(name, "renderAllowEnv name cannot be null");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*\\*?|\\*")) {
      throw new IllegalArgumentException("renderAllowEnv (" + name + ") must be a variable"
          + " name such as CLUSTER, or a prefix such as PROM_*");
    }
    return name;
  }

  static int outputMode(int mode) {
    if (mode < 0 || mode > 0777 || (mode & 0400) == 0) {
      throw new IllegalArgumentException("renderOutputMode (0" + Integer.toOctalString(mode)
          + ") must be within 0-0777 and let the owner read, like 0640");
    }
    return mode;
  }

  static String group(String group) {
    Objects.requireNonNull(group, "group cannot be null");
    if (group.isBlank()) {
      throw new IllegalArgumentException("renderOutputGroup must name a group, got a blank");
    }
    return group.strip();
  }
}
