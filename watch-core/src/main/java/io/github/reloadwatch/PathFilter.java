package io.github.reloadwatch;

import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which files of a watched path are part of the snapshot: include globs (all files when there
 * are none), then exclude globs, both on the path relative to the watched path, then exclude
 * regular expressions found anywhere in the path as watched. Immutable.
 */
final class PathFilter {

  private final List<PathMatcher> includes;
  private final List<PathMatcher> excludes;
  private final List<Pattern> excludePatterns;

  PathFilter(List<PathMatcher> includes, List<PathMatcher> excludes,
      List<Pattern> excludePatterns) {
    this.includes = List.copyOf(includes);
    this.excludes = List.copyOf(excludes);
    this.excludePatterns = List.copyOf(excludePatterns);
  }

  /**
   * @param relative the path below its watched path, for globs
   * @param logical the path as watched, for regular expressions
   */
  boolean matches(Path relative, Path logical) {
    if (!includes.isEmpty() && includes.stream().noneMatch(m -> m.matches(relative))) {
      return false;
    }
    if (excludes.stream().anyMatch(m -> m.matches(relative))) {
      return false;
    }
    if (excludePatterns.isEmpty()) {
      return true;
    }
    String path = logical.toString();
    return excludePatterns.stream().noneMatch(p -> p.matcher(path).find());
  }
}
