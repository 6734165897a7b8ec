package io.github.reloadwatch.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what a logger that writes to {@code System.err} prints (slf4j-simple, the usual test
 * binding), while still passing it through; for asserting that a line was logged, or that a secret
 * never was.
 *
 * <pre>{@code
 * try (LogCapture log = new LogCapture()) {
 *   // ... run the watcher
 *   assertThat(log.text()).contains("reloaded").doesNotContain(token);
 * }
 * }</pre>
 *
 * <p>Replaces {@code System.err} for its lifetime, so do not nest instances across threads.
 *
 * @since 0.1.0
 */
public final class LogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** Starts capturing. */
  public LogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (captured) {
          captured.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (captured) {
          captured.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /**
   * Returns everything captured so far.
   *
   * @return the captured text
   */
  public String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /** Stops capturing and restores the original {@code System.err}. */
  @Override
  public void close() {
    System.setErr(original);
  }
}
