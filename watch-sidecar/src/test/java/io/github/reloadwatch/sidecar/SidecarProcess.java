package io.github.reloadwatch.sidecar;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar as a real process (this module's classes, or the shaded jar), its log in a file, and
 * HTTP helpers. Variables of the machine that the sidecar or fabric8 would read ({@code
 * RELOADWATCH_*}, {@code KUBECONFIG}, {@code KUBERNETES_*}) are not passed on.
 */
final class SidecarProcess implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final Process process;
  final Path log;

  private SidecarProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static SidecarProcess launch(Path dir, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(java(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), Sidecar.class.getName()));
    command.addAll(List.of(args));
    return start(dir, env, command);
  }

  /** The shaded jar, built by the package phase; tests that use it are tagged {@code jar}. */
  static final Path JAR = Path.of("target", "reloadwatch-sidecar.jar").toAbsolutePath();

  /**
   * The JVM flags of deploy/Dockerfile's ENTRYPOINT and training run, without the archive's own
   * two ({@code -XX:SharedArchiveFile}, {@code -Xshare:auto}); {@code DockerfileTest} checks that
   * they agree.
   */
  static final List<String> DOCKERFILE_FLAGS = List.of("-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss256k", "-Xms4m", "-Xmx64m",
      "-XX:MaxMetaspaceSize=48m", "-XX:ReservedCodeCacheSize=16m");

  /** Runs {@code java [jvmFlags] -jar target/reloadwatch-sidecar.jar args}. */
  static SidecarProcess launchJar(Path dir, Map<String, String> env, List<String> jvmFlags,
      String... args) throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(JAR),
        JAR + " is not built: run ./mvnw -pl watch-sidecar verify");
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", JAR.toString()));
    command.addAll(List.of(args));
    return start(dir, env, command);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static SidecarProcess start(Path dir, Map<String, String> env, List<String> command)
      throws IOException {
    Path log = dir.resolve("sidecar-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RELOADWATCH_")
        || k.startsWith("KUBERNETES_") || k.equals("KUBECONFIG"));
    pb.environment().putAll(env);
    return new SidecarProcess(pb.start(), log);
  }

  /** Waits for the process to exit by itself; returns its status. */
  int exitValue(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the sidecar did not exit within " + within);
    }
    return process.exitValue();
  }

  static SidecarProcess launch(Path dir, String... args) throws IOException {
    return launch(dir, Map.of(), args);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status server's port, from the sidecar's log line (tests listen on port 0). */
  int port() {
    java.util.regex.Pattern serving = java.util.regex.Pattern.compile("on port (\\d+)");
    String[] found = new String[1];
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
      java.util.regex.Matcher m = serving.matcher(log());
      if (m.find()) {
        found[0] = m.group(1);
        return true;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the sidecar exited: " + log());
      }
      return false;
    });
    return Integer.parseInt(found[0]);
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** Sends SIGTERM and waits up to {@code within} for the exit status. */
  int terminate(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the sidecar did not exit within " + within + " of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      // kept in the surefire report, for a test that failed
      System.out.println("--- sidecar log " + log + (process.isAlive() ? ""
          : " (exited with " + process.exitValue() + ")") + ":\n" + log());
    } catch (IOException e) {
      System.out.println("--- no sidecar log: " + e);
    }
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
