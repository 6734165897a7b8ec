package io.github.reloadwatch.bench;

import com.sun.net.httpserver.HttpServer;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadFailedException;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.RetryPolicy;
import io.github.reloadwatch.WatchStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Soak mode: random updates at a fixed rate against a watcher whose action POSTs the snapshot's
 * digest to a JDK {@code HttpServer} on 127.0.0.1 (started here; it answers 503 to a fraction of
 * requests so retries happen). Prints actions, errors, heap and threads at each interval, and at
 * the end checks that the target's last accepted digest is the content on disk. Bounded: it
 * stops by itself after {@code --minutes}.
 */
final class Soak {

  private Soak() {}

  static void run(String[] args, PrintStream out) throws Exception {
    double minutes = 5;
    double rate = 10;
    int reportSeconds = 30;
    double failRate = 0.02;
    Path dirOption = Path.of(System.getProperty("java.io.tmpdir"));
    Path outFile = Harness.defaultOut("soak-results.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--report-seconds" -> reportSeconds = Integer.parseInt(args[++i]);
        case "--fail-rate" -> failRate = Double.parseDouble(args[++i]);
        case "--dir" -> dirOption = Path.of(args[++i]);
        case "--out" -> outFile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown soak option " + args[i]);
      }
    }
    Path base = Files.createTempDirectory(dirOption, "reloadwatch-soak-").toRealPath();
    Random random = new Random(6);
    AtomicLong posts = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicReference<String> lastAccepted = new AtomicReference<>("");
    double fail = failRate;
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService serverThread = Executors.newSingleThreadExecutor();
    server.setExecutor(serverThread);
    Random serverRandom = new Random(7);
    server.createContext("/-/reload", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        String digest = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        posts.incrementAndGet();
        int status;
        synchronized (serverRandom) {
          status = serverRandom.nextDouble() < fail ? 503 : 200;
        }
        if (status == 200) {
          lastAccepted.set(digest);
        } else {
          refused.incrementAndGet();
        }
        exchange.sendResponseHeaders(status, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
    URI target = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/-/reload");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    AtomicLong otherErrors = new AtomicLong();
    AtomicLong watchErrors = new AtomicLong();

    KubeletMount mount = new KubeletMount(base.resolve("mount"),
        Map.of("a.yaml", Probe.utf8("a0\n"), "b.yaml", Probe.utf8("b0\n")));
    Path plain = Files.createDirectories(base.resolve("plain"));
    Path app = plain.resolve("app.yml");
    Files.writeString(app, "app0\n");
    Files.writeString(plain.resolve("rules.yml"), "rules0\n");

    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(mount.dir())
        .addPath(plain)
        .debounce(Duration.ofMillis(50))
        .maxDelay(Duration.ofSeconds(1))
        .retry(RetryPolicy.builder().initialBackoff(Duration.ofMillis(200))
            .maxBackoff(Duration.ofSeconds(2)).build())
        .addAction(event -> post(client, target, event))
        .listener(new ReloadListener() {
          @Override
          public void onFailed(ReloadEvent event, Throwable error, Duration retryIn) {
            if (!(error instanceof ReloadFailedException)) {
              otherErrors.incrementAndGet();
            }
          }

          @Override
          public void onWatchError(Exception error) {
            watchErrors.incrementAndGet();
          }
        })
        .build();
    watcher.start();

    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT,
        "Soak: %.1f min at %.0f updates/s, debounce 50 ms, maxDelay 1 s, target answers 503 to"
            + " %.0f%% of POSTs; started %s, load %s.%n%n", minutes, rate, failRate * 100,
        Instant.now(), Proc.loadAverage()));
    table.append("| t (s) | updates | reloads ok | failed (503) | other errors | skipped |"
        + " POSTs | watch errors | heap after GC (MiB) | threads | RSS (MiB) |\n");
    table.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    out.print(table);

    long start = System.nanoTime();
    long end = start + (long) (minutes * 60e9);
    long period = (long) (1e9 / rate);
    long nextReport = start + reportSeconds * 1_000_000_000L;
    long updates = 0;
    String mountA = "a0\n";
    String appContent = "app0\n";
    for (long i = 1; ; i++) {
      long due = start + i * period;
      if (due >= end) {
        break;
      }
      Harness.parkUntil(due);
      int op = random.nextInt(10);
      switch (op) {
        case 0, 1, 2 -> {
          mountA = "a" + i + "\n";
          mount.swap(Map.of("a.yaml", Probe.utf8(mountA), "b.yaml", Probe.utf8("b" + i + "\n")));
        }
        case 3 -> mount.swap(Map.of("a.yaml", Probe.utf8(mountA),
            "b.yaml", Files.readAllBytes(mount.path("b.yaml")))); // identical update
        case 4, 5 -> {
          appContent = "app" + i + "\n";
          Files.writeString(app, appContent); // in place
        }
        case 6, 7 -> {
          appContent = "app" + i + "\n";
          Path tmp = plain.resolve(".app.yml.swp");
          Files.writeString(tmp, appContent);
          Files.move(tmp, app, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        case 8 -> Files.writeString(app, appContent); // identical rewrite
        default -> Files.setLastModifiedTime(app, FileTime.from(Instant.now())); // touch
      }
      updates++;
      if (System.nanoTime() >= nextReport) {
        nextReport += reportSeconds * 1_000_000_000L;
        String line = sample(watcher, start, updates, otherErrors, posts, watchErrors);
        table.append(line);
        out.print(line);
      }
    }
    // quiet: let the last change and any retry land (bounded)
    long deadline = System.nanoTime() + 30_000_000_000L;
    WatchStatus status;
    do {
      Harness.pause(Duration.ofMillis(500));
      status = watcher.status();
    } while (System.nanoTime() < deadline
        && (status.failing() || !status.appliedDigest().equals(status.currentDigest())));
    Harness.pause(Duration.ofSeconds(1));
    String last = sample(watcher, start, updates, otherErrors, posts, watchErrors);
    table.append(last);
    out.print(last);
    status = watcher.status();
    // a fresh watcher's initial snapshot is the content on disk
    ReloadWatcher check = ReloadWatcher.builder().addPath(mount.dir()).addPath(plain)
        .addAction(e -> { }).build();
    check.start();
    String onDisk = check.status().currentDigest().orElse("?");
    check.close();
    watcher.close();
    long leaked = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("reloadwatch-")).count();
    server.stop(0);
    serverThread.shutdownNow();
    boolean converged = onDisk.equals(lastAccepted.get())
        && onDisk.equals(status.appliedDigest().orElse(""));
    String verdict = String.format(Locale.ROOT,
        "%nEnd: %d POSTs, %d answered 503 by design; target's last accepted digest %s the content"
            + " on disk (%s); %d reloadwatch threads left after close(); load %s.%n",
        posts.get(), refused.get(), converged ? "equals" : "DIFFERS FROM",
        onDisk.substring(0, Math.min(12, onDisk.length())), leaked, Proc.loadAverage());
    table.append(verdict);
    out.print(verdict);
    Files.writeString(outFile, table, StandardCharsets.UTF_8);
    out.println("written to " + outFile.toAbsolutePath());
    KubeletMount.deleteTree(base);
    if (!converged || leaked > 0) {
      throw new IllegalStateException("soak failed: converged=" + converged + " leaked=" + leaked);
    }
  }

  private static void post(HttpClient client, URI target, ReloadEvent event) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(event.snapshot().digest()))
        .build();
    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw new ReloadFailedException("target answered " + response.statusCode(), null);
    }
  }

  private static String sample(ReloadWatcher watcher, long start, long updates,
      AtomicLong otherErrors, AtomicLong posts, AtomicLong watchErrors) throws IOException {
    WatchStatus s = watcher.status();
    long heap = Child.heapAfterGcKiB();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    long rss = Proc.rssKiB(ProcessHandle.current().pid());
    return String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d | %d | %.1f | %d | %.1f |%n",
        (System.nanoTime() - start) / 1_000_000_000L, updates, s.reloadsSucceeded(),
        s.reloadsFailed(), otherErrors.get(), s.skippedUnchanged(), posts.get(), watchErrors.get(),
        heap / 1024.0, threads, rss / 1024.0);
  }
}
