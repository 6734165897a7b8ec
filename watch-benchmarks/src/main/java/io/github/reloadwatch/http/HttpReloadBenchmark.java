package io.github.reloadwatch.http;

import com.sun.net.httpserver.HttpServer;
import io.github.reloadwatch.ReloadEvent;
import io.github.reloadwatch.ReloadReason;
import io.github.reloadwatch.Snapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link HttpReloadAction} adds per reload (credentials lookup, classification, circuit
 * breaker, logging) next to a bare, pooled Apache HttpClient 5 POST to the same loopback server
 * (issue #3: target within 10 %, reusing connections).
 *
 * <pre>
 * java -jar watch-benchmarks/target/benchmarks.jar jmh HttpReloadBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HttpReloadBenchmark {

  private HttpServer server;
  private URI uri;
  private HttpReloadAction action;
  private CloseableHttpClient bare;
  private final ReloadEvent event =
      new ReloadEvent(ReloadReason.CHANGE, List.of(), 1, Snapshot.empty(), Instant.EPOCH);

  /**
   * Starts a loopback server that answers 200 to every POST, and both clients.
   *
   * @throws IOException if the server cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    // the action's one INFO line per attempt would measure the console, not the action
    System.setProperty("org.slf4j.simpleLogger.log.io.github.reloadwatch", "warn");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.createContext("/-/reload", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/-/reload");
    action = HttpReloadAction.builder().uri(uri).build();
    bare = HttpClients.custom().disableAutomaticRetries().build();
  }

  /**
   * Stops the server and closes both clients.
   *
   * @throws IOException if closing fails
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    action.close();
    bare.close();
    server.stop(0);
  }

  /**
   * One reload through {@link HttpReloadAction}.
   *
   * @throws Exception if the reload fails
   */
  @Benchmark
  public void httpReloadAction() throws Exception {
    action.reload(event);
  }

  /**
   * The same POST with a bare pooled client, response consumed so the connection is reused.
   *
   * @return the status code
   * @throws IOException if the request fails
   */
  @Benchmark
  public int bareHttpClient() throws IOException {
    return bare.execute(new HttpPost(uri), response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }
}
