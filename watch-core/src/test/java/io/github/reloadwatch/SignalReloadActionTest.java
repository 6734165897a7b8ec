package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalReloadActionTest {

  @TempDir Path tmp;
  private Process target;

  @AfterEach
  void stopTarget() throws InterruptedException {
    if (target != null) {
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private ReloadEvent event() {
    return new ReloadEvent(ReloadReason.MANUAL, List.of(), 1, Snapshot.empty(), Instant.EPOCH);
  }

  /**
   * Starts a shell that appends a line to {@code log} on every SIGHUP, like a daemon reloading.
   * The loop sleeps in the foreground, so the shell runs the trap after the current {@code sleep}
   * ends, never inside an interrupted {@code wait}, whose interplay with a signal arriving as the
   * background child exits differs between shells.
   */
  private Process startHupCounter(Path log, Path ready) throws IOException {
    return new ProcessBuilder("sh", "-c",
        "trap 'echo hup >> \"$0\"' HUP; touch \"$1\"; while :; do sleep 0.1; done",
        log.toString(), ready.toString())
        .redirectErrorStream(true)
        .start();
  }

  @Test
  void hupToAPidFile_reachesTheProcess() throws Exception {
    Path log = tmp.resolve("hups.log");
    Path ready = tmp.resolve("ready");
    target = startHupCounter(log, ready);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready));
    Path pidFile = Files.writeString(tmp.resolve("target.pid"), target.pid() + "\n");

    SignalReloadAction action = SignalReloadAction.toPidFile(pidFile, "SIGHUP");
    // signals of one kind do not queue: wait for each to be handled before the next
    action.reload(event());
    await().atMost(Duration.ofSeconds(20)).until(() ->
        Files.exists(log) && Files.readAllLines(log).size() == 1);
    action.reload(event());
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(Files.readAllLines(log)).containsExactly("hup", "hup"));
    assertThat(target.isAlive()).isTrue();
    assertThat(action.toString()).isEqualTo("SignalReloadAction{SIGHUP to pid file " + pidFile + "}");
  }

  @Test
  void missingPidFile_saysSo() {
    Path pidFile = tmp.resolve("nginx.pid");
    assertThatThrownBy(() -> SignalReloadAction.toPidFile(pidFile, "HUP").reload(event()))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(pidFile.toString())
        .hasMessageContaining("is the target running");
  }

  @Test
  void malformedPidFile_quotesIt() throws IOException {
    Path pidFile = Files.writeString(tmp.resolve("bad.pid"), "not-a-pid");
    assertThatThrownBy(() -> SignalReloadAction.toPidFile(pidFile, "HUP").reload(event()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not hold a process id (found \"not-a-pid\")");
  }

  @Test
  void deadProcess_isReported() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> SignalReloadAction.toPid(gone.pid(), "HUP").reload(event()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no process with pid " + gone.pid())
        .hasMessageContaining("shareProcessNamespace");
  }

  @Test
  void unknownSignal_listsTheSupportedOnes() {
    assertThatThrownBy(() -> SignalReloadAction.toPid(1, "SIGFOO"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signal (SIGFOO) is not supported")
        .hasMessageContaining("HUP");
    assertThatThrownBy(() -> SignalReloadAction.toPid(0, "HUP"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pid (0) must be positive");
  }
}
