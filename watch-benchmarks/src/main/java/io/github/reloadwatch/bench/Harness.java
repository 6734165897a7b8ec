package io.github.reloadwatch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The end-to-end scenarios of issue #6, each measured side by side with a raw JDK {@code
 * WatchService} on the same directory and, when installed, {@code inotifywait}. Results go to
 * stdout as a Markdown table (and to {@code --out}).
 */
final class Harness {

  /** One row of the results table. */
  record Row(String scenario, String target, String ours, String jdk, String inotifywait,
      String ratio, String verdict) {}

  private final Options options;
  private final PrintStream out;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Random random = new Random(6);
  private final boolean inotify;
  private final Path base;

  /** Command-line options. */
  static final class Options {
    Set<Integer> scenarios = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6, 7));
    int reps = 50;
    int warmup = 10;
    int idleSeconds = 20;
    int scaleRuns = 3;
    int largeReps = 5;
    int stormReps = 3;
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    Path outFile = defaultOut("harness-results.md");
    List<String> childJvmArgs = List.of("-Xmx256m");
    boolean noInotifywait;
    List<String> kinds = List.of("swap", "editor", "inplace");
    List<Long> debounces = List.of(0L, 100L);

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--scenarios" -> {
            o.scenarios = new LinkedHashSet<>();
            for (String s : args[++i].split(",")) {
              o.scenarios.add(Integer.parseInt(s.trim()));
            }
          }
          case "--reps" -> o.reps = Integer.parseInt(args[++i]);
          case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
          case "--idle-seconds" -> o.idleSeconds = Integer.parseInt(args[++i]);
          case "--scale-runs" -> o.scaleRuns = Integer.parseInt(args[++i]);
          case "--large-reps" -> o.largeReps = Integer.parseInt(args[++i]);
          case "--storm-reps" -> o.stormReps = Integer.parseInt(args[++i]);
          case "--dir" -> o.dir = Path.of(args[++i]);
          case "--out" -> o.outFile = Path.of(args[++i]);
          case "--child-jvm-args" -> o.childJvmArgs = List.of(args[++i].trim().split("\\s+"));
          case "--no-inotifywait" -> o.noInotifywait = true;
          case "--kinds" -> o.kinds = List.of(args[++i].split(","));
          case "--debounces" -> o.debounces =
              Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
          default -> throw new IllegalArgumentException("unknown option " + a
              + "; see watch-benchmarks/README.md");
        }
      }
      return o;
    }
  }

  Harness(Options options, PrintStream out) throws IOException {
    this.options = options;
    this.out = out;
    this.inotify = !options.noInotifywait && Inotifywait.available();
    Files.createDirectories(options.dir);
    this.base = Files.createTempDirectory(options.dir.toAbsolutePath().normalize(), "reloadwatch-bench-")
        .toRealPath();
  }

  List<Row> rows() {
    return rows;
  }

  /** Runs the selected scenarios and prints the table; returns the Markdown written. */
  String run() throws Exception {
    String started = Instant.now().toString();
    String loadBefore = Proc.loadAverage();
    out.printf("reloadwatch harness: scenarios %s, %d reps, base dir %s (%s), load %s%n",
        options.scenarios, options.reps, base, Files.getFileStore(base).type(), loadBefore);
    if (!inotify) {
      notes.add("inotifywait column skipped: inotify-tools is not installed (apt-get install"
          + " inotify-tools), or --no-inotifywait was given.");
    }
    try {
      for (int s : options.scenarios) {
        String load = Proc.loadAverage();
        out.printf("%n== scenario %d (load %s)%n", s, load);
        switch (s) {
          case 1 -> {
            for (long d : options.debounces) {
              for (String kind : options.kinds) {
                reaction(kind, Duration.ofMillis(d));
              }
            }
          }
          case 2 -> singleSymlinkedFile();
          case 3 -> stagingAndNoOps();
          case 4 -> {
            storm();
            churn();
          }
          case 5 -> {
            large(Duration.ofMillis(100));
            large(Duration.ZERO);
          }
          case 6 -> idle();
          case 7 -> scale();
          case 8 -> { }
          default -> throw new IllegalArgumentException("no scenario " + s);
        }
      }
      rows.add(new Row("8 sidecar: RSS idle, start to /readyz", "≤ 48 MiB, ≤ 250 ms (#15)",
          "see benchmarks.jar sidecar", "", "", "", "not measured here"));
    } finally {
      KubeletMount.deleteTree(base);
    }
    String markdown = table(started, loadBefore, Proc.loadAverage());
    out.println();
    out.println(markdown);
    Files.writeString(options.outFile, markdown, StandardCharsets.UTF_8);
    out.println("written to " + options.outFile.toAbsolutePath());
    return markdown;
  }

  private String table(String started, String loadBefore, String loadAfter) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "Machine: %d cores, %s %s, %s on %s, file system %s. Started %s; load average %s at the"
            + " start, %s at the end.%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), System.getProperty("os.name"),
        System.getProperty("os.arch"), Files.getFileStore(options.dir).type(), started,
        loadBefore, loadAfter));
    b.append("| Scenario | Target | reloadwatch | JDK WatchService | inotifywait | Ratio | Result |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append("| ").append(String.join(" | ", r.scenario(), r.target(), r.ours(), r.jdk(),
          inotify || r.inotifywait().isEmpty() ? r.inotifywait() : "skipped", r.ratio(),
          r.verdict())).append(" |\n");
    }
    if (!notes.isEmpty()) {
      b.append('\n');
      for (String n : notes) {
        b.append("- ").append(n).append('\n');
      }
    }
    return b.toString();
  }

  private void row(Row row) {
    rows.add(row);
    out.printf("  %s: ours %s | JDK %s | inotifywait %s | %s | %s%n",
        row.scenario(), row.ours(), row.jdk(), row.inotifywait(), row.ratio(), row.verdict());
  }

  // -----------------------------------------------------------------------------------------
  // helpers

  /** Waits without burning CPU; for pacing writers and letting a watcher go quiet. */
  static void pause(Duration d) {
    parkUntil(System.nanoTime() + d.toNanos());
  }

  static void parkUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private Path freshDir(String name) throws IOException {
    return Files.createDirectories(base.resolve(name));
  }

  private static String pass(boolean ok) {
    return ok ? "**pass**" : "**miss**";
  }

  private Inotifywait inotifywait(Path path) throws IOException, InterruptedException {
    return inotify ? Inotifywait.start(path) : null;
  }

  private static long await(EventLog log, long since, Predicate<EventLog.Event> match,
      Duration timeout) throws InterruptedException {
    return log == null ? -1 : log.await(since, match, timeout);
  }

  private static void close(AutoCloseable c) throws Exception {
    if (c != null) {
      c.close();
    }
  }

  private byte[] content(String label, int size) {
    StringBuilder s = new StringBuilder(label).append(' ').append(random.nextLong()).append('\n');
    while (s.length() < size) {
      s.append("key_").append(s.length()).append(": value\n");
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  // -----------------------------------------------------------------------------------------
  // 1. reaction

  private void reaction(String kind, Duration debounce) throws Exception {
    Path dir = freshDir("s1-" + kind + "-" + debounce.toMillis());
    Path file;
    KubeletMount writer = null;
    byte[] rules = content("rules", 300);
    if (kind.equals("swap")) {
      writer = new KubeletMount(dir, Map.of("config.yaml", content("v0", 500), "rules.yaml", rules));
      file = dir.resolve("config.yaml");
    } else {
      file = dir.resolve("app.yml");
      Files.write(file, content("v0", 500));
      Files.write(dir.resolve("rules.yml"), rules);
    }
    String name = kind.equals("swap") ? "..data" : file.getFileName().toString();
    Predicate<EventLog.Event> jdkMatch = switch (kind) {
      case "inplace" -> e -> e.kind().equals("ENTRY_MODIFY") && e.name().equals(name);
      default -> e -> e.kind().equals("ENTRY_CREATE") && e.name().equals(name);
    };
    Predicate<EventLog.Event> inwMatch = switch (kind) {
      case "inplace" -> e -> e.kind().startsWith("MODIFY") && e.name().equals(name);
      default -> e -> e.kind().startsWith("MOVED_TO") && e.name().equals(name);
    };
    Stats ours = new Stats();
    Stats jdk = new Stats();
    Stats inw = new Stats();
    int intermediate = 0;
    Probe probe = new Probe(dir, debounce, b -> b).start();
    JdkWatch jdkWatch = new JdkWatch(dir);
    Inotifywait inwWatch = inotifywait(dir);
    try {
      for (int rep = -options.warmup; rep < options.reps; rep++) {
        byte[] bytes = content(kind + " rep " + rep, 500);
        String digest = Probe.sha256(bytes);
        long t0;
        switch (kind) {
          case "swap" -> {
            writer.stage(Map.of("config.yaml", bytes, "rules.yaml", rules));
            t0 = writer.commit();
          }
          case "editor" -> {
            Path tmp = dir.resolve(".app.yml.tmp");
            Files.write(tmp, bytes);
            t0 = System.nanoTime();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          }
          case "inplace" -> {
            t0 = System.nanoTime();
            Files.write(file, bytes); // truncate, then write: two states on disk
          }
          default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
        long tOurs = probe.await(t0, file, digest, Duration.ofSeconds(5));
        long tJdk = jdkWatch.await(t0, jdkMatch, Duration.ofSeconds(1));
        long tInw = await(inwWatch, t0, inwMatch, Duration.ofSeconds(1));
        pause(debounce.plusMillis(30));
        if (rep < 0) {
          continue;
        }
        if (tOurs < 0) {
          ours.miss();
        } else {
          ours.add(Math.max(0, tOurs - t0 - debounce.toNanos()));
          intermediate += probe.between(t0, tOurs).size();
        }
        if (tJdk < 0) {
          jdk.miss();
        } else {
          jdk.add(tJdk - t0);
        }
        if (tInw >= 0) {
          inw.add(tInw - t0);
        } else if (inwWatch != null) {
          inw.miss();
        }
      }
    } finally {
      probe.close();
      jdkWatch.close();
      close(inwWatch);
    }
    boolean ok = ours.misses() == 0 && ours.median() <= 2_000_000 && ours.p99() <= 10_000_000;
    String label = switch (kind) {
      case "swap" -> "ConfigMap swap";
      case "editor" -> "editor save (temp + rename)";
      default -> "in-place write";
    };
    row(new Row("1 reaction: " + label + ", debounce " + debounce.toMillis() + " ms",
        "median ≤ 2 ms, p99 ≤ 10 ms (minus debounce)",
        ours.summary() + (intermediate > 0 ? "; " + intermediate
            + " earlier action(s) on the truncated file" : ""),
        jdk.summary(), inotify ? inw.summary() : "",
        Stats.ratio(ours.median(), jdk.median()), pass(ok)));
  }

  // -----------------------------------------------------------------------------------------
  // 2. a single file that is a symlink into ..data

  private void singleSymlinkedFile() throws Exception {
    Path dir = freshDir("s2");
    KubeletMount writer = new KubeletMount(dir, Map.of("config.yaml", content("v0", 300)));
    Path file = dir.resolve("config.yaml");
    int swaps = 100;
    int oursSeen = 0;
    int jdkSeen = 0;
    int inwSeen = 0;
    int inwLast = 0;
    Stats latency = new Stats();
    Probe probe = new Probe(file, Duration.ZERO, b -> b).start();
    JdkWatch jdkWatch = new JdkWatch(dir);
    Inotifywait inwWatch = inotifywait(file);
    try {
      for (int i = 1; i <= swaps; i++) {
        byte[] bytes = content("swap " + i, 300);
        long t0 = writer.swap(Map.of("config.yaml", bytes));
        long t = probe.await(t0, file, Probe.sha256(bytes), Duration.ofSeconds(2));
        if (t >= 0) {
          oursSeen++;
          latency.add(t - t0);
        } else {
          latency.miss();
        }
        pause(Duration.ofMillis(30));
        long now = System.nanoTime();
        if (jdkWatch.count(t0, now, e -> e.name().equals("config.yaml")) > 0) {
          jdkSeen++;
        }
        if (inwWatch != null && inwWatch.count(t0, now, e -> !e.kind().equals("EXIT")) > 0) {
          inwSeen++;
          inwLast = i;
        }
      }
    } finally {
      probe.close();
      jdkWatch.close();
      close(inwWatch);
    }
    row(new Row("2 single file `config.yaml -> ..data/config.yaml`, 100 swaps",
        "100% detected",
        oursSeen + "% (" + latency.summary() + ")",
        jdkSeen + "% (directory watch filtered to the name)",
        inotify ? inwSeen + "% (watching the file" + (inwSeen > 0 && inwSeen < swaps
            ? "; last event at swap " + inwLast + ", deaf after" : "") + ")" : "",
        "", pass(oursSeen == swaps)));
  }

  // -----------------------------------------------------------------------------------------
  // 3. staging steps and no-op updates

  private void stagingAndNoOps() throws Exception {
    Path dir = freshDir("s3-mount");
    Path plain = freshDir("s3-plain");
    byte[] same = content("same", 400);
    KubeletMount writer = new KubeletMount(dir, Map.of("config.yaml", same));
    Path file = plain.resolve("app.yml");
    Files.write(file, same);
    int reps = options.reps;
    Duration settle = Duration.ofMillis(50);
    // a: the KubeletMount's staging steps only (new version dir, ..data_tmp), then the commit
    int stagingActions = 0;
    int stagingJdk = 0;
    int stagingInw = 0;
    int stagingScans = 0;
    int commits = 0;
    Probe probe = new Probe(dir, Duration.ZERO, b -> b).start();
    JdkWatch jdkWatch = new JdkWatch(dir);
    Inotifywait inwWatch = inotifywait(dir);
    try {
      byte[] current = same;
      for (int i = 0; i < reps; i++) {
        byte[] next = content("staged " + i, 400);
        int skippedBefore = probe.skipped();
        long start = System.nanoTime();
        writer.stage(Map.of("config.yaml", next));
        pause(settle);
        long end = System.nanoTime();
        stagingActions += probe.between(start, end).size();
        stagingScans += probe.skipped() - skippedBefore;
        stagingJdk += jdkWatch.count(start, end, e -> true);
        stagingInw += inwWatch == null ? 0 : inwWatch.count(start, end, e -> true);
        long t0 = writer.commit();
        if (probe.await(t0, dir.resolve("config.yaml"), Probe.sha256(next),
            Duration.ofSeconds(5)) >= 0) {
          commits++;
        }
        current = next;
        pause(settle);
      }
      // b: identical swaps
      int identicalSwapActions = 0;
      int identicalSwapJdk = 0;
      int identicalSwapInw = 0;
      for (int i = 0; i < reps; i++) {
        long start = System.nanoTime();
        writer.swap(Map.of("config.yaml", current));
        pause(settle);
        long end = System.nanoTime();
        identicalSwapActions += probe.between(start, end).size();
        identicalSwapJdk += jdkWatch.count(start, end, e -> true);
        identicalSwapInw += inwWatch == null ? 0 : inwWatch.count(start, end, e -> true);
      }
      row(new Row("3 staging steps of " + reps + " kubelet updates (debounce 0)",
          "0 triggers",
          stagingActions + " actions (" + stagingScans + " scans found no change); "
              + commits + "/" + reps + " commits reloaded",
          stagingJdk + " events", inotify ? stagingInw + " events" : "", "",
          pass(stagingActions == 0 && commits == reps)));
      row(new Row("3 identical ConfigMap update ×" + reps + " (debounce 0)", "0 actions",
          identicalSwapActions + " actions", identicalSwapJdk + " events",
          inotify ? identicalSwapInw + " events" : "", "", pass(identicalSwapActions == 0)));
    } finally {
      probe.close();
      jdkWatch.close();
      close(inwWatch);
    }
    // c: identical in-place rewrites and touch, at debounce 0 and at 100 ms
    for (Duration debounce : List.of(Duration.ZERO, Duration.ofMillis(100))) {
      identicalRewrites(plain, file, same, debounce);
    }
  }

  private void identicalRewrites(Path plain, Path file, byte[] same, Duration debounce)
      throws Exception {
    int reps = options.reps;
    Duration settle = debounce.plusMillis(50);
    int rewriteActions = 0;
    int rewritesWithAction = 0;
    int rewriteJdk = 0;
    int rewriteInw = 0;
    int touchActions = 0;
    Probe plainProbe = new Probe(plain, debounce, b -> b).start();
    JdkWatch plainJdk = new JdkWatch(plain);
    Inotifywait plainInw = inotifywait(plain);
    try {
      for (int i = 0; i < reps; i++) {
        long start = System.nanoTime();
        Files.write(file, same);
        pause(settle);
        long end = System.nanoTime();
        int n = plainProbe.between(start, end).size();
        rewriteActions += n;
        rewritesWithAction += n > 0 ? 1 : 0;
        rewriteJdk += plainJdk.count(start, end, e -> true);
        rewriteInw += plainInw == null ? 0 : plainInw.count(start, end, e -> true);
        start = System.nanoTime();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now()));
        pause(settle);
        touchActions += plainProbe.between(start, System.nanoTime()).size();
      }
    } finally {
      plainProbe.close();
      plainJdk.close();
      close(plainInw);
    }
    boolean ok = rewriteActions == 0 && touchActions == 0;
    row(new Row("3 identical in-place rewrite ×" + reps + " (+ touch ×" + reps + "), debounce "
            + debounce.toMillis() + " ms",
        "0 actions",
        rewriteActions + " actions" + (rewriteActions > 0 ? " in " + rewritesWithAction
            + " rewrites (a scan between truncate and write sees the empty file, then the"
            + " content again)" : "") + "; touch: " + touchActions,
        rewriteJdk + " events", inotify ? rewriteInw + " events" : "", "", pass(ok)));
  }

  // -----------------------------------------------------------------------------------------
  // 4. storm and churn

  private void storm() throws Exception {
    Duration debounce = Duration.ofMillis(100);
    Path dir = freshDir("s4-storm");
    KubeletMount writer = new KubeletMount(dir, Map.of("config.yaml", content("v0", 200)));
    Path file = dir.resolve("config.yaml");
    int maxActions = 0;
    Stats latency = new Stats();
    long jdkEvents = 0;
    long inwEvents = 0;
    long longest = 0;
    boolean finalSeen = true;
    Probe probe = new Probe(dir, debounce, b -> b).start();
    JdkWatch jdkWatch = new JdkWatch(dir);
    Inotifywait inwWatch = inotifywait(dir);
    try {
      for (int s = 0; s < options.stormReps; s++) {
        long start = System.nanoTime();
        long lastRename = 0;
        byte[] last = null;
        for (int i = 0; i < 1000; i++) {
          parkUntil(start + i * 2_000_000L);
          last = content("storm " + s + " swap " + i, 200);
          lastRename = writer.swap(Map.of("config.yaml", last));
        }
        long end = System.nanoTime();
        longest = Math.max(longest, end - start);
        long seen = probe.await(lastRename, file, Probe.sha256(last), Duration.ofSeconds(10));
        pause(debounce.plusMillis(400));
        long after = System.nanoTime();
        List<Probe.Call> calls = probe.between(start, after);
        maxActions = Math.max(maxActions, calls.size());
        boolean lastIsFinal = !calls.isEmpty()
            && Probe.sha256(last).equals(calls.get(calls.size() - 1).digests().get(file));
        finalSeen &= seen >= 0 && lastIsFinal;
        if (seen >= 0) {
          latency.add(Math.max(0, seen - lastRename - debounce.toNanos()));
        } else {
          latency.miss();
        }
        jdkEvents = Math.max(jdkEvents, jdkWatch.count(start, after, e -> true));
        if (inwWatch != null) {
          inwEvents = Math.max(inwEvents, inwWatch.count(start, after, e -> true));
        }
        pause(Duration.ofMillis(500));
      }
    } finally {
      probe.close();
      jdkWatch.close();
      close(inwWatch);
    }
    boolean ok = maxActions <= 2 && finalSeen && latency.max() <= 5_000_000 && latency.misses() == 0;
    row(new Row("4 storm: 1,000 swaps in " + Stats.ms(longest) + ", debounce 100 ms, ×"
            + options.stormReps,
        "≤ 2 actions, last sees final content, ≤ debounce + 5 ms after last rename",
        "≤ " + maxActions + " action(s) per storm, final content " + (finalSeen ? "yes" : "NO")
            + "; after last rename minus debounce: " + latency.summary().replace("median", "median")
            + ", max " + Stats.ms(latency.max()),
        "up to " + jdkEvents + " events per storm",
        inotify ? "up to " + inwEvents + " events per storm" : "", "", pass(ok)));
  }

  private void churn() throws Exception {
    Duration debounce = Duration.ofMillis(100);
    Duration maxDelay = Duration.ofMillis(500);
    Path dir = freshDir("s4-churn");
    Path file = dir.resolve("app.yml");
    Files.write(file, content("v0", 300));
    long maxGap = 0;
    Stats finalLatency = new Stats();
    int actions = 0;
    boolean finalSeen = true;
    long jdkEvents = 0;
    int reps = Math.max(1, options.stormReps);
    Probe probe = new Probe(dir, debounce, b -> b.maxDelay(maxDelay)).start();
    JdkWatch jdkWatch = new JdkWatch(dir);
    try {
      for (int r = 0; r < reps; r++) {
        long start = System.nanoTime();
        long lastWrite = 0;
        byte[] last = null;
        for (int i = 0; i < 120; i++) { // one write every 25 ms for 3 s
          parkUntil(start + i * 25_000_000L);
          last = content("churn " + r + " write " + i, 300);
          lastWrite = System.nanoTime();
          Files.write(file, last);
        }
        long seen = probe.await(lastWrite, file, Probe.sha256(last), Duration.ofSeconds(5));
        pause(Duration.ofMillis(300));
        List<Probe.Call> calls = probe.between(start, System.nanoTime());
        actions += calls.size();
        long previous = start; // gaps: first write to first action, then action to action
        for (Probe.Call c : calls) {
          maxGap = Math.max(maxGap, c.nanos() - previous);
          previous = c.nanos();
        }
        if (seen >= 0) {
          finalLatency.add(Math.max(0, seen - lastWrite - debounce.toNanos()));
        } else {
          finalLatency.miss();
          finalSeen = false;
        }
        jdkEvents = Math.max(jdkEvents, jdkWatch.count(start, System.nanoTime(), e -> true));
        pause(Duration.ofMillis(300));
      }
    } finally {
      probe.close();
      jdkWatch.close();
    }
    boolean ok = maxGap <= 510_000_000L && finalSeen;
    row(new Row("4 churn: a write every 25 ms for 3 s, debounce 100 ms, maxDelay 500 ms, ×" + reps,
        "an action at least every 510 ms, and one after the last write",
        "longest gap " + Stats.ms(maxGap) + ", " + actions + " actions in " + reps
            + " runs; after the last write minus debounce " + finalLatency.summary(),
        "up to " + jdkEvents + " events per run", "", "", pass(ok)));
  }

  // -----------------------------------------------------------------------------------------
  // 5. large file rewritten in place

  private void large(Duration debounce) throws Exception {
    Path dir = freshDir("s5-" + debounce.toMillis());
    Path file = dir.resolve("large.bin");
    int size = 64 * 1024 * 1024;
    byte[][] versions = new byte[2][size];
    new Random(1).nextBytes(versions[0]);
    new Random(2).nextBytes(versions[1]);
    String[] digests = {Probe.sha256(versions[0]), Probe.sha256(versions[1])};
    Files.write(file, versions[0]);
    Files.write(dir.resolve("small.yml"), content("small", 100));
    int exactlyOne = 0;
    int torn = 0;
    int early = 0;
    int totalActions = 0;
    Stats afterWrite = new Stats();
    Stats writeTime = new Stats();
    Stats jdkFirst = new Stats();
    long jdkEventsMax = 0;
    long inwEventsMax = 0;
    int reps = options.largeReps;
    Probe probe = new Probe(dir, debounce, b -> b).start();
    JdkWatch jdkWatch = new JdkWatch(dir);
    Inotifywait inwWatch = inotifywait(dir);
    try {
      for (int r = 0; r < reps; r++) {
        int v = (r + 1) % 2;
        ByteBuffer chunk;
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          for (int off = 0; off < size; off += 1 << 20) {
            chunk = ByteBuffer.wrap(versions[v], off, 1 << 20);
            while (chunk.hasRemaining()) {
              channel.write(chunk);
            }
          }
        }
        long end = System.nanoTime();
        writeTime.add(end - start);
        long seen = probe.await(start, file, digests[v], Duration.ofSeconds(20));
        pause(debounce.plusMillis(500));
        long after = System.nanoTime();
        List<Probe.Call> calls = probe.between(start, after);
        totalActions += calls.size();
        if (calls.size() == 1 && seen >= 0) {
          exactlyOne++;
        }
        for (Probe.Call c : calls) {
          String d = c.digests().get(file);
          if (!digests[0].equals(d) && !digests[1].equals(d)) {
            torn++;
          }
          if (c.nanos() < end) {
            early++;
          }
        }
        if (seen >= 0) {
          afterWrite.add(Math.max(0, seen - end - debounce.toNanos()));
        } else {
          afterWrite.miss();
        }
        long first = jdkWatch.await(start, e -> e.name().equals("large.bin"), Duration.ZERO);
        if (first >= 0) {
          jdkFirst.add(first - start);
        }
        jdkEventsMax = Math.max(jdkEventsMax,
            jdkWatch.count(start, after, e -> e.name().equals("large.bin")));
        if (inwWatch != null) {
          inwEventsMax = Math.max(inwEventsMax,
              inwWatch.count(start, after, e -> e.name().equals("large.bin")));
        }
      }
    } finally {
      probe.close();
      jdkWatch.close();
      close(inwWatch);
    }
    boolean informational = debounce.isZero();
    boolean ok = exactlyOne == reps && torn == 0 && early == 0;
    row(new Row("5 64 MiB in-place rewrite (write " + Stats.ms(writeTime.median())
            + " median), debounce " + debounce.toMillis() + " ms, ×" + reps,
        "exactly 1 action, after the write, never torn",
        exactlyOne + "/" + reps + " rewrites gave exactly 1 action (" + totalActions
            + " in all), " + torn + " torn, " + early + " before the write ended; after the"
            + " write minus debounce " + afterWrite.summary(),
        "up to " + jdkEventsMax + " events per rewrite, first " + Stats.ms(jdkFirst.median())
            + " into the write",
        inotify ? "up to " + inwEventsMax + " events per rewrite" : "", "",
        informational ? (ok ? "**pass** (even at debounce 0)" : "informational: debounce 0 acts on"
            + " whatever state it sees; use a debounce for in-place writers") : pass(ok)));
  }

  // -----------------------------------------------------------------------------------------
  // 6. idle cost

  private void idle() throws Exception {
    Path dir = freshDir("s6");
    for (int i = 0; i < 10; i++) {
      Files.write(dir.resolve("file" + i + ".yml"), content("idle " + i, 400));
    }
    List<String> jvm = options.childJvmArgs;
    try (ChildJvm base = new ChildJvm(jvm, "idle-base");
        ChildJvm jdk = new ChildJvm(jvm, "idle-jdk", dir.toString());
        ChildJvm ours = new ChildJvm(jvm, "idle-ours", dir.toString())) {
      ChildJvm[] all = {base, jdk, ours};
      for (ChildJvm c : all) {
        c.expect("READY", Duration.ofSeconds(30));
      }
      pause(Duration.ofSeconds(3)); // let start-up JIT and GC settle
      List<Map<Long, Proc.ThreadStat>> before = new ArrayList<>();
      for (ChildJvm c : all) {
        before.add(Proc.threads(c.pid()));
      }
      pause(Duration.ofSeconds(options.idleSeconds));
      long[] cpu = new long[3];
      long[] libraryWakeups = new long[3];
      long[] vmWakeups = new long[3];
      long[] rss = new long[3];
      long[] heap = new long[3];
      for (int i = 0; i < 3; i++) {
        Map<Long, Proc.ThreadStat> after = Proc.threads(all[i].pid());
        rss[i] = Proc.rssKiB(all[i].pid());
        for (Map.Entry<Long, Proc.ThreadStat> e : after.entrySet()) {
          Proc.ThreadStat was = before.get(i).get(e.getKey());
          long cpuDelta = e.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos());
          long switches = e.getValue().switches() - (was == null ? 0 : was.switches());
          cpu[i] += cpuDelta;
          String n = e.getValue().name();
          if (n.startsWith("reloadwatch") || n.startsWith("FileSystemWatch")
              || n.startsWith("bench-jdk")) {
            libraryWakeups[i] += switches;
          } else {
            vmWakeups[i] += switches;
          }
        }
        all[i].send("report");
        String report = all[i].expect("REPORT ", Duration.ofSeconds(30));
        heap[i] = Long.parseLong(report.replaceAll(".*heapKiB=(\\d+).*", "$1"));
      }
      double secs = options.idleSeconds;
      String window = options.idleSeconds + " s";
      row(new Row("6 idle CPU over " + window + ", 10 files (fresh JVMs, " + String.join(" ", jvm)
              + ")",
          "= idle JVM (within noise)",
          String.format(Locale.ROOT, "%.1f ms CPU (%.3f%% of a core)", cpu[2] / 1e6,
              cpu[2] / 1e7 / secs),
          String.format(Locale.ROOT, "%.1f ms CPU; idle JVM %.1f ms", cpu[1] / 1e6, cpu[0] / 1e6),
          "", Stats.ratio(cpu[2], cpu[0]) + " of idle JVM",
          pass(cpu[2] - cpu[0] <= Math.max(20_000_000L, cpu[0] / 2))));
      row(new Row("6 watcher thread wakeups over " + window, "0 (resync is 3 min)",
          libraryWakeups[2] + " context switches on reloadwatch-*/FileSystemWatcher threads ("
              + vmWakeups[2] + " on JVM threads)",
          libraryWakeups[1] + " on the WatchService threads (" + vmWakeups[1] + " on JVM threads;"
              + " idle JVM " + vmWakeups[0] + ")",
          "", "", pass(libraryWakeups[2] == 0)));
      row(new Row("6 heap and RSS over the idle JVM", "< 5 MiB each",
          String.format(Locale.ROOT, "heap +%.1f MiB, RSS +%.1f MiB (%.1f MiB)",
              (heap[2] - heap[0]) / 1024.0, (rss[2] - rss[0]) / 1024.0, rss[2] / 1024.0),
          String.format(Locale.ROOT, "heap +%.1f MiB, RSS +%.1f MiB (%.1f MiB); idle JVM RSS"
              + " %.1f MiB", (heap[1] - heap[0]) / 1024.0, (rss[1] - rss[0]) / 1024.0,
              rss[1] / 1024.0, rss[0] / 1024.0),
          "", "", pass(heap[2] - heap[0] < 5 * 1024 && rss[2] - rss[0] < 5 * 1024)));
    }
  }

  // -----------------------------------------------------------------------------------------
  // 7. scale

  private void scale() throws Exception {
    Path root = freshDir("s7-tree");
    int files = 0;
    List<Path> dirs = new ArrayList<>();
    dirs.add(root);
    for (int d = 0; d < 10; d++) {
      Path top = Files.createDirectories(root.resolve("d" + d));
      dirs.add(top);
      for (int s = 0; s < 10; s++) {
        dirs.add(Files.createDirectories(top.resolve("s" + s)));
      }
    }
    byte[] small = content("tree file", 200);
    for (Path d : dirs) {
      int n = d.equals(root) ? 100 : 90; // 100 + 110 x 90 = 10,000
      for (int f = 0; f < n; f++) {
        Files.write(d.resolve(String.format("f%04d.conf", f)), small);
        files++;
      }
    }
    out.printf("  tree: %d files in %d directories%n", files, dirs.size());
    Stats jdkCold = new Stats();
    Stats oursCold = new Stats();
    Stats jdkWarm = new Stats();
    Stats oursWarm = new Stats();
    Stats jdkHash = new Stats();
    Stats jdkRss = new Stats();
    Stats oursRss = new Stats();
    Stats jdkHeap = new Stats();
    Stats oursHeap = new Stats();
    Stats jdkReaction = new Stats();
    Stats oursReaction = new Stats();
    int reactionReps = options.reps;
    for (int run = 0; run < options.scaleRuns; run++) {
      for (String side : List.of("jdk", "ours")) {
        boolean ours = side.equals("ours");
        try (ChildJvm child = new ChildJvm(options.childJvmArgs, "scale-" + side, root.toString(),
            Integer.toString(run == 0 ? reactionReps : 0))) {
          String started = child.expect("STARTED ", Duration.ofSeconds(120));
          long cold = Long.parseLong(started.replaceAll(".*cold=(\\d+).*", "$1"));
          long heap = Long.parseLong(started.replaceAll(".*heapKiB=(\\d+).*", "$1"));
          long rss = Proc.rssKiB(child.pid());
          child.send("go");
          String result = child.expect("RESULT ", Duration.ofSeconds(600));
          long warm = Long.parseLong(result.replaceAll(".*warm=(\\d+).*", "$1"));
          if (!ours) {
            jdkHash.add(Long.parseLong(result.replaceAll(".*hash=(\\d+).*", "$1")));
          }
          (ours ? oursCold : jdkCold).add(cold);
          (ours ? oursWarm : jdkWarm).add(warm);
          (ours ? oursRss : jdkRss).add(rss * 1024);
          (ours ? oursHeap : jdkHeap).add(heap * 1024);
          String reaction = result.replaceAll(".*reaction=", "");
          if (!reaction.isBlank()) {
            for (String r : reaction.split(",")) {
              long n = Long.parseLong(r);
              if (n < 0) {
                (ours ? oursReaction : jdkReaction).miss();
              } else {
                (ours ? oursReaction : jdkReaction).add(n);
              }
            }
          }
          child.expect("READY", Duration.ofSeconds(30));
        }
      }
    }
    // what a content-aware start cannot avoid: registering the watches and reading every file once
    long floor = jdkCold.median() + jdkHash.median();
    double startRatio = (double) oursCold.median() / floor;
    double rssRatio = (double) oursRss.median() / jdkRss.median();
    String tree = files + " files in " + dirs.size() + " dirs";
    row(new Row("7 scale: start() on " + tree + " (fresh JVMs, median of " + options.scaleRuns
            + ")",
        "≤ 1.5x JDK registration + one SHA-256 of every file",
        "cold " + Stats.ms(oursCold.median()) + ", warm " + Stats.ms(oursWarm.median())
            + " (includes hashing every file)",
        "registration cold " + Stats.ms(jdkCold.median()) + ", warm "
            + Stats.ms(jdkWarm.median()) + "; hashing every file " + Stats.ms(jdkHash.median()),
        "", String.format(Locale.ROOT, "%.1fx cold, %.1fx warm", startRatio,
            (double) oursWarm.median() / (jdkWarm.median() + jdkHash.median())),
        pass(startRatio <= 1.5)));
    row(new Row("7 scale: RSS after start() on " + tree, "≤ 1.2x JDK",
        String.format(Locale.ROOT, "%.1f MiB RSS, heap %.1f MiB after GC",
            oursRss.median() / 1048576.0, oursHeap.median() / 1048576.0),
        String.format(Locale.ROOT, "%.1f MiB RSS, heap %.1f MiB after GC",
            jdkRss.median() / 1048576.0, jdkHeap.median() / 1048576.0),
        "", String.format(Locale.ROOT, "%.2fx", rssRatio), pass(rssRatio <= 1.2)));
    row(new Row("7 scale: in-place change deep in the tree, debounce 0", "≤ 3 ms median",
        oursReaction.summary(), jdkReaction.summary(), "",
        Stats.ratio(oursReaction.median(), jdkReaction.median()),
        pass(oursReaction.misses() == 0 && oursReaction.median() <= 3_000_000
            && oursReaction.p99() <= 10_000_000)));
  }

  /** {@code watch-benchmarks/target/NAME} when run from the repository root, else {@code NAME}. */
  static Path defaultOut(String name) {
    Path target = Path.of("watch-benchmarks", "target");
    return Files.isDirectory(target) ? target.resolve(name) : Path.of(name);
  }

  static Map<String, String> parseKeyValues(String line) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String part : line.trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        result.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return result;
  }
}
