package io.github.reloadwatch.examples.demo;

import io.github.reloadwatch.AtomicWriter;
import io.github.reloadwatch.AtomicWriter.FileProjection;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.Snapshot;
import io.github.reloadwatch.http.PrometheusReload;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command demo: a kubelet-style config folder, a server that reloads on {@code POST
 * /-/reload}, a few Kubernetes-style updates explained in plain words, then watching for the
 * user's own edits.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Shows reloadwatch at work with nothing else installed.")
public final class Demo implements Callable<Integer> {

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Where to create the config folder (default: a new temp directory).")
  Path dir;

  @Option(names = "--once", description = "Run the scripted updates, then exit.")
  boolean once;

  @Option(names = "--prometheus",
      description = "Use a real Prometheus (the 'prometheus' binary on PATH) as the target.")
  boolean prometheus;

  private final PrintStream out = System.out;
  private final BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();

  @Override
  public Integer call() throws Exception {
    Path folder = dir != null ? dir : Files.createTempDirectory("reloadwatch-demo-");
    AtomicWriter kubelet = AtomicWriter.forDirectory(folder.resolve("config"));
    Target target = prometheus ? new PrometheusTarget(folder) : new BuiltInTarget();
    Path configDir = folder.resolve("config");
    String file = target.fileName();

    say("1. A Kubernetes-style ConfigMap folder at " + configDir + ":");
    publish(kubelet, file, target.config(1));
    say("   " + file + " -> ..data/" + file + ", ..data -> ..<timestamp>, as kubelet writes it.");
    AutoCloseable server = target.start(configDir.resolve(file));
    try {
      say("2. " + target.describe() + " loaded version " + target.loaded() + ".");
      try (ReloadWatcher watcher = ReloadWatcher.builder()
          .addPath(configDir)
          .debounce(Duration.ofMillis(200))
          .resyncInterval(Duration.ofSeconds(1)) // catches edits made inside ..data for the demo
          .addAction(PrometheusReload.at(target.base()).build())
          .listener(new Outcomes(outcomes))
          .build()) {
        watcher.start();
        say("3. Watching " + configDir + ".");
        say("");

        say("Update: a new version 2, published kubelet-style (new dir, ..data swapped).");
        publish(kubelet, file, target.config(2));
        expect("reloaded", () -> "the server now reports version " + target.loaded());

        say("Update: the same content again, as a new version (a re-apply or a restarted writer).");
        publish(kubelet, file, target.config(2));
        expect("skipped", () -> "content unchanged, so no reload: the server was not bothered");

        say("Update: an invalid config.");
        publish(kubelet, file, target.invalidConfig());
        expect("rejected", () -> "the server refused it and kept version " + target.loaded()
            + "; no retries until the content changes");

        say("Update: the config fixed, version 3.");
        publish(kubelet, file, target.config(3));
        expect("reloaded", () -> "the server now reports version " + target.loaded());
        say("");
        if (once) {
          say("Done: 2 reloads, 1 update skipped as unchanged, 1 rejected.");
          return 0;
        }
        say("Your turn: edit " + configDir.resolve(file) + " (" + target.hint() + "),");
        say("and watch the server reload. Press Ctrl-C to stop.");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown, "demo-stop"));
        while (!forever.await(200, TimeUnit.MILLISECONDS)) {
          String outcome = outcomes.poll();
          if (outcome != null) {
            say("  " + outcome + ": the server now reports version " + target.loaded());
          }
        }
      }
    } finally {
      server.close();
    }
    return 0;
  }

  /**
   * Runs the demo; {@code --help} lists the options.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // the demo speaks in plain words on stdout; the library's own log lines stay quiet
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    System.exit(new CommandLine(new Demo()).execute(args));
  }

  /** Publishes a version kubelet's way; unlike kubelet, even when the content is the same. */
  private static void publish(AtomicWriter kubelet, String file, String content)
      throws IOException {
    kubelet.stage(List.of(FileProjection.of(file, content.getBytes(StandardCharsets.UTF_8))))
        .commit();
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private void expect(String kind, Callable<String> explanation) throws Exception {
    String outcome = outcomes.poll(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (outcome == null) {
      throw new IOException("nothing happened within " + STEP_TIMEOUT.toSeconds() + " s");
    }
    if (!outcome.startsWith(kind)) {
      throw new IOException("expected " + kind + " but the watcher reported: " + outcome);
    }
    say("  -> " + outcome + "; " + explanation.call() + ".");
  }

  /**
   * Puts every real decision in plain words on the queue: reloads, rejections, failures, and a
   * skip only when files were touched. The demo resyncs every second (to see edits made inside
   * {@code ..data}), and a resync that finds nothing new is no decision worth a line.
   */
  static final class Outcomes implements ReloadListener {
    private final BlockingQueue<String> outcomes;
    /** Set by the watch thread on every event, taken by the next decision. */
    private final AtomicBoolean touched = new AtomicBoolean();

    Outcomes(BlockingQueue<String> outcomes) {
      this.outcomes = outcomes;
    }

    @Override
    public void onWatchEvent() {
      touched.set(true);
    }

    @Override
    public void onReloaded(ReloadEvent event, Duration took) {
      touched.set(false);
      outcomes.add("reloaded in " + took.toMillis() + " ms (" + event.changes().size()
          + " file changed)");
    }

    @Override
    public void onSkipped(Snapshot snapshot) {
      if (touched.getAndSet(false)) {
        outcomes.add("skipped");
      }
    }

    @Override
    public void onRejected(ReloadEvent event, ReloadRejectedException error) {
      touched.set(false);
      outcomes.add("rejected (" + error.getMessage().replaceAll("\\s+", " ") + ")");
    }

    @Override
    public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
      outcomes.add("failed (" + error.getMessage() + "), retrying in " + retryIn.toMillis() + " ms");
    }
  }

  /** What the demo reloads. */
  private interface Target {
    String fileName();

    String config(int version);

    String invalidConfig();

    AutoCloseable start(Path configFile) throws Exception;

    String describe();

    URI base();

    String loaded() throws Exception;

    String hint();
  }

  /** The built-in demo server: no installation needed. */
  private static final class BuiltInTarget implements Target {
    private DemoServer server;

    @Override
    public String fileName() {
      return "config.yaml";
    }

    @Override
    public String config(int version) {
      return "# demo config\nversion: " + version + "\n";
    }

    @Override
    public String invalidConfig() {
      return "# demo config\nversion: three\n";
    }

    @Override
    public AutoCloseable start(Path configFile) throws IOException {
      server = new DemoServer(configFile);
      return server;
    }

    @Override
    public String describe() {
      return "A demo server on " + server.base() + " (POST /-/reload reloads it)";
    }

    @Override
    public URI base() {
      return server.base();
    }

    @Override
    public String loaded() {
      return server.loadedVersion();
    }

    @Override
    public String hint() {
      return "change the 'version:' number; a line without a number is rejected";
    }
  }

  /** A real Prometheus, started on a free loopback port with the lifecycle API enabled. */
  private static final class PrometheusTarget implements Target {
    private final Path workDir;
    private Process process;
    private URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    PrometheusTarget(Path workDir) {
      this.workDir = workDir;
    }

    @Override
    public String fileName() {
      return "prometheus.yml";
    }

    @Override
    public String config(int version) {
      return "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: demo-v" + version
          + "\n    static_configs:\n      - targets: ['127.0.0.1:9']\n";
    }

    @Override
    public String invalidConfig() {
      return "global:\n  scrape_interval: sometimes\n";
    }

    @Override
    public AutoCloseable start(Path configFile) throws Exception {
      Path binary = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
          .map(d -> Path.of(d, "prometheus")).filter(Files::isExecutable).findFirst()
          .orElseThrow(() -> new IOException("no 'prometheus' binary on PATH: install it"
              + " (apt-get install prometheus) or run the demo without --prometheus"));
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      base = URI.create("http://127.0.0.1:" + port);
      process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
          "--storage.tsdb.path=" + workDir.resolve("tsdb"), "--web.enable-lifecycle",
          "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true)
          .redirectOutput(workDir.resolve("prometheus.log").toFile())
          .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          if (get("/-/ready").statusCode() == 200) {
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("Prometheus did not start; see " + workDir.resolve("prometheus.log"));
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      return () -> {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      };
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public String describe() {
      return "Prometheus on " + base;
    }

    @Override
    public URI base() {
      return base;
    }

    @Override
    public String loaded() throws Exception {
      String config = get("/api/v1/status/config").body();
      int i = config.indexOf("job_name: demo-v");
      return i < 0 ? "?" : config.substring(i + "job_name: demo-v".length()).split("\\\\n")[0];
    }

    @Override
    public String hint() {
      return "change the job name demo-vN; an invalid duration is rejected";
    }
  }
}
