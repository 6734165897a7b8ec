package io.github.reloadwatch.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the openssl command line in a test's temp directory, to check this module against files
 * another implementation wrote (CI installs openssl). Keys exist only in the temp directory.
 */
final class Openssl {

  private final Path dir;

  Openssl(Path dir) {
    this.dir = dir;
  }

  /** Runs {@code openssl args...}; returns its standard output. */
  String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path err = dir.resolve("openssl.err");
    Process p = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(err.toFile()).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: "
          + Files.readString(err));
    }
    return output;
  }

  byte[] read(String file) throws IOException {
    return Files.readAllBytes(dir.resolve(file));
  }
}
