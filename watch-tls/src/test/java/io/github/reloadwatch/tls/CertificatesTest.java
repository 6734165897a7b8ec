package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks made before publishing, one by one. */
class CertificatesTest {

  private final TestPki.Ca ca = TestPki.ca("checks CA");

  @Test
  void keyMatches_ec() {
    TestPki.Leaf leaf = TestPki.leaf(ca, "ok");
    assertThatCode(() -> Certificates.checkKeyMatches(leaf.keys.getPrivate(), leaf.certificate,
        "tls.key", "tls.crt")).doesNotThrowAnyException();
  }

  @Test
  void keyMatches_rsa() {
    TestPki.Leaf leaf = TestPki.leaf(ca, "rsa", TestPki.rsa());
    assertThatCode(() -> Certificates.checkKeyMatches(leaf.keys.getPrivate(), leaf.certificate,
        "tls.key", "tls.crt")).doesNotThrowAnyException();
  }

  @Test
  void keyOfAnotherPair_sameAlgorithm_isRefused() {
    TestPki.Leaf v1 = TestPki.leaf(ca, "v1");
    TestPki.Leaf v2 = TestPki.leaf(ca, "v2");
    assertThatThrownBy(() -> Certificates.checkKeyMatches(v1.keys.getPrivate(), v2.certificate,
        "tls.key", "tls.crt"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageStartingWith("[tls.key] does not belong to the certificate in [tls.crt]"
            + " (subject 'CN=v2', serial 0x" + v2.serial().toString(16) + ")");
  }

  @Test
  void keyOfAnotherAlgorithm_isRefused() {
    TestPki.Leaf ec = TestPki.leaf(ca, "ec");
    assertThatThrownBy(() -> Certificates.checkKeyMatches(TestPki.rsa().getPrivate(),
        ec.certificate, "tls.key", "tls.crt"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageStartingWith("[tls.key] is an RSA key but the certificate in [tls.crt]")
        .hasMessageContaining("holds an EC public key");
  }

  @Test
  void chainInOrder_withIntermediate() {
    TestPki.Ca intermediate = TestPki.intermediate(ca, "intermediate");
    TestPki.Leaf leaf = TestPki.leaf(intermediate, "leaf");
    assertThatCode(() -> Certificates.checkChainOrder(
        List.of(leaf.certificate, intermediate.certificate, ca.certificate), "tls.crt"))
        .doesNotThrowAnyException();
  }

  @Test
  void chainOutOfOrder_isRefused() {
    TestPki.Ca intermediate = TestPki.intermediate(ca, "intermediate");
    TestPki.Leaf leaf = TestPki.leaf(intermediate, "leaf");
    assertThatThrownBy(() -> Certificates.checkChainOrder(
        List.of(leaf.certificate, ca.certificate, intermediate.certificate), "tls.crt"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageStartingWith("[tls.crt] is not a chain in order: certificate 2 (subject"
            + " 'CN=checks CA'")
        .hasMessageContaining("did not issue certificate 1 (subject 'CN=leaf'")
        .hasMessageContaining("list the leaf first");
  }

  @Test
  void chainWithSameNamesButAnotherKey_isRefused() {
    TestPki.Ca impostor = TestPki.ca("checks CA"); // same subject, other key
    TestPki.Leaf leaf = TestPki.leaf(ca, "leaf");
    assertThatThrownBy(() -> Certificates.checkChainOrder(
        List.of(leaf.certificate, impostor.certificate), "tls.crt"))
        .isInstanceOf(TlsMaterialException.class).hasMessageContaining("did not issue");
  }

  @Test
  void validity_expiredNotYetValidExpiringSoon() {
    Instant now = Instant.now();
    X509Certificate expired = TestPki.leaf(ca, "expired", TestPki.ec(),
        now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1))).certificate;
    X509Certificate future = TestPki.leaf(ca, "future", TestPki.ec(),
        now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(3))).certificate;
    X509Certificate soon = TestPki.leaf(ca, "soon", TestPki.ec(),
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofHours(5))).certificate;
    X509Certificate fine = TestPki.leaf(ca, "fine").certificate;

    Certificates.Validity v = Certificates.checkValidity(List.of(expired, future, soon, fine),
        "tls.crt", now, Duration.ofDays(1));

    assertThat(v.problems()).satisfiesExactly(
        p -> assertThat(p).startsWith("[tls.crt] certificate 1 (subject 'CN=expired'")
            .contains("expired at"),
        p -> assertThat(p).startsWith("[tls.crt] certificate 2 (subject 'CN=future'")
            .contains("is not valid yet"));
    assertThat(v.warnings()).singleElement().satisfies(w -> assertThat(w)
        .startsWith("[tls.crt] certificate 3 (subject 'CN=soon'").contains("expires soon"));
  }
}
