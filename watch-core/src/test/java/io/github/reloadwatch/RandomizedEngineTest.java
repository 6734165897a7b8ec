package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.FakeScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test of the engine: random interleavings of kubelet swaps, in-place writes, editor
 * saves, identical rewrites, deletes and re-creates of files and of a watched directory, dropped
 * events, overflows and lost watches, against an action that randomly succeeds, fails, rejects, or
 * is slow (changes files and lets fake time pass while it runs). Everything runs on the test
 * thread through {@link FakeScheduler} and {@link FakeBackend} over real files, so a seed replays
 * exactly.
 *
 * <p>Invariants: never two actions at once; no action for a snapshot equal to the last applied
 * one (unless a failed or rejected one is pending, or it is a manual reload); a retry only after a
 * retryable failure of that same content; the files of one ConfigMap version are never mixed; and
 * once the writes stop, the last successful action saw the final on-disk content (or the final
 * content was rejected); every backend started is closed by {@code close()}, and no library
 * thread is left.
 *
 * <p>Seeds: 16 fixed ones by default; {@code -Dreloadwatch.seeds=N} runs N, {@code
 * -Dreloadwatch.seed=S} replays one (the failing seed is in the test name), {@code
 * -Dreloadwatch.steps=N} sets the operations per seed (default 150).
 */
class RandomizedEngineTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);
  private static final Duration RESYNC = Duration.ofSeconds(20);

  @TempDir Path tmp;

  static Stream<Long> seeds() {
    String one = System.getProperty("reloadwatch.seed");
    if (one != null) {
      return Stream.of(Long.decode(one));
    }
    return LongStream.range(0, Integer.getInteger("reloadwatch.seeds", 16))
        .mapToObj(i -> 1000L + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomInterleavings_keepTheInvariants(long seed) throws Exception {
    new Run(seed, tmp, Integer.getInteger("reloadwatch.steps", 150)).run();
  }

  /** What one action call does. */
  enum Outcome {
    SUCCEED,
    FAIL,
    REJECT,
    SLOW
  }

  /** One action call as the action saw it. */
  record Call(ReloadReason reason, int attempt, String digest, Map<Path, String> content,
      Outcome outcome) {}

  /** One seeded run. */
  static final class Run {
    private final long seed;
    private final Random random;
    private final int steps;
    private final Path mountDir;
    private final Path plain;
    private final FakeScheduler scheduler =
        new FakeScheduler(Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));
    private final FakeBackend backend = new FakeBackend();
    private final List<String> log = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private ConfigMapFixture mount;
    private int version;
    private int running;
    private boolean endPhase;
    private int slowDepth;

    // what the action was told last, mirroring the engine's bookkeeping
    private String appliedDigest;
    private Map<Path, String> appliedContent;
    private String failedDigest;
    private boolean failedRejected;
    private int failedAttempt;

    Run(long seed, Path tmp, int steps) {
      this.seed = seed;
      this.random = new Random(seed);
      this.steps = steps;
      this.mountDir = tmp.resolve("mount");
      this.plain = tmp.resolve("plain");
    }

    void run() throws Exception {
      // given
      mount = ConfigMapFixture.create(mountDir, versionFiles(0));
      Files.createDirectories(plain);
      Files.writeString(plain.resolve("app.yml"), "app 0");
      Files.writeString(plain.resolve("extra.yml"), "extra 0");
      ReloadWatcher watcher = ReloadWatcher.builder()
          .addPath(mountDir)
          .addPath(plain)
          .addAction(this::reload)
          .scheduler(scheduler)
          .backend(backend)
          .debounce(DEBOUNCE)
          .maxDelay(Duration.ofSeconds(1))
          .resyncInterval(RESYNC)
          .retry(RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
              .maxBackoff(Duration.ofSeconds(1)).jitter(0).build())
          .build();
      watcher.start();
      scheduler.runDue();
      appliedDigest = watcher.status().appliedDigest().orElseThrow();
      appliedContent = onDisk();
      try {
        // when
        for (int step = 0; step < steps; step++) {
          randomStep(watcher);
        }
        // then: writes stop, the watched directory is back, actions succeed from now on
        endPhase = true;
        if (!Files.isDirectory(plain)) {
          recreatePlain();
        }
        log.add("settle");
        for (int i = 0; i < 12; i++) {
          scheduler.advance(Duration.ofSeconds(5)); // past retries, missing-path polls, resync
        }
        check(violations.isEmpty(), "invariant violated: " + violations);
        Map<Path, String> disk = onDisk();
        Call last = calls.isEmpty() ? null : calls.get(calls.size() - 1);
        if (last != null && last.outcome() == Outcome.REJECT) {
          check(last.content().equals(disk),
              "the final content was rejected, so the last attempt must have seen it: "
                  + last.content() + " vs disk " + disk);
        } else {
          check(appliedContent.equals(disk),
              "the last successful action must have seen the final content: "
                  + appliedContent + " vs disk " + disk);
        }
        WatchStatus status = watcher.status();
        check(status.failing() == (last != null && last.outcome() == Outcome.REJECT),
            "status.failing() " + status.failing() + " after " + last);
        check(status.appliedDigest().orElseThrow().equals(appliedDigest),
            "status.appliedDigest differs from the last successful action's snapshot");
      } finally {
        watcher.close();
      }
      scheduler.advance(Duration.ofMinutes(5));
      scheduler.assertIdle();
      check(backend.closed == backend.starts.size(),
          backend.starts.size() + " backends started but " + backend.closed + " closed");
      check(ThreadLeakTest.libraryThreads().isEmpty(),
          "library threads left: " + ThreadLeakTest.libraryThreads());
    }

    private int firstViolation = -1;

    private void violation(String message) {
      if (firstViolation < 0) {
        firstViolation = log.size();
      }
      violations.add(message + " (after operation #" + log.size() + ")");
      log.add("  VIOLATION: " + message);
    }

    private void check(boolean ok, String message) {
      if (!ok) {
        int to = firstViolation >= 0 ? Math.min(log.size(), firstViolation + 5) : log.size();
        int from = Math.max(0, to - 60);
        log.subList(to, log.size()).clear();
        throw new AssertionError("seed " + seed + ": " + message
            + "\nreplay with -Dreloadwatch.seed=" + seed + "; last operations:\n  "
            + String.join("\n  ", log.subList(from, to)));
      }
    }

    private Map<String, String> versionFiles(int v) {
      // both keys carry the version, so a mixed snapshot is visible
      return Map.of("a.yaml", "a " + v, "b.yaml", "b " + v);
    }

    private void randomStep(ReloadWatcher watcher) throws IOException {
      int op = random.nextInt(100);
      if (op < 14) {
        mutate();
      } else if (op < 50) {
        mutate();
        mutate();
      } else if (op < 58) {
        log.add("overflow");
        backend.overflow();
      } else if (op < 61) {
        log.add("lose");
        backend.lose(new IOException("watch key cancelled"));
      } else if (op < 63) {
        log.add("reloadNow");
        watcher.reloadNow();
      }
      Duration pass = switch (random.nextInt(6)) {
        case 0 -> Duration.ZERO;
        case 1, 2 -> Duration.ofMillis(random.nextInt(100));
        case 3, 4 -> Duration.ofMillis(100 + random.nextInt(400));
        default -> Duration.ofMillis(500 + random.nextInt(5000));
      };
      log.add("advance " + pass.toMillis() + " ms");
      scheduler.advance(pass);
    }

    /** One random change to the files, usually followed by the event the OS would deliver. */
    private void mutate() throws IOException {
      boolean deliver = random.nextInt(10) != 0; // 10%: the event is lost
      Path event;
      int op = random.nextInt(100);
      boolean plainExists = Files.isDirectory(plain);
      if (op < 25) {
        version++;
        log.add("swap to version " + version);
        mount.swap(versionFiles(version));
        event = mountDir.resolve("..data");
      } else if (op < 32) {
        log.add("identical swap");
        mount.swap(mount.files());
        event = mountDir.resolve("..data");
      } else if (!plainExists) {
        if (op < 60) {
          recreatePlain();
          return; // no watch on a missing directory: the missing-path poll must find it
        }
        log.add("nothing (plain is gone)");
        return;
      } else if (op < 47) {
        String content = "app " + random.nextInt(1000);
        log.add("in-place write app.yml = " + content);
        Files.writeString(plain.resolve("app.yml"), content);
        event = plain.resolve("app.yml");
      } else if (op < 62) {
        String content = "app " + random.nextInt(1000);
        log.add("editor save app.yml = " + content);
        Path swp = plain.resolve(".app.yml.swp");
        Files.writeString(swp, content);
        Files.move(swp, plain.resolve("app.yml"), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        event = plain.resolve("app.yml");
      } else if (op < 72) {
        Path app = plain.resolve("app.yml");
        log.add("identical rewrite app.yml");
        if (Files.exists(app)) {
          Files.write(app, Files.readAllBytes(app));
        }
        event = app;
      } else if (op < 80) {
        Path extra = plain.resolve("extra.yml");
        if (Files.exists(extra)) {
          log.add("delete extra.yml");
          Files.delete(extra);
        } else {
          String content = "extra " + random.nextInt(1000);
          log.add("create extra.yml = " + content);
          Files.writeString(extra, content);
        }
        event = extra;
      } else if (op < 86) {
        log.add("delete the watched directory plain/");
        ConfigMapFixture.deleteTree(plain);
        backend.event(plain);
        if (random.nextBoolean()) {
          backend.lose(new IOException("watched directory deleted"));
        }
        return;
      } else {
        log.add("hidden and backup files only");
        Files.writeString(plain.resolve(".app.yml.swx"), "swap " + random.nextInt());
        Files.writeString(plain.resolve("app.yml~"), "backup " + random.nextInt());
        event = plain.resolve("app.yml~");
      }
      if (deliver) {
        backend.event(event);
      } else {
        log.add("  (event lost)");
      }
    }

    private void recreatePlain() throws IOException {
      log.add("re-create plain/");
      Files.createDirectories(plain);
      Files.writeString(plain.resolve("app.yml"), "app recreated " + random.nextInt(1000));
    }

    /** The visible files on disk, as the watcher should see them. */
    private Map<Path, String> onDisk() throws IOException {
      Map<Path, String> result = new TreeMap<>();
      for (Path dir : List.of(mountDir, plain)) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> list = Files.list(dir)) {
          for (Path p : list.toList()) {
            String name = p.getFileName().toString();
            if (SnapshotScanner.visible(name) && Files.isRegularFile(p)) {
              result.put(p, Files.readString(p, StandardCharsets.UTF_8));
            }
          }
        }
      }
      return result;
    }

    // ---------------------------------------------------------------------------------------
    // the action

    private void reload(ReloadEvent event) throws Exception {
      running++;
      try {
        if (running > 1) {
          violation("two actions at once");
        }
        String digest = event.snapshot().digest();
        Map<Path, String> content = new TreeMap<>();
        for (Path path : event.snapshot().paths()) {
          try {
            content.put(path, new String(event.snapshot().read(path), StandardCharsets.UTF_8));
          } catch (IOException e) {
            violation("stale snapshot read at action entry: " + e.getMessage());
          }
        }
        checkDecision(event, digest);
        checkOneVersion(content);
        Outcome outcome = endPhase ? Outcome.SUCCEED : pick();
        log.add("  action " + event.reason() + " attempt " + event.attempt() + " "
            + event.snapshot().shortDigest() + " -> " + outcome);
        if (outcome == Outcome.SLOW && slowDepth == 0) {
          slowDepth++;
          try {
            // changes arrive and debounce timers fire while this reload runs
            for (int i = random.nextInt(3); i > 0; i--) {
              mutate();
            }
            scheduler.advance(Duration.ofMillis(50 + random.nextInt(500)));
          } finally {
            slowDepth--;
          }
          outcome = random.nextBoolean() ? Outcome.SUCCEED : Outcome.FAIL;
          log.add("  slow action ended -> " + outcome);
        } else if (outcome == Outcome.SLOW) {
          outcome = Outcome.SUCCEED;
        }
        calls.add(new Call(event.reason(), event.attempt(), digest, content, outcome));
        switch (outcome) {
          case FAIL -> {
            failedDigest = digest;
            failedRejected = false;
            failedAttempt = event.attempt();
            throw new IOException("random failure");
          }
          case REJECT -> {
            failedDigest = digest;
            failedRejected = true;
            failedAttempt = event.attempt();
            throw new ReloadRejectedException("random rejection");
          }
          default -> {
            appliedDigest = digest;
            appliedContent = content;
            failedDigest = null;
            failedRejected = false;
            failedAttempt = 0;
          }
        }
      } catch (UncheckedIOException e) {
        violation("action could not mutate: " + e);
        throw e;
      } finally {
        running--;
      }
    }

    private Outcome pick() {
      int r = random.nextInt(100);
      return r < 55 ? Outcome.SUCCEED : r < 72 ? Outcome.FAIL : r < 85 ? Outcome.REJECT
          : Outcome.SLOW;
    }

    private void checkDecision(ReloadEvent event, String digest) {
      boolean manual = event.reason() == ReloadReason.MANUAL;
      // a retry of a failed manual reload may repeat the applied content: checked below
      boolean retry = event.reason() == ReloadReason.RETRY;
      if (!manual && !retry && digest.equals(appliedDigest)
          && (failedDigest == null || failedDigest.equals(digest))) {
        violation("action for the already applied snapshot " + event.snapshot().shortDigest()
            + " (" + event.reason() + ")");
      }
      if (!manual && failedRejected && digest.equals(failedDigest)) {
        violation("rejected snapshot " + event.snapshot().shortDigest()
            + " tried again without a change (" + event.reason() + ")");
      }
      if (event.reason() == ReloadReason.RETRY) {
        if (failedDigest == null || failedRejected || !failedDigest.equals(digest)) {
          violation("RETRY of " + event.snapshot().shortDigest()
              + " without a retryable failure of that content");
        } else if (event.attempt() != failedAttempt + 1) {
          violation("RETRY attempt " + event.attempt() + " after attempt " + failedAttempt);
        }
      }
      if (!manual && event.reason() != ReloadReason.RETRY && !digest.equals(failedDigest)
          && event.attempt() != 1) {
        violation("new content started at attempt " + event.attempt());
      }
    }

    private void checkOneVersion(Map<Path, String> content) {
      String a = content.get(mountDir.resolve("a.yaml"));
      String b = content.get(mountDir.resolve("b.yaml"));
      if (a == null || b == null || !a.substring(2).equals(b.substring(2))) {
        violation("mixed or partial ConfigMap version: a=" + a + " b=" + b);
      }
    }
  }
}
