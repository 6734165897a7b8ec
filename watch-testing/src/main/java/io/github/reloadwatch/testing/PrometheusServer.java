package io.github.reloadwatch.testing;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the {@code prometheus} binary, Debian package {@code prometheus}) on a
 * free loopback port, for end-to-end tests: it scrapes the given targets, and {@link
 * #query(String)} asks it what it saw.
 *
 * <pre>{@code
 * try (PrometheusServer prometheus = PrometheusServer.builder()
 *     .workDirectory(tempDir)                         // config, TSDB and log go here
 *     .scrapeInterval(Duration.ofSeconds(1))
 *     .addScrapeTarget("exporter", "127.0.0.1:" + exporterPort)
 *     .start()) {                                     // returns once /-/ready answers 200
 *   String json = prometheus.query("max_over_time(reloader_last_reload_successful[1m]) == 0");
 * }
 * }</pre>
 *
 * <p>The binary is {@link #findBinary() found} through {@value #BINARY_ENV} or the {@code PATH}. A
 * test decides what a missing binary means (skip locally, fail in CI); {@link Builder#start()}
 * throws {@link FileNotFoundException} naming the package to install. The port is picked free
 * just before the start; if another process takes it first, the start is retried on another one.
 * {@link #close()} stops the process (SIGTERM, then SIGKILL) and waits for it to exit.
 *
 * <p>Uses only the JDK. Thread-safe once started.
 *
 * @since 0.1.0
 */
public final class PrometheusServer implements AutoCloseable {

  /** The environment variable that may name the binary: {@value}. */
  public static final String BINARY_ENV = "PROMETHEUS_BIN";

  /** The default scrape and evaluation interval: 1 s. */
  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(1);

  /** The default time {@link Builder#start()} waits for {@code /-/ready}: 60 s. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private static final int PORT_ATTEMPTS = 3;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http;

  private PrometheusServer(Process process, int port, Path log, HttpClient http) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.http = http;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the {@code prometheus} binary: the file {@value #BINARY_ENV} names, else the first
   * executable {@code prometheus} on the {@code PATH}.
   *
   * @return the binary, or empty if there is none
   */
  public static Optional<Path> findBinary() {
    String configured = System.getenv(BINARY_ENV);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "prometheus");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the base URI, such as {@code http://127.0.0.1:40123}.
   *
   * @return the server's URI
   */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Returns the port the server listens on, on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the file that receives the server's output.
   *
   * @return the log file in the work directory
   */
  public Path logFile() {
    return log;
  }

  /**
   * Returns the server's process id.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Returns whether the process still runs.
   *
   * @return true until it exited
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Evaluates an instant query now ({@code GET /api/v1/query}).
   *
   * @param promql the expression, such as {@code reloader_last_reload_successful == 0}
   * @return the JSON answer, e.g. {@code {"status":"success","data":{"resultType":"vector",
   *     "result":[...]}}}; an empty {@code "result":[]} means no series
   * @throws IOException if the server cannot be reached or does not answer 200 (a bad
   *     expression); the message has its answer
   * @throws InterruptedException if interrupted while waiting for the answer
   */
  public String query(String promql) throws IOException, InterruptedException {
    Objects.requireNonNull(promql, "promql cannot be null");
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /**
   * Sends a GET to a path of the server.
   *
   * @param pathAndQuery such as {@code /api/v1/targets}
   * @return the body of a 200 answer
   * @throws IOException if the server cannot be reached or answers another status
   * @throws InterruptedException if interrupted while waiting for the answer
   */
  public String get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = send(http, baseUri().resolve(pathAndQuery));
    if (response.statusCode() != 200) {
      throw new IOException("prometheus answered " + response.statusCode() + " to GET "
          + pathAndQuery + ": " + response.body());
    }
    return response.body();
  }

  /**
   * Stops the server: SIGTERM, and SIGKILL if it has not exited within 20 s; returns once it
   * exited. Idempotent.
   */
  @Override
  public void close() {
    stop(process);
  }

  @Override
  public String toString() {
    return "PrometheusServer{" + baseUri() + ", pid=" + process.pid()
        + (process.isAlive() ? "" : ", exited") + "}";
  }

  private static HttpResponse<String> send(HttpClient http, URI uri)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void stop(Process process) {
    boolean interrupted = false;
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      process.destroyForcibly();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Configures and starts a {@link PrometheusServer}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private Path binary;
    private Path workDirectory;
    private Duration scrapeInterval = DEFAULT_SCRAPE_INTERVAL;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private String config;
    private final List<String[]> targets = new ArrayList<>();
    private final List<String> arguments = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the binary. Defaults to {@link #findBinary()}.
     *
     * @param binary the {@code prometheus} executable
     * @return this builder
     * @throws NullPointerException if {@code binary} is null
     */
    public Builder binary(Path binary) {
      this.binary = Objects.requireNonNull(binary, "binary cannot be null");
      return this;
    }

    /**
     * Sets the directory for the configuration, the TSDB ({@code --storage.tsdb.path}) and the
     * log, such as a JUnit {@code @TempDir}. Required.
     *
     * @param workDirectory an existing, writable directory
     * @return this builder
     * @throws NullPointerException if {@code workDirectory} is null
     */
    public Builder workDirectory(Path workDirectory) {
      this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory cannot be null");
      return this;
    }

    /**
     * Sets the global scrape and evaluation interval (the scrape timeout too). Defaults to 1 s.
     *
     * @param interval at least one second
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if it is shorter than one second or not whole seconds
     */
    public Builder scrapeInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval cannot be null");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("scrapeInterval (" + interval
            + ") must be whole seconds, at least 1 s");
      }
      this.scrapeInterval = interval;
      return this;
    }

    /**
     * Adds a target to scrape at {@code /metrics}, as a {@code static_configs} entry of its job.
     *
     * @param job the job name, the {@code job} label of its series
     * @param hostAndPort such as {@code 127.0.0.1:40123}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the job or the address has characters YAML would need
     *     quoted
     */
    public Builder addScrapeTarget(String job, String hostAndPort) {
      Objects.requireNonNull(job, "job cannot be null");
      Objects.requireNonNull(hostAndPort, "hostAndPort cannot be null");
      if (!job.matches("[A-Za-z0-9_.-]+") || !hostAndPort.matches("[A-Za-z0-9_.:\\[\\]-]+")) {
        throw new IllegalArgumentException("job (" + job + ") and hostAndPort (" + hostAndPort
            + ") must be plain names, such as exporter and 127.0.0.1:8080");
      }
      targets.add(new String[] {job, hostAndPort});
      return this;
    }

    /**
     * Replaces the generated configuration with this YAML, written to {@code prometheus.yml} in
     * the work directory; {@link #scrapeInterval} and {@link #addScrapeTarget} are then ignored.
     *
     * @param yaml a whole Prometheus configuration
     * @return this builder
     * @throws NullPointerException if {@code yaml} is null
     */
    public Builder config(String yaml) {
      this.config = Objects.requireNonNull(yaml, "yaml cannot be null");
      return this;
    }

    /**
     * Adds a command-line flag, such as {@code --web.enable-lifecycle}.
     *
     * @param argument the flag
     * @return this builder
     * @throws NullPointerException if {@code argument} is null
     */
    public Builder addArgument(String argument) {
      arguments.add(Objects.requireNonNull(argument, "argument cannot be null"));
      return this;
    }

    /**
     * Sets how long {@link #start()} waits for {@code /-/ready}. Defaults to 60 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder startTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout cannot be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout (" + timeout + ") must be positive");
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Writes the configuration, starts Prometheus on a free loopback port and waits until {@code
     * /-/ready} answers 200. A process that does not get ready is stopped before this throws.
     *
     * @return the running server; close it
     * @throws FileNotFoundException if no binary is set or {@linkplain #findBinary() found}
     * @throws IOException if it cannot be started, exits, or is not ready within the timeout;
     *     the message has the end of its log
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if no work directory was set
     */
    public PrometheusServer start() throws IOException, InterruptedException {
      if (workDirectory == null) {
        throw new IllegalStateException("no work directory: call workDirectory(...) before start()");
      }
      Path bin = binary != null ? binary : findBinary().orElseThrow(() -> new FileNotFoundException(
          "no prometheus binary on PATH and " + BINARY_ENV + " is not set (or not executable):"
              + " apt-get install prometheus"));
      Path configFile = workDirectory.resolve("prometheus.yml");
      Files.writeString(configFile, config != null ? config : generatedConfig());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        Path log = workDirectory.resolve("prometheus.log");
        Process process = launch(bin, configFile, port, log);
        try {
          awaitReady(process, http, port, log);
          return new PrometheusServer(process, port, log, http);
        } catch (IOException | RuntimeException | Error e) {
          stop(process);
          if (attempt < PORT_ATTEMPTS && Files.readString(log).contains("address already in use")) {
            continue; // someone took the port between freePort() and the bind: take another
          }
          throw e;
        } catch (InterruptedException e) {
          stop(process);
          throw e;
        }
      }
    }

    private String generatedConfig() {
      long seconds = scrapeInterval.toSeconds();
      StringBuilder yaml = new StringBuilder()
          .append("global:\n")
          .append("  scrape_interval: ").append(seconds).append("s\n")
          .append("  scrape_timeout: ").append(seconds).append("s\n")
          .append("  evaluation_interval: ").append(seconds).append("s\n")
          .append("scrape_configs:\n");
      if (targets.isEmpty()) {
        yaml.append("  []\n");
      }
      for (String[] target : targets) {
        yaml.append("  - job_name: '").append(target[0]).append("'\n")
            .append("    static_configs:\n")
            .append("      - targets: ['").append(target[1]).append("']\n");
      }
      return yaml.toString();
    }

    private Process launch(Path bin, Path configFile, int port, Path log) throws IOException {
      List<String> command = new ArrayList<>(List.of(
          bin.toString(),
          "--config.file=" + configFile,
          "--storage.tsdb.path=" + workDirectory.resolve("tsdb"),
          "--web.listen-address=127.0.0.1:" + port,
          "--log.level=warn"));
      command.addAll(arguments);
      Files.deleteIfExists(log);
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    }

    private void awaitReady(Process process, HttpClient http, int port, Path log)
        throws IOException, InterruptedException {
      URI ready = URI.create("http://127.0.0.1:" + port + "/-/ready");
      long deadline = System.nanoTime() + startTimeout.toNanos();
      String last = "no answer yet";
      while (System.nanoTime() - deadline < 0) {
        if (!process.isAlive()) {
          throw new IOException("prometheus exited with " + process.exitValue() + ": "
              + tail(log));
        }
        try {
          HttpResponse<String> response = send(http, ready);
          if (response.statusCode() == 200) {
            return;
          }
          last = response.statusCode() + " " + response.body().strip();
        } catch (IOException e) {
          last = e.toString();
        }
        // the pause between polls, which also notices at once when the process exits
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
      throw new IOException("prometheus not ready within " + startTimeout + " (" + last + "): "
          + tail(log));
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }

    private static String tail(Path log) throws IOException {
      String text = Files.exists(log) ? Files.readString(log) : "";
      return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    }
  }
}
