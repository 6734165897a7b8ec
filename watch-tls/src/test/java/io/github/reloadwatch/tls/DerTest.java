package io.github.reloadwatch.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DerTest {

  @Test
  void oid_roundTrips() throws Exception {
    for (String oid : new String[] {"1.2.840.113549.1.1.1", "1.2.840.10045.2.1", "1.3.101.112",
        "2.5.29.17", "2.999.3", "0.9.2342.19200300.100.1.1"}) {
      assertThat(Pkcs8.dotted(Der.single(Der.oid(oid), "oid").value())).isEqualTo(oid);
    }
  }

  @Test
  void oid_knownEncoding() {
    // rsaEncryption, as every PKCS#8 RSA key spells it
    assertThat(Der.oid("1.2.840.113549.1.1.1")).containsExactly(
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);
  }

  @Test
  void lengths_shortAndLongForms() throws Exception {
    for (int length : new int[] {0, 1, 127, 128, 255, 256, 65_535, 70_000}) {
      byte[] value = new byte[length];
      Arrays.fill(value, (byte) 7);
      byte[] encoded = Der.octetString(value);
      assertThat(Der.single(encoded, "octets").value()).isEqualTo(value);
    }
    assertThat(Der.octetString(new byte[128])).startsWith(0x04, 0x81, 0x80);
    assertThat(Der.octetString(new byte[256])).startsWith(0x04, 0x82, 0x01, 0x00);
  }

  @Test
  void malformed_truncated() {
    byte[] encoded = Der.octetString(new byte[10]);
    assertThatThrownBy(() -> Der.single(Arrays.copyOf(encoded, 5), "octets"))
        .isInstanceOf(Der.MalformedException.class).hasMessageContaining("longer than");
  }

  @Test
  void malformed_indefiniteLength() {
    assertThatThrownBy(() -> Der.single(new byte[] {0x30, (byte) 0x80, 0, 0}, "sequence"))
        .isInstanceOf(Der.MalformedException.class).hasMessageContaining("indefinite");
  }

  @Test
  void malformed_trailingBytes() {
    assertThatThrownBy(() -> Der.single(new byte[] {0x05, 0, 0x05, 0}, "null"))
        .isInstanceOf(Der.MalformedException.class).hasMessageContaining("unexpected bytes");
  }

  @Test
  void sec1WithoutCurve_isRefused() {
    byte[] sec1 = Der.sequence(Der.integer(1), Der.octetString(new byte[32]));
    assertThatThrownBy(() -> Pkcs8.fromSec1(sec1))
        .isInstanceOf(Der.MalformedException.class).hasMessageContaining("named curve");
  }

  @Test
  void pkcs1WithMissingFields_isRefused() {
    byte[] pkcs1 = Der.sequence(Der.integer(0), Der.integer(12345));
    assertThatThrownBy(() -> Pkcs8.fromPkcs1(pkcs1))
        .isInstanceOf(Der.MalformedException.class).hasMessageContaining("publicExponent");
  }
}
