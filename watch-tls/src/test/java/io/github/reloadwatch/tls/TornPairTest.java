package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate of one version next to the key of another, written outside kubelet's atomic
 * layout, is rejected: the previous identity keeps serving and the status says why. Real time,
 * waits bounded by 30 s.
 */
@Tag("filesystem")
class TornPairTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void tornPairInPlace_isRejected_andTheOldIdentityKeepsServing() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    // given
    TestPki.Ca ca = TestPki.ca("torn CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    TestPki.Leaf v2 = TestPki.leaf(ca, "v2");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    X509TrustManager trust = TestTls.trusting(ca.certificate);
    try (LogCapture log = new LogCapture();
        TlsReloader tls = TlsReloader.builder().directory(secret.dir())
            .debounce(Duration.ofMillis(50))
            // a write inside the pinned version raises no event on the mount directory: the
            // watcher's safety rescan finds it
            .watcherOptions(w -> w.resyncInterval(Duration.ofMillis(200)))
            .build()) {
      tls.start();
      try (TestTls.Server server = new TestTls.Server(tls.sslContext(), false)) {
        // when tls.crt of v2 is written over the current version's file, tls.key stays v1
        Files.writeString(secret.dir().resolve("..data").resolve("tls.crt"), v2.chainPem());

        // then
        // the reloader counts the rejection before the watcher sees the exception
        await().atMost(WAIT)
            .until(() -> tls.status().watch().orElseThrow().reloadsRejected() == 1);
        TlsStatus status = tls.status();
        assertThat(status.rejections()).isEqualTo(1);
        assertThat(status.pendingRejection()).hasValueSatisfying(m -> assertThat(m)
            .contains("[" + secret.path("tls.key") + "] does not belong to the certificate in ["
                + secret.path("tls.crt") + "]")
            .contains("the previous identity keeps serving"));
        assertThat(status.generation()).isEqualTo(1);
        assertThat(status.serialNumber()).contains(v1.serial());
        WatchStatus watch = status.watch().orElseThrow();
        assertThat(watch.reloadsRejected()).isEqualTo(1);
        assertThat(watch.failing()).isTrue();
        assertThat(watch.lastError()).hasValueSatisfying(m -> assertThat(m)
            .contains("does not belong to the certificate"));
        assertThat(TestTls.serverSerial(server.port(), trust)).isEqualTo(v1.serial());

        // and a proper rotation afterwards is served, and clears the rejection
        secret.swap(v2.secret(ca));
        await().atMost(WAIT).until(() -> tls.status().generation() == 2);
        assertThat(tls.status().pendingRejection()).isEmpty();
        assertThat(TestTls.serverSerial(server.port(), trust)).isEqualTo(v2.serial());
      }
      assertThat(log.text()).doesNotContain(body(v1.keyPem())).doesNotContain(body(v2.keyPem()));
    }
  }

  @Test
  void plainDirectory_fileByFileWrite_servesOnlyTheCompletePair() throws Exception {
    // given a directory that is not a kubelet volume, written one file at a time
    TestPki.Ca ca = TestPki.ca("plain CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    TestPki.Leaf v2 = TestPki.leaf(ca, "v2");
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    for (Map.Entry<String, String> file : v1.secret(ca).entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    X509TrustManager trust = TestTls.trusting(ca.certificate);
    try (TlsReloader tls = TlsReloader.builder().directory(dir).debounce(Duration.ofMillis(50))
        .build()) {
      tls.start();
      try (TestTls.Server server = new TestTls.Server(tls.sslContext(), false)) {
        // when only the certificate is replaced
        Files.writeString(dir.resolve("tls.crt"), v2.chainPem());
        await().atMost(WAIT).until(() -> tls.status().rejections() == 1);
        assertThat(TestTls.serverSerial(server.port(), trust)).isEqualTo(v1.serial());

        // then the key completes the pair
        Files.writeString(dir.resolve("tls.key"), v2.keyPem());
        await().atMost(WAIT).until(() -> tls.status().generation() == 2);
        assertThat(TestTls.serverSerial(server.port(), trust)).isEqualTo(v2.serial());
        assertThat(tls.status().pendingRejection()).isEmpty();
      }
    }
  }

  /** The first base64 line of a PEM key: never to be seen in a log. */
  static String body(String pem) {
    return pem.lines().skip(1).findFirst().orElseThrow();
  }
}
