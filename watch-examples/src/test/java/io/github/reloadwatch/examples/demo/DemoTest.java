package io.github.reloadwatch.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
}
