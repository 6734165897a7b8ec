package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What templates may read, as the operator allowed it: variables by exact name or by prefix
 * ({@code PROM_*}), and files by path or by directory. A file is allowed only if both its path and,
 * when it exists, its real path (links resolved) lie under an allowed entry, so neither {@code ..}
 * nor a symbolic link leads out.
 *
 * @param variables exact names, or prefixes ending in {@code *}; {@code *} alone allows all
 * @param files allowed files or directories, absolute and normalized
 */
record RenderAccess(Set<String> variables, List<Path> files) {

  /** Everything: for an environment given as an explicit map, and for tests. */
  static final RenderAccess ALL = new RenderAccess(Set.of("*"), List.of(Path.of("/")));

  /** Nothing: the default, until the operator allows something. */
  static final RenderAccess NONE = new RenderAccess(Set.of(), List.of());

  RenderAccess {
    variables = Set.copyOf(variables);
    files = List.copyOf(files);
  }

  boolean allowsVariable(String name) {
    for (String allowed : variables) {
      if (allowed.endsWith("*")
          ? name.startsWith(allowed.substring(0, allowed.length() - 1))
          : name.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  boolean allowsFile(Path file) {
    Path logical = file.toAbsolutePath().normalize();
    if (!under(logical, files)) {
      return false;
    }
    if (!Files.exists(logical)) {
      return true; // resolves to its default; nothing is read
    }
    try {
      Path real = logical.toRealPath();
      for (Path root : files) {
        Path realRoot = Files.exists(root) ? root.toRealPath() : root;
        if (real.startsWith(realRoot)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean under(Path path, List<Path> roots) {
    return roots.stream().anyMatch(path::startsWith);
  }
}
