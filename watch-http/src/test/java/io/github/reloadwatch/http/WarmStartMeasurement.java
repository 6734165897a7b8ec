package io.github.reloadwatch.http;

import io.github.reloadwatch.ReloadEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Prints what the first reloads of a fresh JVM cost, with and without {@link
 * HttpReloadAction#prepare()}, against a loopback server in the same JVM. Not a test: class
 * loading is only cold in a fresh JVM, so run it on its own, once per mode:
 *
 * <pre>
 * ./mvnw -o -q -pl watch-http dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Dorg.slf4j.simpleLogger.log.io.github.reloadwatch.http=info \
 *     -cp watch-http/target/test-classes:watch-http/target/classes:$(cat /tmp/cp.txt) \
 *     io.github.reloadwatch.http.WarmStartMeasurement prepare   # or: cold
 * </pre>
 *
 * <p>The server is warmed first with a raw socket request, so the numbers are the client's.
 */
public final class WarmStartMeasurement {

  private WarmStartMeasurement() {}

  /**
   * Runs the measurement.
   *
   * @param args {@code prepare} to call {@code prepare()} before the first reload, else nothing
   * @throws Exception if the server or a reload fails
   */
  public static void main(String[] args) throws Exception {
    boolean prepare = args.length > 0 && args[0].equals("prepare");
    try (TestServer server = TestServer.http()) {
      warmServer(server.port());
      ReloadEvent[] events = new ReloadEvent[11];
      for (int i = 1; i <= 10; i++) {
        events[i] = Events.attempt(i); // the watcher has its events before the action runs
      }
      long t0 = System.nanoTime();
      HttpReloadAction action = HttpReloadAction.builder().uri(server.uri("/-/reload")).build();
      long built = System.nanoTime();
      if (prepare) {
        action.prepare();
      }
      long prepared = System.nanoTime();
      StringBuilder line = new StringBuilder();
      line.append(String.format(Locale.ROOT, "%s: build %.1f ms, prepare %.1f ms, reloads:",
          prepare ? "prepare" : "cold", ms(built - t0), ms(prepared - built)));
      for (int i = 1; i <= 10; i++) {
        if (Boolean.getBoolean("measure.marks")) {
          System.out.println("MARK reload " + i);
        }
        long start = System.nanoTime();
        action.reload(events[i]);
        line.append(String.format(Locale.ROOT, " %.1f", ms(System.nanoTime() - start)));
      }
      line.append(" ms");
      action.close();
      System.out.println(line);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void warmServer(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /warm HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      in.readAllBytes();
    }
  }
}
