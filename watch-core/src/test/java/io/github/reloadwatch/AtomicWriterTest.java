package io.github.reloadwatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.reloadwatch.AtomicWriter.FileProjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubelet's AtomicWriter layout and rules, on a real directory. */
@Tag("filesystem")
class AtomicWriterTest {

  @TempDir Path tmp;

  private static Map<String, byte[]> files(String... keysAndValues) {
    Map<String, byte[]> result = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      result.put(keysAndValues[i], keysAndValues[i + 1].getBytes(UTF_8));
    }
    return result;
  }

  private static List<String> versions(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("..") && Character.isDigit(n.charAt(2)))
          .toList();
    }
  }

  @Test
  void write_createsKubeletsLayout() throws IOException {
    AtomicWriter writer = AtomicWriter.forDirectory(tmp.resolve("config"));
    assertThat(writer.write(files("a.yml", "a1", "rules/r.yml", "r1"))).isTrue();
    Path dir = writer.directory();
    Path data = dir.resolve("..data");
    assertThat(Files.isSymbolicLink(data)).isTrue();
    assertThat(versions(dir)).hasSize(1);
    assertThat(Files.readSymbolicLink(data).toString()).isEqualTo(versions(dir).get(0));
    assertThat(Files.readSymbolicLink(dir.resolve("a.yml"))).isEqualTo(Path.of("..data/a.yml"));
    assertThat(Files.readSymbolicLink(dir.resolve("rules"))).isEqualTo(Path.of("..data/rules"));
    assertThat(Files.readString(dir.resolve("rules/r.yml"))).isEqualTo("r1");
    assertThat(Files.exists(dir.resolve("..data_tmp"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(ConfigMapLayout.pin(dir)).isPresent();
  }

  @Test
  void identicalPayload_writesNothing() throws IOException {
    AtomicWriter writer = AtomicWriter.forDirectory(tmp.resolve("config"));
    writer.write(files("a.yml", "a1"));
    String before = Files.readSymbolicLink(writer.directory().resolve("..data")).toString();
    assertThat(writer.isCurrent(List.of(FileProjection.of("a.yml", "a1".getBytes(UTF_8)))))
        .isTrue();
    assertThat(writer.write(files("a.yml", "a1"))).isFalse();
    assertThat(Files.readSymbolicLink(writer.directory().resolve("..data")).toString())
        .isEqualTo(before);
    assertThat(writer.write(List.of(FileProjection.of("a.yml", "a1".getBytes(UTF_8), 0600))))
        .as("a new mode is a new version").isTrue();
  }

  @Test
  void newVersion_replacesTheOldOne_andRemovesTheLinksOfGoneKeys() throws IOException {
    AtomicWriter writer = AtomicWriter.forDirectory(tmp.resolve("config"));
    Path dir = writer.directory();
    writer.write(files("a.yml", "a1", "b.yml", "b1"));
    Files.writeString(dir.resolve("user-note.txt"), "not ours");
    writer.write(files("a.yml", "a2"));
    assertThat(versions(dir)).hasSize(1);
    assertThat(Files.readString(dir.resolve("a.yml"))).isEqualTo("a2");
    assertThat(Files.exists(dir.resolve("b.yml"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(dir.resolve("user-note.txt"))).isEqualTo("not ours");
  }

  @Test
  void modes_areApplied() throws IOException {
    AtomicWriter writer = AtomicWriter.forDirectory(tmp.resolve("secret"));
    writer.write(List.of(FileProjection.of("tls.key", "k".getBytes(UTF_8), 0600),
        FileProjection.of("tls.crt", "c".getBytes(UTF_8))));
    Path version = writer.directory().resolve("..data");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(version.resolve("tls.key")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(version.resolve("tls.crt")))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(version)))
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void pathsThatKubeletRefuses_areRefusedBeforeAnythingIsWritten() throws IOException {
    AtomicWriter writer = AtomicWriter.forDirectory(tmp.resolve("config"));
    for (String bad : List.of("/etc/passwd", "../escape", "a/../../b", "..hidden", "", "a//..")) {
      assertThatThrownBy(() -> writer.write(files(bad, "x")))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid path");
    }
    assertThatThrownBy(() -> writer.write(files("x".repeat(256), "x")))
        .hasMessageContaining("at most 255 characters");
    assertThatThrownBy(() -> writer.write(List.of(FileProjection.of("a", new byte[0]),
        FileProjection.of("./a", new byte[0])))).hasMessageContaining("given twice");
    assertThat(versions(writer.directory())).isEmpty();
  }

  @Test
  void stage_alwaysMakesANewVersion_andCommitsKubeletsWindowsWay() throws IOException {
    AtomicWriter writer = AtomicWriter.forDirectory(tmp.resolve("config"));
    writer.write(files("a.yml", "a1"));
    AtomicWriter.Staged staged =
        writer.stage(List.of(FileProjection.of("a.yml", "a1".getBytes(UTF_8))));
    assertThat(versions(writer.directory())).hasSize(2);
    staged.commitByRecreatingLink();
    assertThat(Files.readSymbolicLink(writer.directory().resolve("..data")))
        .isEqualTo(staged.version().getFileName());
    assertThat(versions(writer.directory())).hasSize(1);
  }

  @Test
  void projection_neverShowsItsContent() {
    assertThat(FileProjection.of("password", "hunter2".getBytes(UTF_8), 0600).toString())
        .contains("password", "7 bytes", "0600").doesNotContain("hunter2");
  }
}
