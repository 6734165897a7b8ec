package io.github.reloadwatch.sidecar.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The text lines: {@code 2026-12-02T06:12:10.755Z INFO  Sidecar - message}, then the stack trace
 * if there is one; what the pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level
 * %logger{0} - %msg%n} prints, without logback's pattern parser and converter registry, which
 * cost 15-20 ms of every start (#15).
 */
final class TextLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(128);
    timestamp(b, event.getTimeStamp());
    String level = event.getLevel().toString();
    b.append(' ').append(level);
    for (int i = level.length(); i < 5; i++) {
      b.append(' ');
    }
    String logger = event.getLoggerName();
    b.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length())
        .append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      b.append(ThrowableProxyUtil.asString(event.getThrowableProxy()))
          .append(CoreConstants.LINE_SEPARATOR);
    }
    return b.toString();
  }

  /** Appends {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, always with three digits of milliseconds. */
  static void timestamp(StringBuilder b, long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0,
        ZoneOffset.UTC);
    pad(b, t.getYear(), 4).append('-');
    pad(b, t.getMonthValue(), 2).append('-');
    pad(b, t.getDayOfMonth(), 2).append('T');
    pad(b, t.getHour(), 2).append(':');
    pad(b, t.getMinute(), 2).append(':');
    pad(b, t.getSecond(), 2).append('.');
    pad(b, (int) Math.floorMod(epochMillis, 1000L), 3).append('Z');
  }

  private static StringBuilder pad(StringBuilder b, int value, int digits) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < digits; i++) {
      b.append('0');
    }
    return b.append(s);
  }
}
