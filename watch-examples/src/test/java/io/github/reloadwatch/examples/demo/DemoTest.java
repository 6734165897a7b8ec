package io.github.reloadwatch.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.reloadwatch.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the README's first command (the scripted part) in process. */
class DemoTest {

  @TempDir Path tmp;

  @Test
  void demoOnce_explainsReloadSkipAndRejection() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Demo()).execute("--once", "--dir", tmp.toString());
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);
    assertThat(code).isZero();
    assertThat(out)
        .contains("-> reloaded in", "the server now reports version 2")
        .contains("-> skipped; content unchanged")
        .contains("-> rejected (", "kept version 2")
        .contains("the server now reports version 3")
        .contains("Done: 2 reloads, 1 update skipped as unchanged, 1 rejected.");
  }

  /**
   * #16: the demo resyncs every second, and each resync that found nothing new printed a
   * "skipped" line (305 lines in 5 idle minutes). Only real decisions are told now.
   */
  @Test
  void idleResyncs_sayNothing_aTouchedFileSaysSkipped() {
    BlockingQueue<String> told = new LinkedBlockingQueue<>();
    Demo.Outcomes outcomes = new Demo.Outcomes(told);
    for (int resync = 0; resync < 300; resync++) {
      outcomes.onSkipped(Snapshot.empty());
    }
    assertThat(told).isEmpty();

    outcomes.onWatchEvent(); // the user saved the file without changing it
    outcomes.onWatchEvent();
    outcomes.onSkipped(Snapshot.empty());
    outcomes.onSkipped(Snapshot.empty()); // the next resync
    assertThat(told).containsExactly("skipped");
  }
}
