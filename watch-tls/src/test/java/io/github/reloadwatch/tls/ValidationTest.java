package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.reloadwatch.testing.ConfigMapFixture;
import io.github.reloadwatch.testing.LogCapture;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invalid Secrets, at start and on rotation: clear messages naming the file, and no key material
 * in any log line or exception (checked against every key this test made, RSA and EC, PEM lines
 * and the RSA private exponent). Real time, waits bounded by 30 s.
 */
@Tag("filesystem")
class ValidationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  private final TestPki.Ca ca = TestPki.ca("validation CA");
  private final List<TestPki.Leaf> leaves = new ArrayList<>();
  private final List<Throwable> thrown = new ArrayList<>();
  private LogCapture log;

  @BeforeEach
  void capture() {
    assumeTrue(ConfigMapFixture.symlinksSupported(tmp));
    log = new LogCapture();
  }

  @AfterEach
  void noKeyMaterialAnywhere() {
    if (log == null) {
      return;
    }
    log.close();
    List<String> texts = new ArrayList<>();
    texts.add(log.text());
    for (Throwable t : thrown) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        texts.add(String.valueOf(c));
      }
    }
    for (TestPki.Leaf leaf : leaves) {
      List<String> secrets = new ArrayList<>(leaf.keyPem().lines()
          .filter(l -> !l.startsWith("-----")).toList());
      if (leaf.keys.getPrivate() instanceof RSAPrivateCrtKey rsa) {
        BigInteger d = rsa.getPrivateExponent();
        secrets.add(d.toString());
        secrets.add(d.toString(16));
      }
      for (String text : texts) {
        for (String secret : secrets) {
          assertThat(text).doesNotContain(secret);
        }
      }
    }
  }

  private TestPki.Leaf leaf(String cn, Instant notBefore, Instant notAfter) {
    TestPki.Leaf leaf = TestPki.leaf(ca, cn, TestPki.rsa(), notBefore, notAfter);
    leaves.add(leaf);
    return leaf;
  }

  private TestPki.Leaf valid(String cn) {
    Instant now = Instant.now();
    return leaf(cn, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
  }

  private TlsReloader.Builder reloader(ConfigMapFixture secret) {
    return TlsReloader.builder().directory(secret.dir()).debounce(Duration.ofMillis(50));
  }

  private void startFails(TlsReloader tls, String... messageParts) {
    try {
      assertThatThrownBy(tls::start).isInstanceOf(TlsMaterialException.class)
          .satisfies(e -> {
            thrown.add(e);
            for (String part : messageParts) {
              assertThat(e.getMessage()).contains(part);
            }
          });
      assertThat(TestTls.ourThreads()).as("a failed start closes its watcher").isEmpty();
    } finally {
      tls.close(); // when start() wrongly succeeded, so the next test starts clean
    }
  }

  @Test
  void chainWithIntermediate_inOrder_isServed_outOfOrder_failsStart() throws Exception {
    TestPki.Ca intermediate = TestPki.intermediate(ca, "validation intermediate");
    TestPki.Leaf leaf = TestPki.leaf(intermediate, "leaf");
    String key = leaf.keyPem();
    ConfigMapFixture inOrder = ConfigMapFixture.create(tmp.resolve("ordered"), Map.of(
        "tls.crt", TestPki.pem(leaf.certificate) + intermediate.pem() + ca.pem(),
        "tls.key", key));
    try (TlsReloader tls = reloader(inOrder).build()) {
      tls.start();
      assertThat(tls.status().serialNumber()).contains(leaf.serial());
    }
    ConfigMapFixture outOfOrder = ConfigMapFixture.create(tmp.resolve("unordered"), Map.of(
        "tls.crt", TestPki.pem(leaf.certificate) + ca.pem() + intermediate.pem(),
        "tls.key", key));
    startFails(reloader(outOfOrder).build(), "[" + outOfOrder.path("tls.crt")
        + "] is not a chain in order: certificate 2 (subject 'CN=validation CA'",
        "list the leaf first");
  }

  @Test
  void expiredCertificate_servedWithAWarning_byDefault() throws Exception {
    Instant now = Instant.now();
    TestPki.Leaf expired = leaf("expired", now.minus(Duration.ofDays(3)),
        now.minus(Duration.ofDays(1)));
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), expired.secret(ca));
    try (TlsReloader tls = reloader(secret).build()) {
      tls.start();
      assertThat(tls.status().generation()).isEqualTo(1);
      assertThat(tls.status().warnings()).singleElement().satisfies(w -> assertThat(w)
          .contains("[" + secret.path("tls.crt") + "] certificate 1 (subject 'CN=expired'")
          .contains("expired at"));
      assertThat(log.text()).contains("WARN").contains("expired at");
    }
  }

  @Test
  void expiredCertificate_withReject_failsStart() throws Exception {
    Instant now = Instant.now();
    TestPki.Leaf expired = leaf("expired", now.minus(Duration.ofDays(3)),
        now.minus(Duration.ofDays(1)));
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), expired.secret(ca));
    TlsReloader tls = reloader(secret).expiryPolicy(ExpiryPolicy.REJECT).build();
    startFails(tls, "[" + secret.path("tls.crt") + "] certificate 1 (subject 'CN=expired'",
        "expired at", "ExpiryPolicy.REJECT");
  }

  @Test
  void notYetValidCertificate_withReject_onRotation_keepsTheOldOne() throws Exception {
    TestPki.Leaf v1 = valid("v1");
    Instant now = Instant.now();
    TestPki.Leaf future = leaf("future", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(9)));
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    try (TlsReloader tls = reloader(secret).expiryPolicy(ExpiryPolicy.REJECT).build()) {
      tls.start();
      secret.swap(future.secret(ca));
      await().atMost(WAIT).until(() -> tls.status().rejections() == 1);
      assertThat(tls.status().serialNumber()).contains(v1.serial());
      assertThat(tls.status().pendingRejection()).hasValueSatisfying(m -> assertThat(m)
          .contains("subject 'CN=future'").contains("is not valid yet"));
    }
  }

  @Test
  void expiringSoon_warns() throws Exception {
    Instant now = Instant.now();
    TestPki.Leaf soon = leaf("soon", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), soon.secret(ca));
    try (TlsReloader tls = reloader(secret).build()) { // warns 7 days ahead by default
      tls.start();
      assertThat(tls.status().warnings()).singleElement()
          .satisfies(w -> assertThat(w).contains("CN=soon").contains("expires soon"));
    }
  }

  @Test
  void keyFileThatIsNotAKey_failsStart() throws Exception {
    TestPki.Leaf v1 = valid("v1");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"),
        Map.of("tls.crt", v1.chainPem(), "tls.key", "not a key\n"));
    startFails(reloader(secret).build(), "[" + secret.path("tls.key") + "] is not PEM");
  }

  @Test
  void keyAndCertificateSwapped_onRotation_isRejected() throws Exception {
    TestPki.Leaf v1 = valid("v1");
    TestPki.Leaf v2 = valid("v2");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    try (TlsReloader tls = reloader(secret).build()) {
      tls.start();
      secret.swap(Map.of("tls.crt", v2.keyPem(), "tls.key", v2.chainPem()));
      await().atMost(WAIT).until(() -> tls.status().rejections() == 1);
      assertThat(tls.status().pendingRejection()).hasValueSatisfying(m -> assertThat(m)
          .startsWith("[" + secret.path("tls.crt") + "] holds no certificate"));
      await().atMost(WAIT).until(() -> tls.status().watch().orElseThrow().lastError()
          .isPresent());
      assertThat(tls.status().serialNumber()).contains(v1.serial());
    }
  }

  @Test
  void emptySecret_failsStart() throws Exception {
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), Map.of());
    startFails(reloader(secret).build(), "[" + secret.dir() + "] holds neither ["
        + secret.path("tls.crt") + "] nor [" + secret.path("tls.key") + "]: the Secret is empty");
  }

  @Test
  void secretEmptiedOnRotation_keepsServing() throws Exception {
    TestPki.Leaf v1 = valid("v1");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"), v1.secret(ca));
    try (TlsReloader tls = reloader(secret).build()) {
      tls.start();
      secret.swap(Map.of());
      await().atMost(WAIT).until(() -> tls.status().rejections() == 1);
      assertThat(tls.status().pendingRejection()).hasValueSatisfying(m -> assertThat(m)
          .contains("the Secret is empty"));
      assertThat(tls.status().serialNumber()).contains(v1.serial());
    }
  }

  @Test
  void missingKey_namesTheFileAndTheOption() throws Exception {
    TestPki.Leaf v1 = valid("v1");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"),
        Map.of("tls.crt", v1.chainPem()));
    startFails(reloader(secret).build(), "[" + secret.path("tls.key") + "] is missing from ["
        + secret.dir() + "]", "keyFile(...)");
  }

  @Test
  void customFileNames() throws Exception {
    TestPki.Leaf v1 = valid("v1");
    ConfigMapFixture secret = ConfigMapFixture.create(tmp.resolve("tls"),
        Map.of("cert.pem", v1.chainPem(), "key.pem", v1.keyPem(), "bundle.pem", ca.pem(),
            "tls.crt", "ignored"));
    try (TlsReloader tls = reloader(secret).certificateFile("cert.pem").keyFile("key.pem")
        .caFile("bundle.pem").build()) {
      tls.start();
      assertThat(tls.status().serialNumber()).contains(v1.serial());
      assertThat(tls.status().trustedCertificates()).isEqualTo(1);
    }
  }
}
