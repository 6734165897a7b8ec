package io.github.reloadwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the harness runs, in a few seconds: scenario 1 (ConfigMap swap at debounce 0) with 3
 * repetitions. It asserts that every change was seen and the table was written, never a timing:
 * the real numbers come from {@code java -jar target/benchmarks.jar harness} (README).
 */
class HarnessSmokeTest {

  @TempDir Path tmp;

  @Test
  void scenarioOne_threeRepetitions_producesARow() throws Exception {
    Path out = tmp.resolve("results.md");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Harness harness = new Harness(Harness.Options.parse(new String[] {
        "--scenarios", "1", "--kinds", "swap", "--debounces", "0", "--reps", "3",
        "--warmup", "1", "--dir", tmp.toString(), "--out", out.toString()}),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    harness.run();

    assertThat(harness.rows()).hasSize(2); // scenario 1 and the sidecar pointer
    Harness.Row row = harness.rows().get(0);
    assertThat(row.scenario()).isEqualTo("1 reaction: ConfigMap swap, debounce 0 ms");
    assertThat(row.ours()).contains("(n=3)").doesNotContain("missed").doesNotContain("not seen");
    assertThat(row.jdk()).contains("(n=3)");
    assertThat(Files.readString(out)).contains("| Scenario | Target | reloadwatch |")
        .contains("see benchmarks.jar sidecar");
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("the harness deletes its directories").containsExactly("results.md");
    }
  }
}
