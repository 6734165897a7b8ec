package io.github.reloadwatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when a watched file is itself a mount point: that is how a Kubernetes {@code subPath}
 * volume mount looks, and kubelet never updates those, so the watcher would wait forever.
 */
final class SubPathDetector {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  private SubPathDetector() {}

  /** Warns about every watched file that is a mount point, and returns them. */
  static List<Path> warnAboutSubPathMounts(
      Path mountInfo, List<WatchedPath> watched, Snapshot initial) {
    Set<Path> mountPoints = mountPoints(mountInfo);
    if (mountPoints.isEmpty()) {
      return List.of();
    }
    Set<Path> files = new HashSet<>(initial.paths());
    watched.stream().filter(w -> !w.directory()).forEach(w -> files.add(w.path()));
    List<Path> suspicious = files.stream().filter(mountPoints::contains).sorted().toList();
    suspicious.forEach(
            file ->
                logger.warn(
                    "[{}] is a single-file bind mount, as a Kubernetes subPath mount is: kubelet"
                        + " never updates subPath mounts, so ConfigMap changes will not reach it."
                        + " Mount the whole volume as a directory and watch that instead",
                    file));
    return suspicious;
  }

  /** Reads the mount points from a {@code /proc/self/mountinfo} file; empty if unavailable. */
  static Set<Path> mountPoints(Path mountInfo) {
    Set<Path> result = new HashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(mountInfo, StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return result; // not Linux, or not readable: nothing to warn about
    }
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        try {
          result.add(Path.of(unescape(fields[4])));
        } catch (RuntimeException e) {
          // a mount point this JVM cannot represent is not one of our paths
        }
      }
    }
    return result;
  }

  /** Undoes the octal escapes ({@code \040} for a space) of mountinfo. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
