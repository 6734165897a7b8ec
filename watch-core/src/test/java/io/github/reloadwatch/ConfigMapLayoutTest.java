package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigMapLayoutTest {

  @TempDir Path tmp;
  private ConfigMapFixture mount;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp), "this OS refuses symlinks");
    mount = ConfigMapFixture.create(tmp.resolve("cm"), Map.of("a.yml", "a1", "b.yml", "b1"));
  }

  @Test
  void pin_resolvesLogicalPathsIntoThePinnedVersion() throws IOException {
    ConfigMapLayout layout = ConfigMapLayout.pin(mount.dir()).orElseThrow();
    assertThat(layout.target()).isEqualTo(mount.dir().resolve(mount.dataTarget()));
    assertThat(layout.resolve(mount.path("a.yml")))
        .isEqualTo(mount.dir().resolve(mount.dataTarget()).resolve("a.yml"));
    assertThat(layout.resolve(tmp.resolve("elsewhere.yml"))).isEqualTo(tmp.resolve("elsewhere.yml"));
    layout.checkStillCurrent();
  }

  @Test
  void swapAfterPinning_isDetected() throws IOException {
    ConfigMapLayout layout = ConfigMapLayout.pin(mount.dir()).orElseThrow();
    mount.swap(Map.of("a.yml", "a2", "b.yml", "b2"));
    assertThatThrownBy(layout::checkStillCurrent)
        .isInstanceOf(ConfigMapLayout.SwapInProgressException.class)
        .hasMessageContaining("swapped while reading");
  }

  @Test
  void plainDirectory_hasNoLayout() throws IOException {
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    assertThat(ConfigMapLayout.pin(plain)).isEmpty();
    assertThat(ConfigMapLayout.isMidSwap(plain)).isFalse();
  }

  @Test
  void dataDeletedBeforeItIsRecreated_isMidSwap() throws IOException {
    Files.delete(mount.dir().resolve("..data"));
    assertThat(ConfigMapLayout.pin(mount.dir())).isEmpty();
    assertThat(ConfigMapLayout.isMidSwap(mount.dir())).isTrue();
  }
}
