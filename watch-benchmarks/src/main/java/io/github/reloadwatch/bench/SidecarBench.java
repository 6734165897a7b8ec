package io.github.reloadwatch.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #15: the sidecar jar's start-up and footprint, for each JVM variant side by side in one
 * run, starts interleaved: plain {@code java -jar}, the flags of deploy/Dockerfile's ENTRYPOINT,
 * and those flags with the AppCDS archive that watch-sidecar/cds-training.sh makes in this run (as the
 * image build does). Each start is measured by {@link SidecarSample}.
 *
 * <pre>
 * java -jar benchmarks.jar sidecar [--runs 5] [--changes 10] [--idle-seconds 5]
 *     [--configs http,signal,api] [--variant NAME=FLAGS]... [--no-reload-on-start]
 *     [--jar FILE] [--out FILE]
 * </pre>
 *
 * <p>Configurations: {@code http} ({@code --watch DIR --url} a loopback target in this JVM),
 * {@code signal} ({@code --watch DIR --signal HUP --pid} a child that ignores SIGHUP: no HTTP
 * class is loaded) and {@code api} ({@code --from-configmap} against fabric8's mock API server,
 * {@code --url} the target). All with {@code --debounce 0ms}; reload latency = arrival of the POST
 * minus the rename (or the PUT) that made the change. The sidecar reloads once at start by
 * default, which the benchmark awaits before the first change; {@code --no-reload-on-start}
 * passes {@code --reload-on-start=false}, so that the first change is the first reload of the
 * process, on code that never ran.
 */
public final class SidecarBench {

  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  private SidecarBench() {}

  /** A JVM variant: a name and its flags. */
  record Variant(String name, List<String> flags) {}

  /**
   * Runs the benchmark and prints its Markdown tables (also written to {@code --out}).
   *
   * @param args the options
   * @param out where the progress and the tables go
   * @return the Markdown tables
   * @throws Exception if a start fails
   */
  static String run(String[] args, PrintStream out) throws Exception {
    int runs = 5;
    int changes = 10;
    Duration idle = Duration.ofSeconds(5);
    List<String> configs = List.of("http", "signal", "api");
    List<Variant> extra = new ArrayList<>();
    Path jar = Path.of("watch-sidecar", "target", "reloadwatch-sidecar.jar");
    Path dockerfile = Path.of("deploy", "Dockerfile");
    Path training = Path.of("watch-sidecar", "cds-training.sh");
    Path outFile = Harness.defaultOut("sidecar-results.md");
    boolean reloadOnStart = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--changes" -> changes = Integer.parseInt(args[++i]);
        case "--idle-seconds" -> idle = Duration.ofSeconds(Long.parseLong(args[++i]));
        case "--configs" -> configs = List.of(args[++i].split(","));
        case "--variant" -> {
          String spec = args[++i];
          int eq = spec.indexOf('=');
          extra.add(new Variant(spec.substring(0, eq),
              List.of(spec.substring(eq + 1).trim().split("\\s+"))));
        }
        case "--jar" -> jar = Path.of(args[++i]);
        case "--dockerfile" -> dockerfile = Path.of(args[++i]);
        case "--training-script" -> training = Path.of(args[++i]);
        case "--out" -> outFile = Path.of(args[++i]);
        case "--no-reload-on-start" -> reloadOnStart = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (see watch-benchmarks/README.md)");
      }
    }
    jar = jar.toAbsolutePath();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String loadBefore = Proc.loadAverage();
    Instant startedAt = Instant.now();
    Path work = Files.createTempDirectory("bench-sidecar");

    try {
      List<String> documented = dockerfileFlags(dockerfile);
      Path archive = work.resolve("reloadwatch-sidecar.jsa");
      long trainingNanos = train(training, java, jar, archive, documented, out);
      List<Variant> variants = new ArrayList<>(List.of(
          new Variant("plain `java -jar`", List.of()),
          new Variant("Dockerfile flags, no archive", documented),
          new Variant("Dockerfile flags + AppCDS", withArchive(documented, archive))));
      for (Variant v : extra) {
        List<String> flags = new ArrayList<>(withArchive(documented, archive));
        flags.addAll(v.flags());
        variants.add(new Variant(v.name(), flags));
      }

      Map<String, Map<String, List<SidecarSample.Result>>> results = new LinkedHashMap<>();
      try (SidecarConfigs setups = new SidecarConfigs(work, reloadOnStart)) {
        for (int run = 1; run <= runs; run++) {
          for (String config : configs) {
            for (Variant variant : variants) {
              SidecarConfigs.Config c = setups.prepare(config, run);
              SidecarSample.Result r = SidecarSample.run(java, variant.flags(), jar, c,
                  c.changes(changes), idle,
                  work.resolve("sidecar-" + config + "-" + run + "-" + variants.indexOf(variant)
                      + ".log"));
              results.computeIfAbsent(config, k -> new LinkedHashMap<>())
                  .computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(r);
              out.printf(Locale.ROOT, "run %d %-6s %-32s ready %6.1f ms, RSS %5.1f MiB"
                      + " (anon %5.1f), reloads %s, exit %d%n", run, config, variant.name(),
                  r.readyNanos() / 1e6, r.rssKiB() / 1024.0, r.anonKiB() / 1024.0,
                  r.reloadNanos().stream().map(n -> String.format(Locale.ROOT, "%.1f", n / 1e6))
                      .toList(), r.exitCode());
            }
          }
        }
      }
      String table = SidecarReport.render(results, variants, runs, changes, idle, jar, archive,
          trainingNanos, startedAt, loadBefore, Proc.loadAverage(), documented, reloadOnStart);
      out.println();
      out.println(table);
      Files.writeString(outFile, table, StandardCharsets.UTF_8);
      out.println("(also written to " + outFile + ")");
      return table;
    } finally {
      deleteTree(work);
    }
  }

  /**
   * The JVM flags of deploy/Dockerfile's ENTRYPOINT, between {@code java} and {@code -jar},
   * without the archive's own two ({@code -XX:SharedArchiveFile}, {@code -Xshare}).
   */
  static List<String> dockerfileFlags(Path dockerfile) throws Exception {
    String entrypoint = Files.readAllLines(dockerfile, StandardCharsets.UTF_8).stream()
        .filter(line -> line.startsWith("ENTRYPOINT ["))
        .findFirst().orElseThrow(() -> new IllegalStateException("no ENTRYPOINT in " + dockerfile));
    List<String> words = new ArrayList<>();
    Matcher m = QUOTED.matcher(entrypoint);
    while (m.find()) {
      words.add(m.group(1));
    }
    int from = 0;
    while (from < words.size() && !words.get(from).endsWith("/java")) {
      from++;
    }
    List<String> flags = new ArrayList<>(words.subList(from + 1, words.indexOf("-jar")));
    flags.removeIf(f -> f.startsWith("-XX:SharedArchiveFile=") || f.startsWith("-Xshare:"));
    return List.copyOf(flags);
  }

  private static List<String> withArchive(List<String> flags, Path archive) {
    List<String> all = new ArrayList<>(flags);
    all.add("-XX:SharedArchiveFile=" + archive);
    all.add("-Xshare:auto");
    return List.copyOf(all);
  }

  /** Runs watch-sidecar/cds-training.sh as the image build does; returns how long it took. */
  private static long train(Path script, Path java, Path jar, Path archive, List<String> flags,
      PrintStream out) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", script.toString(), java.toString(),
        jar.toString(), archive.toString()));
    command.addAll(flags);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("CDS_TRAINING_PORT", Integer.toString(SidecarSample.freePort()));
    long started = System.nanoTime();
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("the training run failed: " + output);
    }
    long took = System.nanoTime() - started;
    out.print(output);
    // an archive the JVM cannot map fails here, not silently in every -Xshare:auto start after
    List<String> check = new ArrayList<>(List.of(java.toString()));
    check.addAll(flags);
    check.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-jar",
        jar.toString(), "--version"));
    Process verify = new ProcessBuilder(check).redirectErrorStream(true).start();
    String version = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!verify.waitFor(30, TimeUnit.SECONDS) || verify.exitValue() != 0) {
      throw new IllegalStateException("the archive is not usable (-Xshare:on): " + version);
    }
    return took;
  }

  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      // a temporary directory; left behind at worst
    }
  }

  /** For {@link SidecarConfigs}: the ConfigMap the api configuration updates. */
  static Map<String, String> data(int n) {
    return Map.of("prometheus.yml", "global:\n  scrape_interval: " + n + "s\n");
  }
}
