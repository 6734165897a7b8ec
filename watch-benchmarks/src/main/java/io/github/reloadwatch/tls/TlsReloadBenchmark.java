package io.github.reloadwatch.tls;

import io.github.reloadwatch.AtomicWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * watch-tls (issue #12): full TLS 1.3 handshakes per second through {@code TlsReloader}'s key
 * manager next to the JDK's own {@code KeyManagerFactory} over the same key and chain, in the
 * same run (goal: within 5 %); and the latency from a kubelet-style Secret rotation to the first
 * handshake that presents the new certificate.
 *
 * <p>Handshakes run between two {@link SSLEngine}s in memory, on the benchmark thread, so they
 * measure the handshake (EC P-256 keys, the key manager's calls included), not a socket. The
 * client engine has no peer host, so nothing is resumed: every operation is a full handshake.
 * Certificates are made with openssl in a temp directory at setup.
 *
 * <pre>
 * java -jar watch-benchmarks/target/benchmarks.jar jmh TlsReloadBenchmark
 * </pre>
 */
@Fork(1)
public class TlsReloadBenchmark {

  /** The handshake benchmark's state: one server context per key manager kind. */
  @State(Scope.Benchmark)
  public static class Handshakes {

    /** Which key manager the server uses: {@code reloading} or {@code static}. */
    @Param({"reloading", "static"})
    public String keyManager;

    Pki pki;
    TlsReloader tls;
    SSLContext server;
    SSLContext client;

    /**
     * Makes the certificates, the Secret directory and both contexts.
     *
     * @throws Exception if openssl or the reloader fails
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      System.setProperty("org.slf4j.simpleLogger.log.io.github.reloadwatch", "warn");
      pki = Pki.create(1);
      client = pki.clientContext();
      if (keyManager.equals("reloading")) {
        tls = TlsReloader.builder().directory(pki.secret(0)).build();
        tls.start();
        server = context(tls.keyManager());
      } else {
        server = context(pki.staticKeyManager(0));
      }
    }

    /**
     * Stops the reloader and removes the temp directory.
     *
     * @throws IOException if the directory cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      if (tls != null) {
        tls.close();
      }
      pki.delete();
    }
  }

  /** The rotation benchmark's state: a started reloader on a Secret that alternates two pairs. */
  @State(Scope.Benchmark)
  public static class Rotation {

    /** The reloader's debounce in milliseconds: 250 is the default. */
    @Param({"250"})
    public long debounceMillis;

    Pki pki;
    TlsReloader tls;
    SSLContext server;
    SSLContext client;
    AtomicWriter writer;
    int next = 1;

    /**
     * Makes two identities and starts a reloader on the first.
     *
     * @throws Exception if openssl or the reloader fails
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      System.setProperty("org.slf4j.simpleLogger.log.io.github.reloadwatch", "warn");
      pki = Pki.create(2);
      client = pki.clientContext();
      Path secret = pki.dir.resolve("rotating");
      writer = AtomicWriter.forDirectory(secret);
      writer.write(pki.files(0));
      tls = TlsReloader.builder().directory(secret)
          .debounce(Duration.ofMillis(debounceMillis)).build();
      tls.start();
      server = context(tls.keyManager());
    }

    /**
     * Stops the reloader and removes the temp directory.
     *
     * @throws IOException if the directory cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      tls.close();
      pki.delete();
    }
  }

  /**
   * One full handshake; the client checks the server's chain against the CA.
   *
   * @param state the contexts
   * @return the serial of the certificate the server presented
   * @throws Exception if the handshake fails
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 3, time = 3)
  @Measurement(iterations = 5, time = 3)
  public BigInteger handshake(Handshakes state) throws Exception {
    return handshake(state.server, state.client);
  }

  /**
   * Publishes the other identity the way kubelet does, then handshakes until the new certificate
   * is presented: the time a renewal takes to reach new connections.
   *
   * @param state the reloader and the writer of its Secret
   * @return the serial of the new certificate
   * @throws Exception if a handshake fails or the new certificate never comes
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5, batchSize = 1)
  @Measurement(iterations = 50, batchSize = 1)
  public BigInteger rotationToFirstNewHandshake(Rotation state) throws Exception {
    int version = state.next;
    state.next = 1 - version;
    BigInteger expected = state.pki.serial(version);
    state.writer.write(state.pki.files(version));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      BigInteger served = handshake(state.server, state.client);
      if (served.equals(expected)) {
        return served;
      }
    }
    throw new IllegalStateException("the new certificate was not served within 30 s");
  }

  /**
   * The same comparison without JMH, robust to a shared machine: batches of handshakes through
   * each key manager alternate in one JVM, and each batch is timed by the thread's CPU time, so
   * other processes competing for the cores slow both alike and do not enter the ratio.
   *
   * <pre>
   * java -cp watch-benchmarks/target/benchmarks.jar io.github.reloadwatch.tls.TlsReloadBenchmark 60
   * </pre>
   *
   * @param args the measurement time in seconds (default 60), after as long a warm-up
   * @throws Exception if the setup or a handshake fails
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.log.io.github.reloadwatch", "warn");
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    Pki pki = Pki.create(1);
    try (TlsReloader tls = TlsReloader.builder().directory(pki.secret(0)).build()) {
      tls.start();
      SSLContext client = pki.clientContext();
      SSLContext[] servers = {context(tls.keyManager()), context(pki.staticKeyManager(0))};
      String[] names = {"reloading", "static (" + KeyManagerFactory.getDefaultAlgorithm() + ")"};
      java.lang.management.ThreadMXBean cpu =
          java.lang.management.ManagementFactory.getThreadMXBean();
      for (int phase = 0; phase < 2; phase++) { // warm-up, then measurement
        long[] cpuNanos = new long[2];
        long[] wallNanos = new long[2];
        long[] count = new long[2];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int batch = 0; System.nanoTime() < end; batch++) {
          int which = batch % 2;
          long cpuStart = cpu.getCurrentThreadCpuTime();
          long wallStart = System.nanoTime();
          for (int i = 0; i < 20; i++) {
            handshake(servers[which], client);
          }
          cpuNanos[which] += cpu.getCurrentThreadCpuTime() - cpuStart;
          wallNanos[which] += System.nanoTime() - wallStart;
          count[which] += 20;
        }
        if (phase == 1) {
          double[] perCpuSecond = new double[2];
          for (int v = 0; v < 2; v++) {
            perCpuSecond[v] = count[v] * 1e9 / cpuNanos[v];
            System.out.printf("%-22s %7d handshakes, %8.1f per CPU second, %8.1f per wall"
                + " second%n", names[v], count[v], perCpuSecond[v], count[v] * 1e9 / wallNanos[v]);
          }
          System.out.printf("reloading / static: %.3f (CPU time)%n",
              perCpuSecond[0] / perCpuSecond[1]);
        }
      }
    } finally {
      pki.delete();
    }
  }

  static SSLContext context(KeyManager keyManager) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(new KeyManager[] {keyManager}, null, null);
    return context;
  }

  /** A full handshake between two engines in memory; returns the server certificate's serial. */
  static BigInteger handshake(SSLContext serverContext, SSLContext clientContext)
      throws SSLException {
    SSLEngine server = serverContext.createSSLEngine();
    server.setUseClientMode(false);
    SSLEngine client = clientContext.createSSLEngine();
    client.setUseClientMode(true);
    int size = Math.max(server.getSession().getPacketBufferSize(),
        client.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(size);
    ByteBuffer toClient = ByteBuffer.allocate(size);
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer sink = ByteBuffer.allocate(
        Math.max(server.getSession().getApplicationBufferSize(), size));
    client.beginHandshake();
    server.beginHandshake();
    for (int step = 0; step < 100; step++) {
      boolean clientDone = done(client);
      boolean serverDone = done(server);
      if (clientDone && serverDone) {
        try {
          return ((X509Certificate) client.getSession().getPeerCertificates()[0])
              .getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          throw new SSLException("handshake ended without a server certificate", e);
        }
      }
      pump(client, toServer, toClient, empty, sink);
      pump(server, toClient, toServer, empty, sink);
    }
    throw new SSLException("handshake did not finish in 100 steps");
  }

  private static boolean done(SSLEngine engine) {
    SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
    return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || status == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** Lets one engine consume what it received and produce what it has to send. */
  private static void pump(SSLEngine engine, ByteBuffer outgoing, ByteBuffer incoming,
      ByteBuffer empty, ByteBuffer sink) throws SSLException {
    incoming.flip();
    while (incoming.hasRemaining()) {
      sink.clear();
      SSLEngineResult result = engine.unwrap(incoming, sink);
      runTasks(engine);
      if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
        break;
      }
    }
    incoming.compact();
    while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
      SSLEngineResult result = engine.wrap(empty, outgoing);
      runTasks(engine);
      if (result.getStatus() != SSLEngineResult.Status.OK) {
        break;
      }
    }
  }

  private static void runTasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Certificates made with openssl: a CA and leaf pairs, as Secret files. */
  static final class Pki {
    final Path dir;
    private final List<Map<String, byte[]>> versions = new ArrayList<>();

    private Pki(Path dir) {
      this.dir = dir;
    }

    static Pki create(int leaves) throws IOException, InterruptedException {
      Pki pki = new Pki(Files.createTempDirectory("tls-bench"));
      pki.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes", "-days", "30", "-subj", "/CN=bench CA", "-keyout", "ca-key.pem",
          "-out", "ca.pem");
      for (int i = 0; i < leaves; i++) {
        String name = "leaf" + i;
        pki.openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-subj", "/CN=localhost", "-keyout", name + "-key.pem",
            "-out", name + ".csr");
        Files.writeString(pki.dir.resolve(name + ".ext"), "subjectAltName=DNS:localhost\n");
        pki.openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey",
            "ca-key.pem", "-CAcreateserial", "-days", "30", "-extfile", name + ".ext",
            "-out", name + ".pem");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("tls.crt", concat(Files.readAllBytes(pki.dir.resolve(name + ".pem")),
            Files.readAllBytes(pki.dir.resolve("ca.pem"))));
        files.put("tls.key", Files.readAllBytes(pki.dir.resolve(name + "-key.pem")));
        pki.versions.add(files);
        AtomicWriter.forDirectory(pki.dir.resolve("secret-" + i)).write(files);
      }
      return pki;
    }

    Path secret(int version) {
      return dir.resolve("secret-" + version);
    }

    Map<String, byte[]> files(int version) {
      return versions.get(version);
    }

    BigInteger serial(int version) throws GeneralSecurityException {
      return chain(version).get(0).getSerialNumber();
    }

    List<X509Certificate> chain(int version) throws GeneralSecurityException {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(files(version).get("tls.crt")))) {
        chain.add((X509Certificate) c);
      }
      return chain;
    }

    /**
     * The JDK's own key manager over the same key and chain, from the default algorithm
     * ({@code SunX509}), as a service that builds its context once at start-up has it.
     */
    KeyManager staticKeyManager(int version) throws GeneralSecurityException, IOException {
      PrivateKey key = PemReader.privateKey(files(version).get("tls.key"), "tls.key");
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "bench".toCharArray();
      store.setKeyEntry("server", key, password, chain(version).toArray(new Certificate[0]));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers()[0];
    }

    SSLContext clientContext() throws GeneralSecurityException, IOException {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
          .generateCertificate(Files.newInputStream(dir.resolve("ca.pem"))));
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    }

    void delete() throws IOException {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }

    private void openssl(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add("openssl");
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
      }
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] result = new byte[a.length + b.length];
      System.arraycopy(a, 0, result, 0, a.length);
      System.arraycopy(b, 0, result, a.length, b.length);
      return result;
    }
  }
}
