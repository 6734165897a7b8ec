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
import java.util.Collections;
import java.util.Comparator;
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
   * One file of a snapshot: where its bytes were read from, and the digest and size of its
   * content; {@code decompressed} when the content is the gunzipped bytes (a {@code .gz}
   * template).
   */
  record Entry(Path resolved, String digest, long size, boolean decompressed) {
    Entry(Path resolved, String digest, long size) {
      this(resolved, digest, size, false);
    }
  }

  /** Values shorter than this are not redacted: they would garble every message. */
  static final int MIN_REDACTED_LENGTH = 4;

  private static final Snapshot EMPTY = new Snapshot(Map.of());

  private final Map<Path, Entry> entries;
  private final Map<Path, String> digests;
  private final String digest;
  private final List<String> secrets;

  Snapshot(Map<Path, Entry> entries) {
    this(entries, Set.of());
  }

  /** A snapshot whose rendered outputs hold {@code substituted} values, to be redacted. */
  Snapshot(Map<Path, Entry> entries, Set<String> substituted) {
    this.secrets = substituted.stream()
        .filter(v -> v.length() >= MIN_REDACTED_LENGTH)
        .sorted(Comparator.comparingInt(String::length).reversed()) // longest first
        .toList();
    Map<Path, Entry> sorted = new TreeMap<>(entries);
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    Map<Path, String> d = new LinkedHashMap<>();
    sorted.forEach((path, entry) -> d.put(path, entry.digest()));
    this.digests = Collections.unmodifiableMap(d);
    this.digest = combine(this.digests);
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
    return digests.keySet();
  }

  /**
   * Returns each logical path's SHA-256 content digest in lowercase hex, sorted by path.
   *
   * @return an unmodifiable map; never null
   */
  public Map<Path, String> digests() {
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
   */
  static List<FileChange> diff(Snapshot before, Snapshot after) {
    Set<Path> all = new TreeSet<>(before.paths());
    all.addAll(after.paths());
    List<FileChange> changes = new ArrayList<>();
    for (Path path : all) {
      String was = before.digests().get(path);
      String is = after.digests().get(path);
      if (was == null) {
        changes.add(new FileChange(path, FileChange.Kind.ADDED));
      } else if (is == null) {
        changes.add(new FileChange(path, FileChange.Kind.REMOVED));
      } else if (!was.equals(is)) {
        changes.add(new FileChange(path, FileChange.Kind.MODIFIED));
      }
    }
    return changes;
  }

  /**
   * A path as {@link ReloadWatcher.Builder#addPath(Path)} takes it: relative paths are resolved
   * against the working directory, and every path is normalized.
   */
  static Path logical(Path path) {
    return path.toAbsolutePath().normalize();
  }

  /** Where the bytes of a logical path were read from; package-private for tests and hashing. */
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

  private static String combine(Map<Path, String> digests) {
    MessageDigest md = ContentHasher.newSha256();
    digests.forEach(
        (path, d) -> {
          md.update(path.toString().getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
          md.update(d.getBytes(StandardCharsets.US_ASCII));
          md.update((byte) '\n');
        });
    return ContentHasher.hex(md.digest());
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
