package io.github.reloadwatch.sidecar.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The text line is what logback's pattern printed before (#15), stack trace included. */
class TextLayoutTest {

  private static String line(String level, long epochMillis, Throwable error) {
    LoggerContext context = new LoggerContext();
    Logger logger = context.getLogger("io.github.reloadwatch.sidecar.Sidecar");
    LoggingEvent event = new LoggingEvent("fqcn", logger, Level.toLevel(level), "ready {}",
        error, new Object[] {"now"});
    event.setTimeStamp(epochMillis);
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();
    return layout.doLayout(event);
  }

  @Test
  void timestampLevelLoggerMessage_withThreeDigitsOfMilliseconds() {
    long whole = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();
    assertThat(line("INFO", whole, null))
        .isEqualTo("2026-01-02T03:04:05.000Z INFO  Sidecar - ready now" + System.lineSeparator());
    assertThat(line("WARN", whole + 7, null)).startsWith("2026-01-02T03:04:05.007Z WARN  Sidecar");
    assertThat(line("ERROR", whole + 999, null))
        .startsWith("2026-01-02T03:04:05.999Z ERROR Sidecar - ");
  }

  @Test
  void aThrowable_followsItsLine() {
    String text = line("ERROR", 0, new IllegalStateException("boom"));
    assertThat(text).startsWith("1970-01-01T00:00:00.000Z ERROR Sidecar - ready now")
        .contains("java.lang.IllegalStateException: boom").contains("at ");
  }
}
