package io.github.reloadwatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hashing throughput over one 64 MiB file in the page cache: the engine's {@link ContentHasher}
 * (streamed SHA-256 through a 256 KiB direct buffer, with the torn-write check) against the JDK's
 * SHA-256 and CRC32C over the same file read the same way, and both digests over bytes already in
 * memory (the compute-only ceiling). One operation hashes the whole file; throughput in MiB/s is
 * {@code 64 * 1000 / score} with the score in ms/op.
 *
 * <p>In package {@code io.github.reloadwatch} only to reach the package-private {@link
 * ContentHasher}. Run with {@code java -jar watch-benchmarks/target/benchmarks.jar jmh
 * HashingBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HashingBenchmark {

  /** The file size in MiB. */
  @Param("64")
  public int sizeMiB;

  private Path dir;
  private Path file;
  private byte[] bytes;
  private ContentHasher hasher;
  private ByteBuffer buffer;
  private MessageDigest sha256;
  private CRC32C crc;

  /** Creates this state; JMH calls it. */
  public HashingBenchmark() {}

  /**
   * Writes the file with random bytes and reads it once, so it is in the page cache.
   *
   * @throws IOException if the file cannot be written
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("reloadwatch-jmh");
    file = dir.resolve("large.bin");
    bytes = new byte[sizeMiB * 1024 * 1024];
    new Random(42).nextBytes(bytes);
    Files.write(file, bytes);
    hasher = new ContentHasher();
    buffer = ByteBuffer.allocateDirect(256 * 1024);
    sha256 = ContentHasher.newSha256();
    crc = new CRC32C();
    hasher.hash(file);
  }

  /**
   * Deletes the file.
   *
   * @throws IOException if it cannot be deleted
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  /**
   * The engine's path: {@code ContentHasher.hash}, including its two attribute reads.
   *
   * @return the hex digest
   * @throws IOException if reading fails
   */
  @Benchmark
  public String contentHasher() throws IOException {
    return hasher.hash(file).digest();
  }

  /**
   * JDK SHA-256 over the file, read through the same 256 KiB direct buffer.
   *
   * @return the digest
   * @throws IOException if reading fails
   */
  @Benchmark
  public byte[] jdkSha256File() throws IOException {
    sha256.reset();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        buffer.clear();
        if (channel.read(buffer) < 0) {
          break;
        }
        buffer.flip();
        sha256.update(buffer);
      }
    }
    return sha256.digest();
  }

  /**
   * CRC32C over the file, read through the same 256 KiB direct buffer.
   *
   * @return the checksum
   * @throws IOException if reading fails
   */
  @Benchmark
  public long crc32cFile() throws IOException {
    crc.reset();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        buffer.clear();
        if (channel.read(buffer) < 0) {
          break;
        }
        buffer.flip();
        crc.update(buffer);
      }
    }
    return crc.getValue();
  }

  /**
   * JDK SHA-256 over the bytes in memory: the compute ceiling, no I/O.
   *
   * @return the digest
   */
  @Benchmark
  public byte[] jdkSha256Memory() {
    sha256.reset();
    return sha256.digest(bytes);
  }

  /**
   * CRC32C over the bytes in memory: the compute ceiling, no I/O.
   *
   * @return the checksum
   */
  @Benchmark
  public long crc32cMemory() {
    crc.reset();
    crc.update(bytes, 0, bytes.length);
    return crc.getValue();
  }
}
