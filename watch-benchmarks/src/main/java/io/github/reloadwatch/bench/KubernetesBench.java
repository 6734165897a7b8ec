package io.github.reloadwatch.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.kubernetes.KubernetesMaterializer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Issue #10: from an update of a ConfigMap through the Kubernetes API to the reload action, over
 * fabric8's mock API server in CRUD mode on the loopback address, side by side in the same run with
 * the naive baseline, {@link KubernetesPoller}: a loop that GETs the object every 100 ms and writes
 * its data (what k8s-sidecar's named mode does every 60 s by default).
 *
 * <pre>
 * java -jar benchmarks.jar kubernetes [--updates 100] [--warmup 10] [--debounce-ms 100]
 *     [--poll-ms 100] [--dir DIR] [--out FILE]
 * </pre>
 *
 * <p>Ours: a {@link KubernetesMaterializer} writes the object into a directory in kubelet's layout
 * and a {@link ReloadWatcher} on that directory (debounce 100 ms) runs an action whose first
 * statement takes {@link System#nanoTime()}, then reads the token it saw. Each update carries a
 * new token; its time is taken right before the PUT; latency = the first action (or, for the
 * poller, the first write) that saw the token minus that time, debounce included. After both have
 * seen it, a random pause of up to one poll interval, so that updates land at every phase of the
 * poll loop. Percentiles by nearest rank, over the updates after the warm-up.
 */
public final class KubernetesBench {

  private static final String NAME = "app";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private KubernetesBench() {}

  /**
   * Runs the benchmark on its own: the same as {@code java -jar benchmarks.jar kubernetes}.
   *
   * @param args the options
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    run(args, System.out);
  }

  /**
   * Runs the benchmark and prints its Markdown row (also written to {@code --out}).
   *
   * @param args the options
   * @param out where the progress and the table go
   * @return the Markdown table
   * @throws Exception if the run fails
   */
  static String run(String[] args, PrintStream out) throws Exception {
    int updates = 100;
    int warmup = 10;
    Duration debounce = Duration.ofMillis(100);
    Duration poll = Duration.ofMillis(100);
    Path dirOption = Path.of(System.getProperty("java.io.tmpdir"));
    Path outFile = Harness.defaultOut("kubernetes-results.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--updates" -> updates = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--debounce-ms" -> debounce = Duration.ofMillis(Long.parseLong(args[++i]));
        case "--poll-ms" -> poll = Duration.ofMillis(Long.parseLong(args[++i]));
        case "--dir" -> dirOption = Path.of(args[++i]);
        case "--out" -> outFile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown kubernetes option " + args[i]
            + ": use --updates, --warmup, --debounce-ms, --poll-ms, --dir or --out");
      }
    }
    Path base = Files.createTempDirectory(dirOption, "reloadwatch-k8s-").toRealPath();
    Path oursDir = base.resolve("materialized");
    Path pollDir = Files.createDirectories(base.resolve("polled"));
    Path tokenFile = oursDir.resolve("token");
    String loadBefore = Proc.loadAverage();
    out.printf("reloadwatch kubernetes: %d updates (+%d warm-up), debounce %d ms, poll every %d"
        + " ms, dir %s, load %s%n", updates, warmup, debounce.toMillis(), poll.toMillis(), base,
        loadBefore);

    Sightings ours = new Sightings();
    Sightings polled = new Sightings();
    Stats oursStats = new Stats();
    Stats pollStats = new Stats();
    String payload = "x".repeat(1024);
    Random random = new Random(10);
    long writes;
    long gets;
    long pollErrors;
    int requestsBefore;
    int requestsDuring;
    try (KubernetesMockApi api = new KubernetesMockApi()) {
      ConfigMap current = api.create(NAME, Map.of("token", "initial", "payload", payload));
      try (KubernetesMaterializer materializer = KubernetesMaterializer.builder()
              .client(api.client()).configMap(KubernetesMockApi.NAMESPACE, NAME)
              .directory(oursDir).build();
          ReloadWatcher watcher = ReloadWatcher.builder()
              .addDirectory(oursDir)
              .debounce(debounce)
              .addAction(event -> {
                long now = System.nanoTime();
                ours.saw(new String(event.snapshot().read(tokenFile), StandardCharsets.UTF_8),
                    now);
              })
              .build();
          KubernetesPoller poller = new KubernetesPoller(api.client(), NAME, pollDir, poll,
              polled::saw)) {
        materializer.start();
        watcher.start();
        poller.start();
        if (polled.await("initial", TIMEOUT) < 0) {
          throw new IllegalStateException("the poller never saw the initial version");
        }
        requestsBefore = api.requests();
        long getsBefore = poller.gets();
        for (int i = -warmup; i < updates; i++) {
          String token = "update-" + (i + warmup);
          long sent = System.nanoTime();
          current = api.replace(current, Map.of("token", token, "payload", payload));
          long tOurs = ours.await(token, TIMEOUT);
          long tPoll = polled.await(token, TIMEOUT);
          if (i >= 0) {
            record(oursStats, tOurs, sent);
            record(pollStats, tPoll, sent);
          }
          Harness.pause(Duration.ofNanos((long) (random.nextDouble() * poll.toNanos())));
        }
        requestsDuring = api.requests() - requestsBefore;
        writes = materializer.status().writes();
        gets = poller.gets() - getsBefore;
        pollErrors = poller.errors();
      }
    }

    long budget = debounce.toNanos() + 50_000_000L;
    boolean ok = oursStats.misses() == 0 && oursStats.p99() >= 0 && oursStats.p99() < budget;
    String table = "| Scenario | Target | reloadwatch | baseline: " + poll.toMillis()
        + " ms polling GET | | Ratio | Result |\n"
        + "|---|---|---|---|---|---|---|\n"
        + "| " + String.join(" | ",
            "k8s: ConfigMap update through the API → action, debounce " + debounce.toMillis()
                + " ms, ×" + updates + " (mock API server, loopback)",
            "p99 < debounce + 50 ms (" + Stats.ms(budget) + ")",
            oursStats.summary() + ", max " + Stats.ms(oursStats.max()) + "; after the debounce:"
                + " median " + Stats.ms(oursStats.median() - debounce.toNanos()) + ", p99 "
                + Stats.ms(oursStats.p99() - debounce.toNanos()),
            pollStats.summary() + ", max " + Stats.ms(pollStats.max()),
            "",
            Stats.ratio(oursStats.median(), pollStats.median()) + " median, "
                + Stats.ratio(oursStats.p99(), pollStats.p99()) + " p99",
            ok ? "**pass**" : "**miss**") + " |\n";
    String notes = String.format(Locale.ROOT,
        "%nMachine: %d cores, %s %s. Load average %s at the start, %s at the end. Latency is from"
            + " right before the PUT to the action's entry (ours, debounce included) or to the"
            + " poller's write of the new data. During the %d updates (+%d warm-up) the server"
            + " answered %d requests: the %d PUTs, %d GETs of the poller (%d failed) and %d of"
            + " the materializer (its watch stays open); the materializer wrote %d versions.%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), loadBefore, Proc.loadAverage(), updates,
        warmup, requestsDuring, updates + warmup, gets, pollErrors,
        requestsDuring - (updates + warmup) - gets, writes);
    String markdown = table + notes;
    out.println();
    out.print(markdown);
    Files.writeString(outFile, markdown, StandardCharsets.UTF_8);
    return markdown;
  }

  private static void record(Stats stats, long seen, long sent) {
    if (seen < 0) {
      stats.miss();
    } else {
      stats.add(seen - sent);
    }
  }

  /** When each token was first seen by one party: the action, or the poller. */
  private static final class Sightings {
    private final Map<String, CompletableFuture<Long>> first = new ConcurrentHashMap<>();

    void saw(String token, long nanos) {
      future(token).complete(nanos);
    }

    /** The time {@code token} was first seen, waiting for it up to {@code timeout}; or -1. */
    long await(String token, Duration timeout) throws InterruptedException {
      try {
        return future(token).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return -1;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    private CompletableFuture<Long> future(String token) {
      return first.computeIfAbsent(token, k -> new CompletableFuture<>());
    }
  }
}
