package io.github.reloadwatch.bench;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import io.github.reloadwatch.ReloadWatcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * The programs the harness runs in fresh JVMs, so CPU, memory and start-up are measured without
 * the harness's own JIT and heap: an idle JVM, an idle raw JDK {@code WatchService}, an idle
 * {@link ReloadWatcher}, and the 10,000-file tree registered by each side.
 */
final class Child {

  private Child() {}

  static void main(String[] args) throws Exception {
    String mode = args[0];
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<AutoCloseable> resources = new ArrayList<>();
    switch (mode) {
      case "idle-base" -> { }
      case "idle-jdk" -> resources.add(new JdkWatch(Path.of(args[1])));
      case "idle-ours" -> {
        ReloadWatcher watcher =
            ReloadWatcher.builder().addPath(Path.of(args[1])).addAction(event -> { }).build();
        watcher.start();
        resources.add(watcher);
      }
      case "scale-jdk" -> scaleJdk(Path.of(args[1]), Integer.parseInt(args[2]), in);
      case "scale-ours" -> scaleOurs(Path.of(args[1]), Integer.parseInt(args[2]), in);
      default -> throw new IllegalArgumentException("unknown child mode " + mode);
    }
    System.out.println("READY");
    System.out.flush();
    String line;
    while ((line = in.readLine()) != null && !line.equals("exit")) {
      if (line.equals("report")) {
        System.out.println("REPORT heapKiB=" + heapAfterGcKiB() + " threads="
            + ManagementFactory.getThreadMXBean().getThreadCount());
        System.out.flush();
      }
    }
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  static long heapAfterGcKiB() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
  }

  /** The deep file the scale scenario changes. */
  static Path deepFile(Path root) {
    return root.resolve("d9").resolve("s9").resolve("f0089.conf");
  }

  private static WatchService registerTree(Path root) throws IOException {
    WatchService service = FileSystems.getDefault().newWatchService();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        return FileVisitResult.CONTINUE;
      }
    });
    return service;
  }

  /** SHA-256 of every file, streamed: the floor of what a content-aware start must cost. */
  private static void hashEveryFile(Path root) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
    byte[] buffer = new byte[8192];
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            md.update(buffer, 0, n);
          }
        }
        md.digest();
      }
    }
  }

  private static void scaleJdk(Path root, int reps, BufferedReader in) throws Exception {
    long t0 = System.nanoTime();
    WatchService service = registerTree(root);
    long cold = System.nanoTime() - t0;
    report("cold", cold, in);
    long t1 = System.nanoTime();
    WatchService again = registerTree(root);
    long warm = System.nanoTime() - t1;
    again.close();
    long h0 = System.nanoTime();
    hashEveryFile(root);
    long hash = System.nanoTime() - h0;
    EventLog log = new EventLog();
    Thread thread = new Thread(() -> {
      try {
        while (true) {
          WatchKey key = service.take();
          for (WatchEvent<?> e : key.pollEvents()) {
            log.add(e.kind().name(), String.valueOf(e.context()));
          }
          key.reset();
        }
      } catch (Exception e) {
        // closed
      }
    }, "bench-jdk-tree");
    thread.setDaemon(true);
    thread.start();
    Path deep = deepFile(root);
    StringJoiner reaction = new StringJoiner(",");
    for (int i = 0; i < reps; i++) {
      byte[] content = Probe.utf8("jdk deep change " + i + "\n");
      long start = System.nanoTime();
      Files.write(deep, content);
      long seen = log.await(start, e -> e.name().equals(deep.getFileName().toString()),
          Duration.ofSeconds(2));
      reaction.add(Long.toString(seen < 0 ? -1 : seen - start));
      Harness.pause(Duration.ofMillis(20));
    }
    System.out.println("RESULT warm=" + warm + " hash=" + hash + " reaction=" + reaction);
    System.out.flush();
    service.close();
  }

  private static void scaleOurs(Path root, int reps, BufferedReader in) throws Exception {
    Probe probe = new Probe(root, Duration.ZERO, b -> b.recursive(true));
    long t0 = System.nanoTime();
    probe.start();
    long cold = System.nanoTime() - t0;
    report("cold", cold, in);
    Probe again = new Probe(root, Duration.ZERO, b -> b.recursive(true));
    long t1 = System.nanoTime();
    again.start();
    long warm = System.nanoTime() - t1;
    again.close();
    Path deep = deepFile(root);
    StringJoiner reaction = new StringJoiner(",");
    for (int i = 0; i < reps; i++) {
      byte[] content = Probe.utf8("ours deep change " + i + "\n");
      String digest = Probe.sha256(content);
      long start = System.nanoTime();
      Files.write(deep, content);
      long seen = probe.await(start, deep, digest, Duration.ofSeconds(10));
      reaction.add(Long.toString(seen < 0 ? -1 : seen - start));
      Harness.pause(Duration.ofMillis(20));
    }
    System.out.println("RESULT warm=" + warm + " reaction=" + reaction);
    System.out.flush();
    probe.close();
  }

  /** Prints the start time and heap, then waits until the harness has read the RSS. */
  private static void report(String name, long nanos, BufferedReader in) throws IOException {
    System.out.println("STARTED " + name + "=" + nanos + " heapKiB=" + heapAfterGcKiB());
    System.out.flush();
    String line = in.readLine();
    if (!"go".equals(line)) {
      throw new IOException("expected go, got " + line);
    }
  }
}
