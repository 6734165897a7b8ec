package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Remembers each file's digest with the file's identity, size and timestamps, so a scan re-hashes
 * only files whose metadata changed, as git's index does. Trusted only for files that had
 * "settled" when they were hashed: both their modification and change times lay at least {@link
 * #SETTLE} before the hash started. A write in the same timestamp tick as the hash ("racily
 * clean") is therefore always caught: the file is hashed again on every scan until it is old
 * enough. The change time cannot be set by users, so {@code touch -r} or {@code cp -p} writing the
 * old modification time back still count as changes.
 *
 * <p>Used only where the {@code unix} attribute view exists (Linux, macOS); elsewhere every scan
 * hashes every file. Not thread-safe: one instance per scanner.
 */
final class DigestCache {

  /** How old a file's timestamps must be, when it is hashed, for its digest to be reused. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** A file's identity and metadata; equal stamps mean no write happened in between. */
  record Stamp(Object device, Object inode, long size, long mtimeNanos, long ctimeNanos) {}

  private record Cached(Stamp stamp, ContentHasher.Hash hash, long hashedAtNanos) {}

  private final Clock wallClock;
  private final long settleNanos;
  private final boolean supported;
  private final Map<Path, Cached> entries = new HashMap<>();
  private final Set<Path> seen = new HashSet<>();

  DigestCache() {
    this(Clock.systemUTC(), SETTLE);
  }

  /** Test seam: the wall clock compared with file timestamps, and the settle time. */
  DigestCache(Clock wallClock, Duration settle) {
    this.wallClock = wallClock;
    this.settleNanos = settle.toNanos();
    this.supported =
        FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
  }

  /** Reads a file's stamp, following links; null where the unix view is missing. */
  Stamp stamp(Path file) throws IOException {
    if (!supported) {
      return null;
    }
    Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
    return new Stamp(a.get("dev"), a.get("ino"), (Long) a.get("size"),
        nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")));
  }

  /** Returns the cached hash if the file is unchanged and had settled when hashed, else null. */
  ContentHasher.Hash lookup(Path file, Stamp stamp) {
    if (stamp == null) {
      return null;
    }
    seen.add(file);
    Cached cached = entries.get(file);
    if (cached == null || !cached.stamp().equals(stamp)) {
      return null;
    }
    long settledBefore = cached.hashedAtNanos() - settleNanos;
    boolean settled = stamp.mtimeNanos() < settledBefore && stamp.ctimeNanos() < settledBefore;
    return settled ? cached.hash() : null;
  }

  /** The wall time to pass to {@link #store} when a hash starts. */
  long now() {
    return TimeUnit.MILLISECONDS.toNanos(wallClock.millis());
  }

  /** Remembers a hash taken at {@code hashedAtNanos} of a file whose stamp was read before. */
  void store(Path file, Stamp stamp, ContentHasher.Hash hash, long hashedAtNanos) {
    if (stamp != null) {
      seen.add(file);
      entries.put(file, new Cached(Objects.requireNonNull(stamp), hash, hashedAtNanos));
    }
  }

  /** Forgets files not looked up since the last call: deleted files and old ConfigMap versions. */
  void retainSeen() {
    entries.keySet().retainAll(seen);
    seen.clear();
  }

  int size() {
    return entries.size();
  }

  private static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }
}
