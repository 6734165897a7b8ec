package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * When a file's digest from the previous snapshot can be reused without reading the file, as
 * git's index does: the file's identity, size and timestamps ({@link Stamp}) are unchanged, and it
 * had "settled" when it was hashed: both its modification and change times lay at least {@link
 * #SETTLE} before the hash started. A write in the same timestamp tick as the hash ("racily
 * clean") is therefore always caught: the file is hashed again on every scan until it is old
 * enough. The change time cannot be set by users, so {@code touch -r} or {@code cp -p} writing the
 * old modification time back still count as changes.
 *
 * <p>The remembered stamps live in the snapshot's entries (the previous snapshot is the cache),
 * so a deleted file costs nothing once it is gone. Used only where the {@code unix} attribute view
 * exists (Linux, macOS); elsewhere every scan hashes every file. Stateless and thread-safe.
 */
final class DigestCache {

  /** How old a file's timestamps must be, when it is hashed, for its digest to be reused. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** A file's identity and metadata; equal stamps mean no write happened in between. */
  record Stamp(long device, long inode, long size, long mtimeNanos, long ctimeNanos) {}

  private final Clock wallClock;
  private final long settleNanos;
  private final boolean supported;

  DigestCache() {
    this(Clock.systemUTC(), SETTLE);
  }

  /**
   * Test seam: the wall clock compared with file timestamps (the file system's own clock, so
   * never the watcher's scheduler), and the settle time.
   */
  DigestCache(Clock wallClock, Duration settle) {
    this.wallClock = wallClock;
    this.settleNanos = settle.toNanos();
    this.supported = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
  }

  /** Reads a file's stamp, following links; null where the unix view is missing. */
  Stamp stamp(Path file) throws IOException {
    if (!supported) {
      return null;
    }
    Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
    return new Stamp(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
        (Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")),
        nanos((FileTime) a.get("ctime")));
  }

  /**
   * Whether {@code previous}, the entry of the same file in the last snapshot, still holds: the
   * same file read from the same place, unchanged since, and settled when it was hashed.
   */
  boolean reusable(Snapshot.Entry previous, Path resolved, Stamp stamp) {
    if (stamp == null || previous == null || previous.stamp() == null
        || !previous.resolved().equals(resolved) || !previous.stamp().equals(stamp)) {
      return false;
    }
    long settledBefore = previous.hashedAt() - settleNanos;
    return stamp.mtimeNanos() < settledBefore && stamp.ctimeNanos() < settledBefore;
  }

  /** The wall time to remember with a hash that starts now. */
  long now() {
    return TimeUnit.MILLISECONDS.toNanos(wallClock.millis());
  }

  private static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }
}
