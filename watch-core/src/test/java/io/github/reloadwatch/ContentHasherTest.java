package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentHasherTest {

  @TempDir Path tmp;

  @Test
  void hash_matchesJdkSha256_acrossBufferBoundaries() throws Exception {
    byte[] data = new byte[3 * 256 * 1024 + 17];
    new Random(42).nextBytes(data);
    Path file = Files.write(tmp.resolve("big.bin"), data);

    ContentHasher.Hash hash = new ContentHasher().hash(file);

    String expected =
        ContentHasher.hex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(hash.digest()).isEqualTo(expected);
    assertThat(hash.size()).isEqualTo(data.length);
  }

  @Test
  void hash_ofEmptyFile_isTheSha256OfNothing() throws IOException {
    Path file = Files.createFile(tmp.resolve("empty"));
    assertThat(new ContentHasher().hash(file).digest())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void hash_fileWrittenWhileRead_isReportedAsChanged() throws IOException {
    Path file = Files.writeString(tmp.resolve("torn.yml"), "first half");
    ContentHasher hasher = new ContentHasher(() -> {
      try {
        Files.writeString(file, "first half, second half", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThatThrownBy(() -> hasher.hash(file))
        .isInstanceOf(ContentHasher.ChangedWhileHashingException.class)
        .hasMessageContaining("torn.yml")
        .hasMessageContaining("will be read again");
  }

  @Test
  void hash_vanishedFile_throwsNoSuchFile() {
    assertThatThrownBy(() -> new ContentHasher().hash(tmp.resolve("gone")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
