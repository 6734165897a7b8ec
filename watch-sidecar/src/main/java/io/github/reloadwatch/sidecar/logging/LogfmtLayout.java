package io.github.reloadwatch.sidecar.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.Locale;

/**
 * logfmt lines ({@code ts=... level=info logger=... msg="..."}), the format Go tools such as
 * prometheus-config-reloader write by default. Logback has no logfmt layout; this one only quotes.
 */
final class LogfmtLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(160)
        .append("ts=").append(Instant.ofEpochMilli(event.getTimeStamp()))
        .append(" level=").append(event.getLevel().toString().toLowerCase(Locale.ROOT))
        .append(" logger=").append(event.getLoggerName())
        .append(" msg=").append(quote(event.getFormattedMessage()));
    if (event.getThrowableProxy() != null) {
      b.append(" err=").append(quote(ThrowableProxyUtil.asString(event.getThrowableProxy())));
    }
    return b.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.append('"').toString();
  }
}
