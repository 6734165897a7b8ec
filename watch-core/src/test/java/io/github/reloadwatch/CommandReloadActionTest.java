package io.github.reloadwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandReloadActionTest {

  @TempDir Path tmp;

  private ReloadEvent event() throws IOException {
    Path file = Files.writeString(tmp.resolve("app.yml"), "v1");
    Snapshot snapshot =
        new SnapshotScanner(List.of(WatchedPath.file(file)), false, List.of(), List.of())
            .scan().snapshot();
    return new ReloadEvent(ReloadReason.CHANGE,
        List.of(new FileChange(file, FileChange.Kind.MODIFIED)), 1, snapshot, Instant.EPOCH);
  }

  @Test
  void successfulCommand_seesTheEventInItsEnvironment() throws Exception {
    Path out = tmp.resolve("out.txt");
    ReloadEvent event = event();
    CommandReloadAction.builder()
        .command("sh", "-c", "printf '%s|%s|%s' \"$RELOADWATCH_REASON\" \"$RELOADWATCH_CHANGED\""
            + " \"$RELOADWATCH_DIGEST\" > \"$OUT\"")
        .environment("OUT", out.toString())
        .build()
        .reload(event);
    assertThat(Files.readString(out)).isEqualTo(
        "CHANGE|" + tmp.resolve("app.yml") + "|" + event.snapshot().digest());
  }

  @Test
  void nonZeroExit_isARetryableFailureWithTheOutput() throws Exception {
    ReloadEvent event = event();
    CommandReloadAction action = CommandReloadAction.of("sh", "-c", "echo boom >&2; exit 7");
    assertThatThrownBy(() -> action.reload(event))
        .isInstanceOf(IOException.class)
        .hasMessage("sh exited with code 7: boom");
  }

  @Test
  void rejectExitCode_isARejection() throws Exception {
    ReloadEvent event = event();
    CommandReloadAction action = CommandReloadAction.builder()
        .command("sh", "-c", "echo 'invalid config'; exit 3")
        .rejectOnExitCode(3)
        .build();
    assertThatThrownBy(() -> action.reload(event))
        .isInstanceOf(ReloadRejectedException.class)
        .hasMessageContaining("invalid config");
  }

  @Test
  void unavailableExitCode_isATargetUnavailableFailure_curlAgainstAClosedPort() throws Exception {
    ReloadEvent event = event();
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    CommandReloadAction action = CommandReloadAction.builder()
        .command("curl", "-fsS", "-X", "POST", "http://127.0.0.1:" + closedPort + "/-/reload")
        .unavailableOnExitCode(6, 7)
        .build();
    assertThatThrownBy(() -> action.reload(event))
        .isInstanceOfSatisfying(ReloadFailedException.class,
            e -> assertThat(e.targetUnavailable()).isTrue())
        .hasMessageStartingWith("curl exited with code 7");
  }

  @Test
  void anExitCode_meansEitherRejectedOrUnavailable_notBoth() {
    assertThatThrownBy(() -> CommandReloadAction.builder().rejectOnExitCode(3)
        .unavailableOnExitCode(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exit code 3 is already a reject code");
    assertThatThrownBy(() -> CommandReloadAction.builder().unavailableOnExitCode(7)
        .rejectOnExitCode(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exit code 7 already means \"target unavailable\"");
    assertThatThrownBy(() -> CommandReloadAction.builder().unavailableOnExitCode(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commandPastItsTimeout_isKilledAndFails() throws Exception {
    ReloadEvent event = event();
    CommandReloadAction action = CommandReloadAction.builder()
        .command("sleep", "30")
        .timeout(Duration.ofMillis(200))
        .build();
    assertThatThrownBy(() -> action.reload(event))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not finish within 200 ms and was killed");
  }

  @Test
  void missingProgram_saysToInstallIt() throws Exception {
    ReloadEvent event = event();
    CommandReloadAction action = CommandReloadAction.of("no-such-program-xyz");
    assertThatThrownBy(() -> action.reload(event))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot run no-such-program-xyz")
        .hasMessageContaining("installed and on the PATH");
  }

  @Test
  void argumentsNeverAppearInMessagesOrToString() throws Exception {
    ReloadEvent event = event();
    CommandReloadAction action = CommandReloadAction.of(
        "sh", "-c", "exit 1", "Authorization: Bearer s3cr3t-token");
    assertThat(action.toString()).doesNotContain("s3cr3t").contains("program=sh");
    assertThatThrownBy(() -> action.reload(event)).hasMessageNotContaining("s3cr3t");
  }

  @Test
  void command_empty() {
    assertThatThrownBy(() -> CommandReloadAction.builder().command(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command must name a program");
    assertThatThrownBy(() -> CommandReloadAction.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no command: call command(...) before build()");
    assertThatThrownBy(() -> CommandReloadAction.builder().rejectOnExitCode(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thousandsOfChangedFiles_comeInAFile_andTheCommandStillRuns() throws Exception {
    // given: 3,000 changes, a list of about 200 KiB, more than Linux allows in one variable
    ReloadEvent one = event();
    List<FileChange> changes = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      changes.add(new FileChange(tmp.resolve("dashboards/team-%04d/dashboard-%04d.json"
          .formatted(i / 100, i)), FileChange.Kind.ADDED));
    }
    ReloadEvent event = new ReloadEvent(ReloadReason.CHANGE, changes, 1, one.snapshot(),
        Instant.EPOCH);
    Path out = tmp.resolve("out.txt");
    // when
    CommandReloadAction.builder()
        .command("sh", "-c", "wc -l < \"$RELOADWATCH_CHANGED_FILE\" > \"$OUT\";"
            + " echo \"$RELOADWATCH_CHANGED_TRUNCATED ${#RELOADWATCH_CHANGED}\" >> \"$OUT\";"
            + " echo \"$RELOADWATCH_CHANGED_FILE\" >> \"$OUT\"")
        .environment("OUT", out.toString())
        .build()
        .reload(event);
    // then
    List<String> seen = Files.readAllLines(out);
    assertThat(seen.subList(0, 2)).containsExactly("3000", "true 0");
    assertThat(Path.of(seen.get(2))).as("the list's file is deleted after the command")
        .doesNotExist();
  }

  @Test
  void aShortList_isInTheVariableToo() throws Exception {
    Path out = tmp.resolve("out.txt");
    CommandReloadAction.builder()
        .command("sh", "-c", "cat \"$RELOADWATCH_CHANGED_FILE\" > \"$OUT\";"
            + " echo \"$RELOADWATCH_CHANGED_TRUNCATED\" >> \"$OUT\"")
        .environment("OUT", out.toString())
        .build()
        .reload(event());
    assertThat(Files.readAllLines(out)).containsExactly(tmp.resolve("app.yml").toString(), "false");
  }

  @Test
  void aTimedOutCommand_takesItsChildrenWithIt() throws Exception {
    // given: a shell whose child would outlive it, as "sh -c 'sleep 60 & wait'" does
    Path pidFile = tmp.resolve("child.pid");
    CommandReloadAction action = CommandReloadAction.builder()
        .command("sh", "-c", "sleep 60 & echo $! > \"$0\"; wait", pidFile.toString())
        .timeout(Duration.ofMillis(500))
        .build();
    // when
    assertThatThrownBy(() -> action.reload(event()))
        .hasMessageContaining("did not finish within 500 ms and was killed");
    // then
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
        .as("the grandchild sleep is gone too").isFalse();
  }
}
