package io.github.reloadwatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code inotifywait -m} from Debian's inotify-tools on one path, each output line timestamped as
 * the harness reads it (so the pipe's latency counts against it). Kinds are inotify's names, for
 * example {@code MOVED_TO} or {@code CLOSE_WRITE,CLOSE}.
 */
final class Inotifywait extends EventLog implements AutoCloseable {

  private static final String EVENTS = "modify,attrib,close_write,moved_to,moved_from,create,"
      + "delete,delete_self,move_self";

  private final Process process;

  private Inotifywait(Process process) {
    this.process = process;
  }

  /** Whether {@code inotifywait} is on the PATH. */
  static boolean available() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "inotifywait"))) {
        return true;
      }
    }
    return false;
  }

  /** Starts watching and returns once inotifywait says its watches are established. */
  static Inotifywait start(Path path) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        "inotifywait", "-m", "-e", EVENTS, "--format", "%e|%f", path.toString()));
    Process process = new ProcessBuilder(command).start();
    Inotifywait watch = new Inotifywait(process);
    CountDownLatch established = new CountDownLatch(1);
    Thread err = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.contains("Watches established")) {
            established.countDown();
          }
        }
      } catch (IOException e) {
        // process ended
      }
    }, "bench-inotifywait-err");
    err.setDaemon(true);
    err.start();
    Thread out = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          int bar = line.indexOf('|');
          watch.add(bar < 0 ? line : line.substring(0, bar), bar < 0 ? "" : line.substring(bar + 1));
        }
      } catch (IOException e) {
        // process ended
      }
      watch.add("EXIT", "");
    }, "bench-inotifywait-out");
    out.setDaemon(true);
    out.start();
    if (!established.await(10, TimeUnit.SECONDS)) {
      process.destroy();
      throw new IOException("inotifywait did not establish its watches within 10 s");
    }
    return watch;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
