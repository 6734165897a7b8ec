package io.github.reloadwatch.http;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real servers the end-to-end tests start: through an environment variable, or on the
 * PATH. When absent the test is skipped with a message, unless {@code CI} is set, where it fails.
 */
final class Binaries {

  private Binaries() {}

  /**
   * Finds a binary.
   *
   * @param env the variable that may name it, such as {@code PROMETHEUS_BIN}
   * @param pkg the Debian package that installs it, for the message
   * @param names the names to look for on the PATH, in order
   */
  static Path find(String env, String pkg, String... names) {
    String configured = System.getenv(env);
    String message;
    if (configured != null && !configured.isBlank()) {
      if (Files.isExecutable(Path.of(configured))) {
        return Path.of(configured);
      }
      message = env + " (" + configured + ") is not an executable file";
    } else {
      for (String name : names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
          Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
          if (Files.isExecutable(candidate)) {
            return candidate;
          }
        }
      }
      message = "no " + names[0] + " binary on PATH and " + env + " is not set: apt-get install "
          + pkg + " to run the end-to-end tests";
    }
    if (System.getenv("CI") != null) {
      fail(message + " (CI is set, so these tests may not be skipped)");
    }
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }
}
