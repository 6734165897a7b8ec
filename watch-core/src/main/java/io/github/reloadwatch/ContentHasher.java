package io.github.reloadwatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * Streams files through SHA-256. Large files are never loaded whole: a fixed direct buffer is
 * reused per hasher. Also detects a file that changed while it was being read, so a torn write is
 * never mistaken for new content.
 *
 * <p>Not thread-safe: one instance per scanning thread.
 */
final class ContentHasher {

  /** Thrown when a file's size or modification time changed while it was hashed. */
  static final class ChangedWhileHashingException extends IOException {
    private static final long serialVersionUID = 1L;

    ChangedWhileHashingException(Path path) {
      super("[" + path + "] changed while it was being read; it will be read again");
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** Config files fit; a big file costs one read per 64 KiB, the RSS stays small. */
  private static final int BUFFER_SIZE = 64 * 1024;

  private final MessageDigest md = newSha256();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
  private final Runnable afterRead;

  ContentHasher() {
    this(() -> {});
  }

  /** Test seam: {@code afterRead} runs between reading a file and checking it did not change. */
  ContentHasher(Runnable afterRead) {
    this.afterRead = afterRead;
  }

  /**
   * A file's digest and size; {@code sizeUnknown} for a file whose reported size is not its
   * content (procfs), whose digest must not be cached by metadata.
   */
  record Hash(byte[] value, long size, boolean sizeUnknown) {
    /** The digest in lowercase hex. */
    String digest() {
      return hex(value);
    }
  }

  /**
   * Hashes a regular file, following symbolic links.
   *
   * @throws java.nio.file.NoSuchFileException if it vanished
   * @throws ChangedWhileHashingException if it changed while being read
   */
  Hash hash(Path file) throws IOException {
    BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
    return hash(file, before.size(), before.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  /**
   * Hashes a regular file whose size and modification time were just read (the scanner's stamp),
   * saving a system call per file.
   *
   * @throws java.nio.file.NoSuchFileException if it vanished
   * @throws ChangedWhileHashingException if it changed while being read
   */
  Hash hash(Path file, long sizeBefore, long mtimeNanosBefore) throws IOException {
    md.reset();
    long size = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        buffer.clear();
        int n = channel.read(buffer);
        if (n < 0) {
          break;
        }
        size += n;
        buffer.flip();
        md.update(buffer);
      }
    }
    afterRead.run();
    BasicFileAttributes after =
        Files.readAttributes(file, BasicFileAttributes.class, new LinkOption[0]);
    if (sizeBefore != after.size()
        || mtimeNanosBefore != after.lastModifiedTime().to(TimeUnit.NANOSECONDS)) {
      throw new ChangedWhileHashingException(file);
    }
    // a size that differs from what was read, with nothing else changed, is a file that does
    // not know its size (procfs, sysfs): take what was read, and never cache it
    return new Hash(md.digest(), size, size != after.size());
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform supports SHA-256", e);
    }
  }

  /** Parses lowercase or uppercase hex, as {@link #hex} writes it. */
  static byte[] unhex(String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("odd hex length: " + hex.length());
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
    }
    return out;
  }

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }
}
