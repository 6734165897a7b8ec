package io.github.reloadwatch.sidecar.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The levels the sidecar's logback configuration sets, on a context of the test's own. */
class SidecarLogConfiguratorTest {

  private final String previous = System.getProperty(SidecarLogConfigurator.LEVEL);

  @AfterEach
  void restore() {
    if (previous == null) {
      System.clearProperty(SidecarLogConfigurator.LEVEL);
    } else {
      System.setProperty(SidecarLogConfigurator.LEVEL, previous);
    }
  }

  private static LoggerContext configured(String level) {
    System.setProperty(SidecarLogConfigurator.LEVEL, level);
    LoggerContext context = new LoggerContext();
    SidecarLogConfigurator configurator = new SidecarLogConfigurator();
    configurator.setContext(context);
    configurator.configure(context);
    return context;
  }

  /** Apache HttpClient's DEBUG prints request headers (tokens), fabric8's HTTP bodies (Secrets). */
  @Test
  void verbose_turnsOnReloadwatchsDebug_butNeverTheHttpClientsOrFabric8s() {
    LoggerContext context = configured("debug");
    assertThat(context.getLogger("io.github.reloadwatch.ReloadWatcher").isDebugEnabled()).isTrue();
    for (String quiet : new String[] {"org.apache.hc.client5.http.headers",
        "org.apache.hc.client5.http.wire",
        "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor"}) {
      assertThat(context.getLogger(quiet).getEffectiveLevel().isGreaterOrEqual(Level.INFO))
          .as(quiet).isTrue();
    }
    context.stop();
  }

  @Test
  void otherLibraries_logWarningsOnly() {
    LoggerContext context = configured("info");
    assertThat(context.getLogger("io.methvin.watcher").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.github.reloadwatch").getEffectiveLevel())
        .isEqualTo(Level.INFO);
    context.stop();
  }
}
