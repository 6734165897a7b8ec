package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.WatchStatus;
import io.github.reloadwatch.testing.ConfigMapFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() stops every thread of ours; the managers keep serving the last identity. */
@Tag("filesystem")
class LifecycleTest {

  @TempDir Path tmp;

  @Test
  void close_leavesNoThreadOfOurs_andTheLastIdentityKeepsServing() throws Exception {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    TestPki.Ca ca = TestPki.ca("lifecycle CA");
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    TlsReloader tls = TlsReloader.builder().directory(secret.dir()).build();
    tls.start();
    assertThat(TestTls.ourThreads()).anyMatch(n -> n.startsWith("reloadwatch-watch-"))
        .anyMatch(n -> n.startsWith("reloadwatch-reload-"));

    tls.close();

    assertThat(TestTls.ourThreads()).isEmpty();
    assertThat(tls.status().watch().map(WatchStatus::state)).contains(WatchStatus.State.CLOSED);
    assertThat(tls.toString()).contains("state=CLOSED");
    try (TestTls.Server server = new TestTls.Server(tls.sslContext(), false)) {
      assertThat(TestTls.serverSerial(server.port(), TestTls.trusting(ca.certificate)))
          .isEqualTo(v1.serial());
    }
    tls.close(); // idempotent
  }
}
