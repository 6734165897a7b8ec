package io.github.reloadwatch.sidecar.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Locale;

/**
 * Configures logback for the sidecar, found by logback through {@code META-INF/services}: one line
 * per event on standard error, as text, logfmt, or JSON (logback's own {@link JsonEncoder}: {@code
 * timestamp}, {@code level}, {@code threadName}, {@code loggerName}, {@code formattedMessage},
 * {@code throwable}). The sidecar sets two system properties before the first log line: {@value
 * #FORMAT} ({@code text}, {@code logfmt} or {@code json}) and {@value #LEVEL} (reloadwatch's own
 * level, {@code info} by default; other libraries log WARN and above).
 *
 * <p>Whatever the level, the loggers of libraries whose DEBUG or TRACE lines print credentials or
 * data stay at WARN: Apache HttpClient's {@code org.apache.hc} logs request headers (a bearer
 * token, basic auth), fabric8's {@code io.fabric8} logs HTTP bodies (a Secret's values).
 *
 * @since 0.1.0
 */
public final class SidecarLogConfigurator extends ContextAwareBase implements Configurator {

  /** The system property that selects {@code text}, {@code logfmt} or {@code json}. */
  public static final String FORMAT = "reloadwatch.log.format";

  /** The system property with reloadwatch's log level: debug, info, warn or error. */
  public static final String LEVEL = "reloadwatch.log.level";

  /** Loggers kept at WARN or above even with {@code -v}: they would log secrets below it. */
  static final List<String> QUIET = List.of("org.apache.hc", "io.fabric8");

  /** Creates the configurator; logback calls {@link #configure(LoggerContext)}. */
  public SidecarLogConfigurator() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String format = System.getProperty(FORMAT, "text").toLowerCase(Locale.ROOT);
    String level = System.getProperty(LEVEL, "info").toLowerCase(Locale.ROOT);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder(format, context));
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(appender);
    context.getLogger("io.github.reloadwatch")
        .setLevel(Level.toLevel(level.equals("warning") ? "warn" : level, Level.INFO));
    for (String quiet : QUIET) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> encoder(String format, LoggerContext context) {
    Encoder<ILoggingEvent> encoder;
    switch (format) {
      case "json" -> {
        JsonEncoder json = new JsonEncoder();
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMDC(false);
        json.setWithKVPList(false);
        json.setWithMarkers(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        encoder = json;
      }
      case "logfmt" -> encoder = wrap(new LogfmtLayout(), context);
      default -> encoder = wrap(new TextLayout(), context);
    }
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> wrap(LayoutBase<ILoggingEvent> layout,
      LoggerContext context) {
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> wrapping = new LayoutWrappingEncoder<>();
    wrapping.setLayout(layout);
    return wrapping;
  }
}
