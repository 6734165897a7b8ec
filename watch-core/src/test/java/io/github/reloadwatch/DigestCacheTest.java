package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unchanged files are not read again; any write, however quick, is. */
class DigestCacheTest {

  @TempDir Path tmp;
  private final AtomicInteger hashes = new AtomicInteger();

  /** A scanner whose cache believes it is {@code ahead} later than the real clock. */
  private SnapshotScanner scanner(Duration ahead) {
    Clock clock = Clock.offset(Clock.systemUTC(), ahead);
    return new SnapshotScanner(List.of(WatchedPath.directory(tmp)), false, List.of(), List.of(),
        new ContentHasher(hashes::incrementAndGet), new DigestCache(clock, DigestCache.SETTLE));
  }

  @Test
  void settledUnchangedFiles_areNotReadAgain() throws IOException {
    Files.writeString(tmp.resolve("a.yml"), "a");
    Files.writeString(tmp.resolve("b.yml"), "b");
    SnapshotScanner scanner = scanner(Duration.ofMinutes(1)); // both files look a minute old
    Snapshot first = scanner.scan().snapshot();
    assertThat(hashes).hasValue(2);
    Snapshot second = scanner.scan().snapshot();
    assertThat(hashes).as("nothing read again").hasValue(2);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void sameSizeRewrite_isReadAgainAndSeen() throws IOException {
    Path a = Files.writeString(tmp.resolve("a.yml"), "v1");
    SnapshotScanner scanner = scanner(Duration.ofMinutes(1));
    Snapshot first = scanner.scan().snapshot();
    Files.writeString(a, "v2"); // same size; the change time moves, whatever the mtime
    Files.setLastModifiedTime(a, Files.getLastModifiedTime(a)); // and even with mtime restored
    Snapshot second = scanner.scan().snapshot();
    assertThat(second.digests().get(a)).isNotEqualTo(first.digests().get(a));
  }

  @Test
  void mtimeWrittenBack_isStillAChange() throws IOException {
    Path a = Files.writeString(tmp.resolve("a.yml"), "v1");
    FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(a, old);
    SnapshotScanner scanner = scanner(Duration.ofMinutes(1));
    Snapshot first = scanner.scan().snapshot();
    Files.writeString(a, "v2");
    Files.setLastModifiedTime(a, old); // as cp -p or touch -r would
    assertThat(scanner.scan().snapshot().digests().get(a))
        .isNotEqualTo(first.digests().get(a));
  }

  @Test
  void freshlyWrittenFiles_areReadOnEveryScanUntilTheySettle() throws IOException {
    Files.writeString(tmp.resolve("a.yml"), "a");
    SnapshotScanner scanner = scanner(Duration.ZERO); // the real clock: the file is brand new
    scanner.scan();
    scanner.scan();
    assertThat(hashes).as("racily clean: hashed again").hasValue(2);
  }

  @Test
  void deletedFiles_areForgotten() throws IOException {
    Path a = Files.writeString(tmp.resolve("a.yml"), "a");
    Files.writeString(tmp.resolve("b.yml"), "b");
    DigestCache cache = new DigestCache(
        Clock.fixed(Instant.now().plus(Duration.ofMinutes(1)), ZoneOffset.UTC), DigestCache.SETTLE);
    SnapshotScanner scanner = new SnapshotScanner(List.of(WatchedPath.directory(tmp)), false,
        List.of(), List.of(), new ContentHasher(), cache);
    scanner.scan();
    assertThat(scanner.retained()).isEqualTo(2);
    Files.delete(a);
    scanner.scan();
    assertThat(scanner.retained()).as("the digests live in the snapshot").isEqualTo(1);
  }
}
