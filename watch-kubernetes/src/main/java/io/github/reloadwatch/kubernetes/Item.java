package io.github.reloadwatch.kubernetes;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a volume's {@code items}: project {@code key} to {@code path}, with its own mode or
 * the default ({@code mode} is -1).
 */
record Item(String key, String path, int mode) {

  /** The API server's rule for ConfigMap and Secret keys. */
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  Item {
    Objects.requireNonNull(key, "key cannot be null");
    Objects.requireNonNull(path, "path cannot be null");
    if (key.length() > 253 || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("item key (" + key + ") must consist of letters, digits,"
          + " '-', '_' and '.', at most 253 characters");
    }
    checkPath(key, path);
    if (mode != -1) {
      checkMode("mode of item " + key, mode);
    }
  }

  /**
   * The parts of kubelet's path rules that a configuration can break; {@code AtomicWriter} checks
   * them all again (with the length limits) when it writes.
   */
  private static void checkPath(String key, String path) {
    String problem = null;
    if (path.isEmpty()) {
      problem = "must not be empty";
    } else if (path.startsWith("/")) {
      problem = "must be relative";
    } else if (path.startsWith("..")) {
      problem = "must not start with '..'";
    } else {
      for (String name : path.split("/", -1)) {
        if (name.equals("..")) {
          problem = "must not contain '..'";
          break;
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "item path (" + path + ") of key " + key + " " + problem + ", as in a pod's volume items");
    }
  }

  static int checkMode(String what, int mode) {
    if (mode < 0 || mode > 0777) {
      String shown = mode < 0 ? String.valueOf(mode) : "0" + Integer.toOctalString(mode);
      throw new IllegalArgumentException(what + " (" + shown + ") must be within 0 and 0777"
          + " (octal)");
    }
    return mode;
  }
}
