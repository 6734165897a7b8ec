package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.ReloadWatcher;
import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.FakeScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reloader as an action of a watcher of the caller's, on fake time: events come from the
 * real file system, but debouncing, retries, resyncs and the validity clock wait for {@code
 * advance()}.
 */
@Tag("filesystem")
class ReloadActionTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void rejectedVersion_isNotRetriedUntilTheSecretChanges() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    // given
    FakeScheduler scheduler = new FakeScheduler();
    TestPki.Ca ca = TestPki.ca("action CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    TestPki.Leaf v2 = TestPki.leaf(ca, "v2");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    TlsReloader tls = TlsReloader.builder().directory(secret.dir()).scheduler(scheduler)
        .build();
    try (ReloadWatcher watcher = ReloadWatcher.builder().addPath(secret.dir())
        .scheduler(scheduler).addAction(tls).build()) {
      watcher.start();
      tls.load();
      assertThat(tls.status().generation()).isEqualTo(1);
      assertThat(tls.status().watch()).isEmpty();

      // when a torn pair is published
      secret.swap(Map.of("tls.crt", v2.chainPem(), "tls.key", v1.keyPem()));
      await().atMost(WAIT).until(() -> {
        scheduler.advance(Duration.ofMillis(300));
        return tls.status().rejections() == 1;
      });

      // then it is not retried, through retries' backoff and resyncs
      scheduler.advance(Duration.ofMinutes(10));
      assertThat(tls.status().rejections()).isEqualTo(1);
      assertThat(watcher.status().reloadsRejected()).isEqualTo(1);
      assertThat(watcher.status().lastError()).hasValueSatisfying(m -> assertThat(m)
          .contains("does not belong to the certificate"));
      assertThat(tls.status().serialNumber()).contains(v1.serial());

      // and the next change is applied
      secret.swap(v2.secret(ca));
      await().atMost(WAIT).until(() -> {
        scheduler.advance(Duration.ofMillis(300));
        return tls.status().generation() == 2;
      });
      assertThat(tls.status().pendingRejection()).isEmpty();
      assertThat(tls.status().publishedAt().orElseThrow()).as("on the reloader's clock")
          .isAfter(FakeScheduler.DEFAULT_WALL_START.plus(Duration.ofMinutes(10)))
          .isBeforeOrEqualTo(scheduler.instant());
    }
    assertThat(tls.toString()).as("the watcher closes its actions").contains("state=CLOSED");
  }

  @Test
  void prepare_loadsWhenLoadWasNotCalled() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    FakeScheduler scheduler = new FakeScheduler();
    TestPki.Ca ca = TestPki.ca("prepare CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    TlsReloader tls = TlsReloader.builder().directory(secret.dir()).scheduler(scheduler)
        .build();
    try (ReloadWatcher watcher = ReloadWatcher.builder().addPath(secret.dir())
        .scheduler(scheduler).addAction(tls).build()) {
      watcher.start();
      assertThat(tls.status().generation()).isZero();
      scheduler.runDue();
      assertThat(tls.status().generation()).isEqualTo(1);
    }
  }

  @Test
  void retention_expiresOnTheReloadersClock() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    FakeScheduler scheduler = new FakeScheduler();
    TestPki.Ca ca = TestPki.ca("retention CA");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"),
        TestPki.leaf(ca, "v1").secret(ca));
    TlsReloader tls = TlsReloader.builder().directory(secret.dir()).scheduler(scheduler)
        .retention(Duration.ofSeconds(30)).build();
    tls.load();
    String v1 = tls.keyManager().chooseServerAlias("EC", null, null);
    secret.swap(TestPki.leaf(ca, "v2").secret(ca));
    tls.load();

    assertThat(tls.keyManager().getPrivateKey(v1)).isNotNull();
    assertThat(tls.status().retainedGenerations()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(31));
    assertThat(tls.keyManager().getPrivateKey(v1)).isNull();
    assertThat(tls.keyManager().getCertificateChain(v1)).isNull();
    assertThat(tls.status().retainedGenerations()).isZero();
  }
}
