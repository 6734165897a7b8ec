package io.github.reloadwatch.examples;

import io.github.reloadwatch.ReloadRejectedException;
import io.github.reloadwatch.ReloadWatcher;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Embedding example 1: a service that reloads its own settings in-process. The action re-parses a
 * properties file and swaps an immutable settings object; invalid settings are rejected and the
 * old ones stay in force.
 *
 * <pre>
 * java -cp reloadwatch-sidecar.jar io.github.reloadwatch.examples.SettingsReloadExample app.properties
 * </pre>
 */
public final class SettingsReloadExample implements AutoCloseable {

  /**
   * The service's settings: immutable, swapped whole.
   *
   * @param greeting what the service says
   * @param maxConnections a positive limit
   */
  public record Settings(String greeting, int maxConnections) {

    /**
     * Parses and validates settings.
     *
     * @param bytes a properties file
     * @return the settings
     * @throws ReloadRejectedException if they are invalid
     */
    public static Settings parse(byte[] bytes) throws ReloadRejectedException {
      Properties p = new Properties();
      try {
        p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        int max = Integer.parseInt(p.getProperty("maxConnections", "10").trim());
        if (max <= 0) {
          throw new NumberFormatException("must be positive");
        }
        return new Settings(p.getProperty("greeting", "hello"), max);
      } catch (IOException | NumberFormatException e) {
        throw new ReloadRejectedException("invalid settings: maxConnections " + e.getMessage());
      }
    }
  }

  private final AtomicReference<Settings> settings = new AtomicReference<>();
  private final ReloadWatcher watcher;

  /**
   * Loads the settings and starts watching them.
   *
   * @param file the properties file
   * @throws IOException if it cannot be watched or read
   * @throws ReloadRejectedException if the initial settings are invalid
   */
  public SettingsReloadExample(Path file) throws IOException, ReloadRejectedException {
    settings.set(Settings.parse(java.nio.file.Files.readAllBytes(file)));
    watcher = ReloadWatcher.builder()
        .addPath(file)
        .debounce(Duration.ofMillis(100))
        .addAction(event -> settings.set(Settings.parse(event.snapshot().read(file))))
        .build();
    watcher.start();
  }

  /**
   * Returns the settings in force.
   *
   * @return the current settings
   */
  public Settings settings() {
    return settings.get();
  }

  /**
   * Returns the watcher's status, for a health endpoint.
   *
   * @return the status
   */
  public io.github.reloadwatch.WatchStatus status() {
    return watcher.status();
  }

  @Override
  public void close() {
    watcher.close();
  }

  /**
   * Runs the example until interrupted, printing the settings on every change.
   *
   * @param args the properties file
   * @throws Exception on start-up failure
   */
  public static void main(String[] args) throws Exception {
    try (SettingsReloadExample service = new SettingsReloadExample(Path.of(args[0]))) {
      Settings last = null;
      while (!Thread.currentThread().isInterrupted()) {
        if (!service.settings().equals(last)) {
          last = service.settings();
          System.out.println("settings in force: " + last);
        }
        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }
}
