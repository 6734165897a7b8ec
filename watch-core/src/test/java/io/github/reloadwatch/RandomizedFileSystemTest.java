package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The randomized test on a real file system with real threads and OS watches: random swaps,
 * in-place writes, editor saves, identical rewrites, deletes and re-creates of a file and of a
 * watched directory (often re-created at once, with the same inode), against an action that randomly fails, rejects, or is slow (it blocks until
 * the test has made its next change, bounded by 2 s). The operations of a seed are fixed; their
 * timing against the watcher's threads is not, so this complements {@link RandomizedEngineTest}
 * rather than replaying exactly.
 *
 * <p>Invariants: never two actions at once; no action for the snapshot last applied unless a
 * failure or rejection is pending; a ConfigMap version is never mixed; at each checkpoint and at
 * the end, the last successful action saw the on-disk content (or the final content was
 * rejected), waited for with Awaitility {@code atMost(30 s)}; no {@code reloadwatch-} thread
 * after {@code close()}.
 *
 * <p>Seeds: 3 by default; {@code -Dreloadwatch.seeds=N} or {@code -Dreloadwatch.seed=S}.
 */
@Tag("filesystem")
class RandomizedFileSystemTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  static Stream<Long> seeds() {
    String one = System.getProperty("reloadwatch.seed");
    if (one != null) {
      return Stream.of(Long.decode(one));
    }
    int n = Math.max(1, Integer.getInteger("reloadwatch.seeds", 16) / 5);
    return LongStream.range(0, n).mapToObj(i -> 2000L + i);
  }

  /** One action call. */
  record Call(String digest, Map<Path, String> content, boolean succeeded, boolean rejected) {}

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomOperations_keepTheInvariants(long seed) throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    Random random = new Random(seed);
    Path mountDir = tmp.resolve("mount");
    Path plain = tmp.resolve("plain");
    ConfigMapFixture mount = ConfigMapFixture.create(mountDir, Map.of("a.yaml", "a 0", "b.yaml",
        "b 0"));
    Files.createDirectories(plain);
    Files.writeString(plain.resolve("app.yml"), "app 0");
    List<String> log = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    Object lock = new Object();
    // guarded by lock: what the action was told last
    String[] applied = {null};
    String[] failed = {null};
    boolean[] rejected = {false};
    boolean[] settle = {false};
    CountDownLatch[] nextOp = {new CountDownLatch(1)};

    ReloadAction action = event -> {
      if (running.incrementAndGet() > 1) {
        synchronized (lock) {
          violations.add("two actions at once");
        }
      }
      try {
        Map<Path, String> content = new TreeMap<>();
        boolean stale = false;
        for (Path p : event.snapshot().paths()) {
          try {
            content.put(p, new String(event.snapshot().read(p), StandardCharsets.UTF_8));
          } catch (IOException e) {
            stale = true; // a newer version replaced it after the scan: a newer reload follows
          }
        }
        String digest = event.snapshot().digest();
        int roll;
        CountDownLatch waitFor;
        synchronized (lock) {
          if (event.reason() != ReloadReason.RETRY && digest.equals(applied[0])
              && (failed[0] == null || failed[0].equals(digest))) {
            violations.add("action for the applied snapshot " + event.snapshot().shortDigest());
          }
          if (rejected[0] && digest.equals(failed[0])) {
            violations.add("rejected snapshot tried again without a change");
          }
          String a = content.get(mountDir.resolve("a.yaml"));
          String b = content.get(mountDir.resolve("b.yaml"));
          if (!stale && (a == null || b == null || !a.substring(2).equals(b.substring(2)))) {
            violations.add("mixed ConfigMap version a=" + a + " b=" + b);
          }
          roll = settle[0] ? 0 : random.nextInt(100);
          waitFor = nextOp[0];
        }
        if (roll >= 90) { // slow: still running while the test makes its next change
          waitFor.await(2, TimeUnit.SECONDS);
        }
        boolean fail = roll >= 65 && roll < 80;
        boolean reject = roll >= 80 && roll < 90;
        synchronized (lock) {
          calls.add(new Call(digest, content, !fail && !reject, reject));
          if (fail || reject) {
            failed[0] = digest;
            rejected[0] = reject;
          } else {
            applied[0] = digest;
            failed[0] = null;
            rejected[0] = false;
          }
        }
        if (fail) {
          throw new IOException("random failure");
        }
        if (reject) {
          throw new ReloadRejectedException("random rejection");
        }
      } finally {
        running.decrementAndGet();
      }
    };

    ReloadWatcher watcher = ReloadWatcher.builder()
        .addPath(mountDir)
        .addPath(plain)
        .debounce(Duration.ofMillis(20))
        .maxDelay(Duration.ofMillis(500))
        .retry(RetryPolicy.builder().initialBackoff(Duration.ofMillis(20))
            .maxBackoff(Duration.ofMillis(200)).jitter(0).build())
        .addAction(action)
        .build();
    try {
      watcher.start();
      synchronized (lock) {
        applied[0] = watcher.status().appliedDigest().orElseThrow();
        calls.add(new Call(applied[0], onDisk(mountDir, plain), true, false)); // taken as applied
      }
      int version = 0;
      for (int step = 0; step < 60; step++) {
        int op = random.nextInt(100);
        boolean plainExists = Files.isDirectory(plain);
        if (op < 25) {
          version++;
          log.add("swap " + version);
          mount.swap(Map.of("a.yaml", "a " + version, "b.yaml", "b " + version));
        } else if (op < 32) {
          log.add("identical swap");
          mount.swap(mount.files());
        } else if (!plainExists) {
          log.add("re-create plain/");
          Files.createDirectories(plain);
          Files.writeString(plain.resolve("app.yml"), "app recreated " + step);
        } else if (op < 47) {
          log.add("in-place write");
          Files.writeString(plain.resolve("app.yml"), "app " + random.nextInt(1000));
        } else if (op < 62) {
          log.add("editor save");
          Path swp = plain.resolve(".app.yml.swp");
          Files.writeString(swp, "app " + random.nextInt(1000));
          Files.move(swp, plain.resolve("app.yml"), StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } else if (op < 72) {
          log.add("identical rewrite");
          Path app = plain.resolve("app.yml");
          if (Files.exists(app)) {
            Files.write(app, Files.readAllBytes(app));
          }
        } else if (op < 82) {
          Path extra = plain.resolve("extra.yml");
          log.add(Files.exists(extra) ? "delete extra.yml" : "create extra.yml");
          if (Files.exists(extra)) {
            Files.delete(extra);
          } else {
            Files.writeString(extra, "extra " + step);
          }
        } else if (op < 87) {
          // deleted, and often re-created by the next operation: same inode on ext4
          log.add("delete plain/");
          ConfigMapFixture.deleteTree(plain);
        } else {
          log.add("checkpoint");
          checkpoint(calls, applied, lock, mountDir, plain, log, seed);
        }
        synchronized (lock) {
          nextOp[0].countDown();
          nextOp[0] = new CountDownLatch(1);
        }
      }
      if (!Files.isDirectory(plain)) {
        log.add("re-create plain/");
        Files.createDirectories(plain);
        Files.writeString(plain.resolve("app.yml"), "app final");
      }
      synchronized (lock) {
        settle[0] = true;
        nextOp[0].countDown();
      }
      checkpoint(calls, applied, lock, mountDir, plain, log, seed);
      synchronized (lock) {
        assertThat(violations).as("seed %d, operations %s", seed, log).isEmpty();
      }
      assertThat(watcher.status().watchErrors()).isGreaterThanOrEqualTo(0);
    } finally {
      watcher.close();
    }
    assertThat(ThreadLeakTest.libraryThreads()).isEmpty();
  }

  /** Waits until the last successful action saw the on-disk content, or it was rejected. */
  private static void checkpoint(List<Call> calls, String[] applied, Object lock, Path mountDir,
      Path plain, List<String> log, long seed) {
    await().atMost(WAIT).untilAsserted(() -> {
      Map<Path, String> disk = onDisk(mountDir, plain);
      synchronized (lock) {
        Call lastSuccess = null;
        for (Call c : calls) {
          if (c.succeeded()) {
            lastSuccess = c;
          }
        }
        Call last = calls.isEmpty() ? null : calls.get(calls.size() - 1);
        boolean rejectedFinal = last != null && last.rejected() && last.content().equals(disk);
        if (!rejectedFinal) {
          assertThat(lastSuccess).isNotNull();
          assertThat(lastSuccess.content()).as("seed %d, applied %s, operations %s", seed,
              applied[0], log).isEqualTo(disk);
        }
      }
    });
  }

  private static Map<Path, String> onDisk(Path mountDir, Path plain) throws IOException {
    Map<Path, String> result = new TreeMap<>();
    for (Path dir : List.of(mountDir, plain)) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> list = Files.list(dir)) {
        for (Path p : list.toList()) {
          String name = p.getFileName().toString();
          try {
            if (SnapshotScanner.visible(name) && Files.isRegularFile(p)) {
              result.put(p, Files.readString(p, StandardCharsets.UTF_8));
            }
          } catch (IOException e) {
            // changing under us: the next poll reads it again
          }
        }
      }
    }
    return result;
  }
}
