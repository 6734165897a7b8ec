package io.github.reloadwatch.sidecar.logging;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The sidecar's SLF4J backend: one line per event on standard error, as text or as JSON
 * ({@code --log-format=json}, for log pipelines). Configured by system properties the sidecar sets
 * before logging starts: {@code reloadwatch.log.format} ({@code text} or {@code json}) and {@code
 * reloadwatch.log.level} (for reloadwatch's own loggers; others log WARN and above).
 */
public final class SidecarLogging implements SLF4JServiceProvider {

  /** The system property that selects {@code text} or {@code json}. */
  public static final String FORMAT = "reloadwatch.log.format";

  /** The system property with reloadwatch's log level ({@code info} by default). */
  public static final String LEVEL = "reloadwatch.log.level";

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private ILoggerFactory factory;

  /** Creates the provider; SLF4J calls {@link #initialize()} before use. */
  public SidecarLogging() {}

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    boolean json = "json".equalsIgnoreCase(System.getProperty(FORMAT, "text"));
    Level ours = Level.valueOf(System.getProperty(LEVEL, "info").toUpperCase(Locale.ROOT));
    Map<String, Logger> loggers = new ConcurrentHashMap<>();
    factory = name -> loggers.computeIfAbsent(name, n -> new LineLogger(n,
        n.startsWith("io.github.reloadwatch") ? ours : Level.WARN, json, System.err));
  }

  /** Writes one line per event. */
  static final class LineLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final Level threshold;
    private final boolean json;
    private final transient PrintStream out;
    private final String shortName;

    LineLogger(String name, Level threshold, boolean json, PrintStream out) {
      this.name = name;
      this.threshold = threshold;
      this.json = json;
      this.out = out;
      this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    private boolean enabled(Level level) {
      return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      String line = json
          ? json(level, message, throwable)
          : Instant.now() + " " + level + " " + shortName + " - " + message
              + (throwable == null ? "" : System.lineSeparator() + stackTrace(throwable));
      out.println(line);
    }

    private String json(Level level, String message, Throwable throwable) {
      StringBuilder b = new StringBuilder(128)
          .append("{\"time\":\"").append(Instant.now())
          .append("\",\"level\":\"").append(level)
          .append("\",\"logger\":\"").append(escape(name))
          .append("\",\"message\":\"").append(escape(message)).append('"');
      if (throwable != null) {
        b.append(",\"exception\":\"").append(escape(stackTrace(throwable))).append('"');
      }
      return b.append('}').toString();
    }

    private static String stackTrace(Throwable t) {
      java.io.StringWriter w = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(w));
      return w.toString().strip();
    }

    static String escape(String s) {
      StringBuilder b = new StringBuilder(s.length() + 8);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.toString();
    }
  }
}
