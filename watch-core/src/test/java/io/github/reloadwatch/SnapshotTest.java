package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {

  @TempDir Path tmp;

  private Snapshot scan(Path dir) throws IOException {
    return new SnapshotScanner(List.of(WatchedPath.directory(dir)), false, List.of(), List.of())
        .scan()
        .snapshot();
  }

  @Test
  void read_returnsTheSnapshotContent() throws IOException {
    Path file = Files.writeString(tmp.resolve("a.yml"), "alpha");
    Snapshot snapshot = scan(tmp);
    assertThat(snapshot.read(file)).asString().isEqualTo("alpha");
    try (InputStream in = snapshot.open(file)) {
      assertThat(in.readAllBytes()).asString().isEqualTo("alpha");
    }
  }

  @Test
  void read_ofContentReplacedSinceTheSnapshot_fails() throws IOException {
    Path file = Files.writeString(tmp.resolve("a.yml"), "alpha");
    Snapshot snapshot = scan(tmp);
    Files.writeString(file, "beta");
    assertThatThrownBy(() -> snapshot.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("a.yml")
        .hasMessageContaining("changed since the snapshot was taken");
  }

  @Test
  void read_ofDeletedFile_failsNamingIt() throws IOException {
    Path file = Files.writeString(tmp.resolve("a.yml"), "alpha");
    Snapshot snapshot = scan(tmp);
    Files.delete(file);
    assertThatThrownBy(() -> snapshot.read(file))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("a.yml");
  }

  @Test
  void read_ofUnknownPath_namesTheKnownOnes() throws IOException {
    Files.writeString(tmp.resolve("a.yml"), "alpha");
    Snapshot snapshot = scan(tmp);
    assertThatThrownBy(() -> snapshot.read(tmp.resolve("b.yml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b.yml")
        .hasMessageContaining("a.yml");
  }

  @Test
  void digest_dependsOnPathsAndContent() throws IOException {
    Files.writeString(tmp.resolve("a.yml"), "alpha");
    Snapshot first = scan(tmp);
    assertThat(scan(tmp)).isEqualTo(first);
    Files.move(tmp.resolve("a.yml"), tmp.resolve("b.yml"));
    Snapshot renamed = scan(tmp);
    assertThat(renamed.digest()).isNotEqualTo(first.digest());
    assertThat(renamed.digests()).containsOnlyKeys(tmp.resolve("b.yml"));
    assertThat(renamed.toString()).contains(renamed.shortDigest()).contains("files=1");
  }

  @Test
  void diff_reportsEachKind() throws IOException {
    Files.writeString(tmp.resolve("keep.yml"), "same");
    Files.writeString(tmp.resolve("edit.yml"), "v1");
    Files.writeString(tmp.resolve("drop.yml"), "x");
    Snapshot before = scan(tmp);
    Files.writeString(tmp.resolve("edit.yml"), "v2");
    Files.delete(tmp.resolve("drop.yml"));
    Files.writeString(tmp.resolve("new.yml"), "n");
    Snapshot after = scan(tmp);
    assertThat(Snapshot.diff(before, after)).containsExactly(
        new FileChange(tmp.resolve("drop.yml"), FileChange.Kind.REMOVED),
        new FileChange(tmp.resolve("edit.yml"), FileChange.Kind.MODIFIED),
        new FileChange(tmp.resolve("new.yml"), FileChange.Kind.ADDED));
    assertThat(before.digests()).hasSize(3);
    assertThat(Map.copyOf(after.digests())).hasSize(3);
  }

  @Test
  void brokenSymlinkInADirectory_isNotAFile() throws IOException {
    Files.writeString(tmp.resolve("a.yml"), "alpha");
    Files.createSymbolicLink(tmp.resolve("dangling.yml"), tmp.resolve("missing-target"));
    assertThat(scan(tmp).paths()).containsExactly(tmp.resolve("a.yml"));
  }
}
