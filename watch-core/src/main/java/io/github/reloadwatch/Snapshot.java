package io.github.reloadwatch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * The content of every watched file at one moment: logical paths and their SHA-256 digests, and a
 * way to read each file's bytes as of that moment.
 *
 * <pre>{@code
 * ReloadAction action = event -> {
 *   Snapshot snapshot = event.snapshot();
 *   byte[] cert = snapshot.read(dir.resolve("tls.crt"));
 *   byte[] key = snapshot.read(dir.resolve("tls.key"));   // same ConfigMap version as cert
 *   server.updateTls(cert, key);
 * };
 * }</pre>
 *
 * <p>For a Kubernetes volume, all files of one snapshot are read from one resolved {@code ..data}
 * target directory, so {@code tls.crt} and {@code tls.key} always come from the same version. The
 * bytes are not kept in memory; {@link #read(Path)} and {@link #open(Path)} read the resolved file
 * and verify it still has the snapshot's digest. If it does not (a newer version replaced it), they
 * throw an {@link IOException}; a newer reload with the newer content is then already on its way.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Snapshot {

  /**
   * One file of a snapshot: where its bytes were read from, the SHA-256 of its content and its
   * size; {@code decompressed} when the content is the gunzipped bytes (a {@code .gz} template).
   * For a file read from disk, also what the file looked like when it was hashed (device, inode,
   * modification and change times, and when it was hashed, see {@link DigestCache}), so that the
   * next scan can reuse the digest of an untouched file: the snapshot is the digest cache.
   */
  static final class Entry {
    private final Path resolved;
    private final byte[] digest;
    private final long size;
    private final boolean decompressed;
    private final DigestCache.Stamp stamp; // null: not from disk, or not to be reused
    private final long hashedAt;

    Entry(Path resolved, byte[] digest, long size, boolean decompressed,
        DigestCache.Stamp stamp, long hashedAt) {
      this.resolved = resolved;
      this.digest = digest;
      this.size = size;
      this.decompressed = decompressed;
      this.stamp = stamp;
      this.hashedAt = hashedAt;
    }

    /** An entry with a hex digest and no stamp: rendered outputs, tests. */
    Entry(Path resolved, String hexDigest, long size, boolean decompressed) {
      this(resolved, ContentHasher.unhex(hexDigest), size, decompressed, null, 0);
    }

    Entry(Path resolved, String hexDigest, long size) {
      this(resolved, hexDigest, size, false);
    }

    Path resolved() {
      return resolved;
    }

    /** The digest in lowercase hex. */
    String digest() {
      return ContentHasher.hex(digest);
    }

    long size() {
      return size;
    }

    boolean decompressed() {
      return decompressed;
    }

    DigestCache.Stamp stamp() {
      return stamp;
    }

    long hashedAt() {
      return hashedAt;
    }

    boolean sameContent(Entry other) {
      return Arrays.equals(digest, other.digest) && decompressed == other.decompressed;
    }

    /** This entry's share of the snapshot digest: SHA-256 over its logical path and digest. */
    byte[] contribution(Path logical) {
      MessageDigest md = ContentHasher.newSha256();
      md.update(logical.toString().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(digest);
      return md.digest();
    }
  }

  /** Values shorter than this are not redacted: they would garble every message. */
  static final int MIN_REDACTED_LENGTH = 4;

  private static final Snapshot EMPTY = new Snapshot(Map.of());

  /** How many earlier snapshots a snapshot remembers its changes since, for a cheap diff. */
  private static final int MAX_ANCESTORS = 32;
  /** Beyond this many changed paths since an ancestor, the diff looks at every path instead. */
  private static final int MAX_CHANGED_SINCE = 4_096;

  private final EntryMap entries;
  /** The sum, modulo 2^256, of every entry's contribution: updated entry by entry. */
  private final long[] sum;
  private final String digest;
  private final List<String> secrets;
  /**
   * For some snapshots this one was derived from with {@link #with}, by digest: the paths that
   * changed since. Lets {@link #diff} look at those paths only, never keeping the older snapshots.
   */
  private final Map<String, Set<Path>> changedSince;
  // the sorted views, made on first use: a cycle that only decides never sorts
  private volatile Set<Path> sortedPaths;
  private volatile Map<Path, String> sortedDigests;

  Snapshot(Map<Path, Entry> entries) {
    this(entries, Set.of());
  }

  /** A snapshot whose rendered outputs hold {@code substituted} values, to be redacted. */
  Snapshot(Map<Path, Entry> entries, Set<String> substituted) {
    this(EntryMap.of(entries), sumOf(entries), substituted, Map.of());
  }

  private Snapshot(EntryMap entries, long[] sum, Set<String> substituted,
      Map<String, Set<Path>> changedSince) {
    this.entries = entries;
    this.sum = sum;
    this.changedSince = changedSince;
    this.secrets = substituted.stream()
        .filter(v -> v.length() >= MIN_REDACTED_LENGTH)
        .sorted(Comparator.comparingInt(String::length).reversed()) // longest first
        .toList();
    this.digest = digestOf(sum, entries.size());
  }

  /**
   * This snapshot with some entries replaced or added and others removed: a copy of the map, and
   * the digest updated by the changed entries only, never by all of them.
   */
  Snapshot with(Map<Path, Entry> upserts, Collection<Path> removals) {
    return with(upserts, removals, Set.of());
  }

  /** Like {@link #with(Map, Collection)}, for a snapshot that also holds substituted values. */
  Snapshot with(Map<Path, Entry> upserts, Collection<Path> removals, Set<String> substituted) {
    if (upserts.isEmpty() && removals.isEmpty() && substituted.isEmpty()) {
      return this;
    }
    long[] total = sum.clone();
    for (Path path : removals) {
      Entry old = entries.get(path);
      if (old != null && !upserts.containsKey(path)) {
        subtract(total, old.contribution(path));
      }
    }
    for (Map.Entry<Path, Entry> e : upserts.entrySet()) {
      Entry old = entries.get(e.getKey());
      if (old != null) {
        subtract(total, old.contribution(e.getKey()));
      }
      add(total, e.getValue().contribution(e.getKey()));
    }
    Set<Path> delta = new HashSet<>(upserts.keySet());
    delta.addAll(removals);
    List<Path> removed = removals.stream().filter(p -> !upserts.containsKey(p)).toList();
    return new Snapshot(entries.with(upserts, removed), total, substituted, lineage(delta));
  }

  /** A child's changes since each of this snapshot's remembered ancestors, and since this one. */
  private Map<String, Set<Path>> lineage(Set<Path> delta) {
    Map<String, Set<Path>> result = new HashMap<>();
    if (delta.size() <= MAX_CHANGED_SINCE) {
      result.put(digest, Set.copyOf(delta));
      changedSince.forEach((ancestor, paths) -> {
        if (result.size() < MAX_ANCESTORS && paths.size() + delta.size() <= MAX_CHANGED_SINCE) {
          Set<Path> union = new HashSet<>(paths);
          union.addAll(delta);
          result.put(ancestor, Set.copyOf(union));
        }
      });
    }
    return Map.copyOf(result);
  }

  private static long[] sumOf(Map<Path, Entry> entries) {
    long[] total = new long[4];
    entries.forEach((path, entry) -> add(total, entry.contribution(path)));
    return total;
  }

  /** Adds a 256-bit big-endian value to a sum of four 64-bit words, most significant first. */
  private static void add(long[] total, byte[] value) {
    long carry = 0;
    for (int word = 3; word >= 0; word--) {
      long v = word(value, word);
      long s = total[word] + v + carry;
      carry = Long.compareUnsigned(s, total[word]) < 0 || (carry == 1 && s == total[word]) ? 1 : 0;
      total[word] = s;
    }
  }

  private static void subtract(long[] total, byte[] value) {
    long borrow = 0;
    for (int word = 3; word >= 0; word--) {
      long v = word(value, word);
      long d = total[word] - v - borrow;
      borrow = Long.compareUnsigned(total[word], v) < 0
          || (borrow == 1 && total[word] == v) ? 1 : 0;
      total[word] = d;
    }
  }

  private static long word(byte[] value, int word) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (value[word * 8 + i] & 0xff);
    }
    return v;
  }

  /** The snapshot digest: SHA-256 over the sum of the contributions and their count. */
  private static String digestOf(long[] sum, int count) {
    MessageDigest md = ContentHasher.newSha256();
    for (long word : sum) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        md.update((byte) (word >>> shift));
      }
    }
    md.update(Integer.toString(count).getBytes(StandardCharsets.US_ASCII));
    return ContentHasher.hex(md.digest());
  }

  /**
   * Returns a snapshot with no files, for example to build a {@link ReloadEvent} when testing an
   * action.
   *
   * @return the empty snapshot
   */
  public static Snapshot empty() {
    return EMPTY;
  }

  /**
   * Returns the logical paths in this snapshot, in sorted order.
   *
   * @return the paths; never null
   */
  public Set<Path> paths() {
    Set<Path> paths = sortedPaths;
    if (paths == null) {
      paths = Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
      sortedPaths = paths;
    }
    return paths;
  }

  /** Whether a logical path is part of this snapshot; no sorting. */
  boolean contains(Path logical) {
    return entries.containsKey(logical);
  }

  /**
   * Returns each logical path's SHA-256 content digest in lowercase hex, sorted by path.
   *
   * @return an unmodifiable map; never null
   */
  public Map<Path, String> digests() {
    Map<Path, String> digests = sortedDigests;
    if (digests == null) {
      Map<Path, String> d = new LinkedHashMap<>();
      for (Path path : paths()) {
        d.put(path, entries.get(path).digest());
      }
      digests = Collections.unmodifiableMap(d);
      sortedDigests = digests;
    }
    return digests;
  }

  /**
   * Returns one digest over all paths and their content digests. Two snapshots with equal digests
   * have the same files with the same content.
   *
   * @return a lowercase hex SHA-256
   */
  public String digest() {
    return digest;
  }

  /**
   * Returns the first 12 hex digits of {@link #digest()}, for log lines.
   *
   * @return a short digest
   */
  public String shortDigest() {
    return digest.substring(0, 12);
  }

  /**
   * Returns the number of files in this snapshot.
   *
   * @return the number of files
   */
  public int size() {
    return entries.size();
  }

  /**
   * Replaces every value the watcher substituted into this snapshot's rendered outputs (a
   * password read with {@code ${file:...}}, a token from the environment) with {@code
   * [redacted]}, for output meant for people: a validator's or a command's output that quotes the
   * rendered config. Values shorter than four characters are left alone.
   *
   * <pre>{@code
   * logger.info("promtool said: {}", event.snapshot().redact(output));
   * }</pre>
   *
   * @param text any text
   * @return the text with the values replaced; the same text if there were none
   * @throws NullPointerException if {@code text} is null
   */
  public String redact(String text) {
    Objects.requireNonNull(text, "text cannot be null");
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "[redacted]");
    }
    return result;
  }

  /**
   * Reads a whole file as of this snapshot. Meant for configuration files; use {@link #open(Path)}
   * to stream large files.
   *
   * @param path a logical path of this snapshot; a relative path is resolved against the working
   *     directory, as {@link ReloadWatcher.Builder#addPath(Path)} resolves it
   * @return the file's bytes, verified against the snapshot's digest
   * @throws IllegalArgumentException if the path is not part of this snapshot
   * @throws IOException if the file cannot be read or no longer has the snapshot's content
   */
  public byte[] read(Path path) throws IOException {
    try (InputStream in = open(path)) {
      return in.readAllBytes();
    }
  }

  /**
   * Opens a file as of this snapshot. The stream verifies the digest when it reaches the end of
   * the file and throws an {@link IOException} there if the content is not the snapshot's. A
   * {@code .gz} template given to {@link ReloadWatcher.Builder#addRender} reads as its text,
   * decompressed.
   *
   * @param path a logical path of this snapshot; a relative path is resolved against the working
   *     directory
   * @return a stream over the file's bytes; the caller closes it
   * @throws IllegalArgumentException if the path is not part of this snapshot
   * @throws IOException if the file cannot be opened
   */
  public InputStream open(Path path) throws IOException {
    Objects.requireNonNull(path, "path cannot be null");
    path = logical(path);
    Entry entry = entries.get(path);
    if (entry == null) {
      throw new IllegalArgumentException(
          "[" + path + "] is not part of this snapshot: use one of " + paths());
    }
    InputStream raw;
    try {
      raw = Files.newInputStream(entry.resolved());
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          path.toString(), null, "replaced since the snapshot was taken; a newer reload follows");
    }
    if (entry.decompressed()) {
      try {
        raw = new GZIPInputStream(raw);
      } catch (IOException e) {
        raw.close();
        throw new IOException("[" + path + "] changed since the snapshot was taken (no longer"
            + " gzip); a newer reload follows", e);
      }
    }
    return new VerifyingInputStream(raw, path, entry.digest());
  }

  /**
   * Returns the logical files that differ from {@code before} to {@code after}, sorted by path.
   * Looks every path up once, and sorts only the changes.
   */
  static List<FileChange> diff(Snapshot before, Snapshot after) {
    if (before.digest.equals(after.digest)) {
      return List.of();
    }
    Set<Path> candidates = before.changedUntil(after);
    List<FileChange> changes = new ArrayList<>();
    if (candidates != null) {
      for (Path path : candidates) {
        classify(path, before.entries.get(path), after.entries.get(path), changes);
      }
    } else {
      after.entries.forEach((path, is) -> classify(path, before.entries.get(path), is, changes));
      for (Path path : before.entries.keySet()) {
        if (!after.entries.containsKey(path)) {
          changes.add(new FileChange(path, FileChange.Kind.REMOVED));
        }
      }
    }
    changes.sort(Comparator.comparing(FileChange::path));
    return changes;
  }

  private static void classify(Path path, Entry was, Entry is, List<FileChange> out) {
    if (was == null && is != null) {
      out.add(new FileChange(path, FileChange.Kind.ADDED));
    } else if (was != null && is == null) {
      out.add(new FileChange(path, FileChange.Kind.REMOVED));
    } else if (was != null && !was.sameContent(is)) {
      out.add(new FileChange(path, FileChange.Kind.MODIFIED));
    }
  }

  /**
   * The paths that may differ between this snapshot and {@code other}, known from their common
   * lineage (one derived from the other, or both from a common ancestor); null if they share none
   * that is remembered, and every path must be compared.
   */
  private Set<Path> changedUntil(Snapshot other) {
    Set<Path> direct = other.changedSince.get(digest);
    if (direct != null) {
      return direct;
    }
    Set<Path> reverse = changedSince.get(other.digest);
    if (reverse != null) {
      return reverse;
    }
    for (Map.Entry<String, Set<Path>> mine : changedSince.entrySet()) {
      Set<Path> theirs = other.changedSince.get(mine.getKey());
      if (theirs != null) {
        Set<Path> union = new HashSet<>(mine.getValue());
        union.addAll(theirs);
        return union;
      }
    }
    return null;
  }

  /**
   * A path as {@link ReloadWatcher.Builder#addPath(Path)} takes it: relative paths are resolved
   * against the working directory, and every path is normalized.
   */
  static Path logical(Path path) {
    return path.toAbsolutePath().normalize();
  }

  /** Every entry by logical path, unsorted; package-private for the scanner and tests. */
  Map<Path, Entry> entries() {
    return entries;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot other && digest.equals(other.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Snapshot{files=" + entries.size() + ", digest=" + shortDigest() + "}";
  }

  /** Hashes while reading and fails at end of stream if the digest differs. */
  private static final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest md = ContentHasher.newSha256();
    private final Path path;
    private final String expected;
    private boolean verified;

    VerifyingInputStream(InputStream in, Path path, String expected) {
      super(in);
      this.path = path;
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        verify();
      } else {
        md.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        verify();
      } else {
        md.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buffer = new byte[8192];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void verify() throws IOException {
      if (verified) {
        return;
      }
      verified = true;
      String actual = ContentHasher.hex(md.digest());
      if (!actual.equals(expected)) {
        throw new IOException(
            "[" + path + "] changed since the snapshot was taken (digest "
                + expected.substring(0, 12) + " expected, " + actual.substring(0, 12)
                + " found); a newer reload follows");
      }
    }
  }
}
