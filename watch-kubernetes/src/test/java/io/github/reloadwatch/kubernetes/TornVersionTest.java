package io.github.reloadwatch.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.RecordingAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never half a version: 1,000 updates as fast as the API takes them, each putting the same token
 * in three keys. A reader that pins {@code ..data} and read all three, and the reload action's
 * snapshots, never see two tokens at once. Real time, bounded by conditions.
 */
@Tag("filesystem")
class TornVersionTest {

  private static final int UPDATES = 1_000;
  private static final List<String> KEYS = List.of("a.conf", "b.conf", "c.conf");

  @TempDir Path tmp;

  @Test
  void readersAndActionsNeverSeeMixedTokens() throws Exception {
    Path dir = tmp.resolve("app");
    RecordingAction action = new RecordingAction();
    ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
    AtomicLong consistentReads = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    try (CrudApi api = new CrudApi()) {
      String rv = api.putConfigMap("app", payload("0"));
      try (KubernetesMaterializer m = KubernetesMaterializer.builder().client(api.client())
              .configMap("app").directory(dir).build();
          ReloadWatcher watcher = ReloadWatcher.builder().addDirectory(dir)
              .debounce(Duration.ofMillis(5)).addAction(action).build()) {
        m.start();
        watcher.start();
        Thread[] readers = new Thread[1];
        for (int r = 0; r < readers.length; r++) {
          readers[r] = new Thread(() -> {
            while (!stop.get()) {
              Thread.yield(); // leave the CPU to the writer now and then: two cores
              Set<String> tokens = readPinned(dir);
              if (tokens == null) {
                continue; // the pinned version was deleted while reading: read again
              }
              if (tokens.size() == 1) {
                consistentReads.incrementAndGet();
              } else {
                torn.add(tokens.toString());
              }
            }
          }, "test-reader-" + r);
          readers[r].setDaemon(true);
          readers[r].start();
        }

        for (int i = 1; i <= UPDATES; i++) {
          rv = api.replace("app", rv, payload(String.valueOf(i)));
        }
        String last = String.valueOf(UPDATES);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> action.lastContent().containsValue(last));
        stop.set(true);
        for (Thread reader : readers) {
          reader.join(10_000);
        }

        assertThat(torn).isEmpty();
        assertThat(consistentReads.get()).isGreaterThan(100);
        // an action may find its snapshot replaced by a newer version (the core says "stale",
        // and a newer reload follows); what it does read is always one token
        assertThat(action.contents()).isNotEmpty().allSatisfy(
            content -> assertThat(tokens(content.values())).hasSizeLessThanOrEqualTo(1));
        assertThat(action.lastContent().values()).containsOnly(last);
        long whole = action.contents().stream()
            .filter(c -> tokens(c.values()).size() == 1 && c.size() == KEYS.size()
                && c.values().stream().noneMatch(v -> v.startsWith("<stale")))
            .count();
        assertThat(whole).isPositive();
        assertThat(m.status().writes()).isBetween(2L, (long) UPDATES + 1);
        System.out.printf("torn-version test: %d updates, %d versions written, %d reloads,"
            + " %d consistent pinned reads, 0 torn%n", UPDATES, m.status().writes(),
            action.count(), consistentReads.get());
      }
    }
  }

  private static Set<String> tokens(java.util.Collection<String> values) {
    Set<String> tokens = new TreeSet<>(values);
    tokens.removeIf(v -> v.startsWith("<stale: "));
    return tokens;
  }

  private static Map<String, String> payload(String token) {
    return Map.of(KEYS.get(0), token, KEYS.get(1), token, KEYS.get(2), token);
  }

  /** Resolves {@code ..data} once and reads every key there; null if that version vanished. */
  private static Set<String> readPinned(Path dir) {
    try {
      Path version = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));
      Set<String> tokens = new TreeSet<>();
      for (String key : KEYS) {
        tokens.add(Files.readString(version.resolve(key)));
      }
      return tokens;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
