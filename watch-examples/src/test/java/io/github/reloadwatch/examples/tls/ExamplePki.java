package io.github.reloadwatch.examples.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the openssl command line in a test's temp directory (CI installs
 * openssl): a CA, and certificates it issues for {@code localhost} (EC P-256 keys). Valid for two
 * days from the test run; no key is ever committed.
 */
final class ExamplePki {

  private final Path dir;

  private ExamplePki(Path dir) {
    this.dir = dir;
  }

  static ExamplePki create(Path dir) throws IOException, InterruptedException {
    ExamplePki pki = new ExamplePki(Files.createDirectories(dir));
    pki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=example CA", "-keyout", "ca-key.pem",
        "-out", "ca.pem");
    return pki;
  }

  String ca() throws IOException {
    return Files.readString(dir.resolve("ca.pem"));
  }

  /** Issues a certificate; returns the files of a kubernetes.io/tls Secret, with ca.crt. */
  Map<String, String> issue(String name, String cn) throws IOException, InterruptedException {
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=" + cn, "-keyout", name + "-key.pem", "-out", name + ".csr");
    Files.writeString(dir.resolve(name + ".ext"),
        "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
    Map<String, String> secret = new LinkedHashMap<>();
    secret.put("tls.crt", Files.readString(dir.resolve(name + ".pem")) + ca());
    secret.put("tls.key", Files.readString(dir.resolve(name + "-key.pem")));
    secret.put("ca.crt", ca());
    return secret;
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }
}
