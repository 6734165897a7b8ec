package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.ConfigMapFixture;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client threads handshake continuously while the Secret rotates many times. Every rotation also
 * lands between the two calls of one handshake ({@link StraddlingKeyManager} holds it there), so
 * the test does not depend on machine speed to catch a manager that mixes versions: the naive
 * swapping manager, run through the same harness, must fail, which shows that the harness can
 * fail. Real time, bounded by {@code atMost} waits of 30 s per step.
 */
@Tag("filesystem")
class RotationUnderLoadTest {

  private static final int ROTATIONS = 20;
  private static final int CLIENTS = 3;
  private static final Duration STEP = Duration.ofSeconds(30);

  @TempDir Path tmp;

  /** What the clients saw. */
  record Outcome(int handshakes, List<BigInteger> serials, List<String> failures, int straddled,
      int mixed) {}

  @Test
  void reloadingKeyManager_neverMixesVersions_underLoad() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    TestPki.Ca ca = TestPki.ca("load CA");
    List<TestPki.Leaf> versions = versions(ca);
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), versions.get(0).secret());
    try (TlsReloader tls = TlsReloader.builder().directory(secret.dir())
        .debounce(Duration.ofMillis(20)).build()) {
      tls.start();
      Outcome outcome = run(tls.keyManager(), () -> tls.status().generation(), secret, versions,
          ca);

      assertThat(outcome.straddled()).isEqualTo(ROTATIONS);
      assertThat(outcome.mixed()).isZero();
      assertThat(outcome.failures()).isEmpty();
      Set<BigInteger> published = versions.stream().map(TestPki.Leaf::serial)
          .collect(Collectors.toSet());
      assertThat(outcome.serials()).isNotEmpty().allMatch(published::contains);
      assertThat(outcome.handshakes()).isGreaterThan(ROTATIONS);
      assertThat(tls.status().generation()).isEqualTo(ROTATIONS + 1);
      System.out.printf("reloading key manager: %d handshakes, %d failed, %d rotations, %d"
          + " straddled, %d mixed%n", outcome.handshakes(), outcome.failures().size(), ROTATIONS,
          outcome.straddled(), outcome.mixed());
    }
  }

  @Test
  void naiveSwappingKeyManager_mixesVersions_negativeControl() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    TestPki.Ca ca = TestPki.ca("naive CA");
    List<TestPki.Leaf> versions = versions(ca);
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), versions.get(0).secret());
    NaiveSwappingKeyManager naive = new NaiveSwappingKeyManager(secret.dir());
    try (ReloadWatcher watcher = ReloadWatcher.builder().addDirectory(secret.dir())
        .debounce(Duration.ofMillis(20)).addAction(naive).reloadOnStart(true).build()) {
      watcher.start();
      await().atMost(STEP).until(() -> naive.generation() == 1);
      Outcome outcome = run(naive, naive::generation, secret, versions, ca);

      // each straddled handshake signs with the old key and sends the new chain
      assertThat(outcome.straddled()).isEqualTo(ROTATIONS);
      assertThat(outcome.mixed()).isEqualTo(ROTATIONS);
      assertThat(outcome.failures()).hasSizeGreaterThanOrEqualTo(ROTATIONS);
      assertThat(outcome.failures()).anyMatch(f -> f.contains("signature"));
      System.out.printf("naive swapping key manager: %d handshakes, %d failed (%s), %d"
          + " straddled, %d mixed%n", outcome.handshakes(), outcome.failures().size(),
          outcome.failures().get(0), outcome.straddled(), outcome.mixed());
    }
  }

  private static List<TestPki.Leaf> versions(TestPki.Ca ca) {
    List<TestPki.Leaf> versions = new ArrayList<>();
    for (int i = 0; i <= ROTATIONS; i++) {
      versions.add(TestPki.leaf(ca, "v" + i)); // same key type (EC P-256), as a renewal has
    }
    return versions;
  }

  private static Outcome run(X509ExtendedKeyManager keys, LongSupplier generation,
      ConfigMapFixture secret, List<TestPki.Leaf> versions, TestPki.Ca ca) throws Exception {
    StraddlingKeyManager straddler = new StraddlingKeyManager(keys);
    X509TrustManager trust = TestTls.trusting(ca.certificate);
    Queue<BigInteger> serials = new ConcurrentLinkedQueue<>();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    try (TestTls.Server server = new TestTls.Server(TestTls.context(straddler, null), false)) {
      for (int c = 0; c < CLIENTS; c++) {
        Thread client = new Thread(() -> {
          while (!stop.get()) {
            try {
              serials.add(TestTls.serverSerial(server.port(), trust));
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        }, "test-client-" + c);
        client.setDaemon(true);
        client.start();
        clients.add(client);
      }
      for (int i = 1; i <= ROTATIONS; i++) {
        // given a handshake that got its key and has not asked for its chain yet
        assertThat(straddler.holdNextHandshake()).as("a handshake reached the key manager").isTrue();
        long before = generation.getAsLong();
        // when the Secret rotates under it
        secret.swap(versions.get(i).secret());
        await().atMost(STEP).until(() -> generation.getAsLong() > before);
        // then it asks for its chain
        straddler.releaseHandshake();
      }
      stop.set(true);
      for (Thread client : clients) {
        client.join(STEP.toMillis());
      }
    }
    return new Outcome(serials.size() + failures.size(), List.copyOf(serials),
        List.copyOf(failures), straddler.straddled(), straddler.mixed());
  }
}
