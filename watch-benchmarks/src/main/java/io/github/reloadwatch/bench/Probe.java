package io.github.reloadwatch.bench;

import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadListener;
import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A {@link ReloadWatcher} whose action takes {@link System#nanoTime()} first thing, then records
 * the snapshot's per-file digests, so the harness can find the action that saw a given content.
 */
final class Probe implements AutoCloseable {

  /** One action call: when it was entered, the digests it saw, and whether another overlapped. */
  record Call(long nanos, Map<Path, String> digests) {}

  private final List<Call> calls = new ArrayList<>();
  private final AtomicInteger skipped = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final ReloadWatcher watcher;

  Probe(Path path, Duration debounce, UnaryOperator<ReloadWatcher.Builder> more) {
    ReloadWatcher.Builder builder = ReloadWatcher.builder()
        .addPath(path)
        .debounce(debounce)
        .maxDelay(debounce.compareTo(Duration.ofSeconds(5)) > 0 ? debounce : Duration.ofSeconds(5))
        .addAction(this::reload)
        .listener(new ReloadListener() {
          @Override
          public void onSkipped(Snapshot snapshot) {
            skipped.incrementAndGet();
          }
        });
    watcher = more.apply(builder).build();
  }

  private void reload(ReloadEvent event) {
    long now = System.nanoTime();
    if (running.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    try {
      synchronized (this) {
        calls.add(new Call(now, event.snapshot().digests()));
        notifyAll();
      }
    } finally {
      running.decrementAndGet();
    }
  }

  Probe start() throws IOException {
    watcher.start();
    return this;
  }

  ReloadWatcher watcher() {
    return watcher;
  }

  /**
   * Waits for the first action at or after {@code since} in which {@code file} has {@code digest};
   * returns its entry time, or -1 after the timeout.
   */
  synchronized long await(long since, Path file, String digest, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int from = 0;
    while (true) {
      for (int i = from; i < calls.size(); i++) {
        Call c = calls.get(i);
        if (c.nanos() >= since && digest.equals(c.digests().get(file))) {
          return c.nanos();
        }
      }
      from = calls.size();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return -1;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The actions entered in [from, to). */
  synchronized List<Call> between(long from, long to) {
    List<Call> result = new ArrayList<>();
    for (Call c : calls) {
      if (c.nanos() >= from && c.nanos() < to) {
        result.add(c);
      }
    }
    return result;
  }

  synchronized int count() {
    return calls.size();
  }

  int skipped() {
    return skipped.get();
  }

  int overlaps() {
    return overlaps.get();
  }

  @Override
  public void close() {
    watcher.close();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
