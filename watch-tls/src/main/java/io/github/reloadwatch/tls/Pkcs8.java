package io.github.reloadwatch.tls;

import java.math.BigInteger;

/**
 * Wraps traditional private keys in a PKCS#8 {@code PrivateKeyInfo} (RFC 5208), the one format
 * the JDK's {@code KeyFactory} reads:
 *
 * <pre>
 * PrivateKeyInfo ::= SEQUENCE {
 *   version             INTEGER (0),
 *   privateKeyAlgorithm AlgorithmIdentifier,   -- rsaEncryption + NULL, or ecPublicKey + curve
 *   privateKey          OCTET STRING }         -- the PKCS#1 or SEC1 structure, unchanged
 * </pre>
 */
final class Pkcs8 {

  private static final String OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
  private static final String OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";

  private Pkcs8() {}

  /** PKCS#1 {@code RSAPrivateKey} (RFC 8017 A.1.2): a SEQUENCE of a version and 8 integers. */
  static byte[] fromPkcs1(byte[] pkcs1) throws Der.MalformedException {
    Der.Reader fields = Der.single(pkcs1, "RSAPrivateKey").expect(Der.SEQUENCE, "RSAPrivateKey")
        .children();
    for (String field : new String[] {"version", "modulus", "publicExponent", "privateExponent",
        "prime1", "prime2", "exponent1", "exponent2", "coefficient"}) {
      fields.next(field).expect(Der.INTEGER, field);
    }
    return Der.sequence(
        Der.integer(BigInteger.ZERO),
        Der.sequence(Der.oid(OID_RSA_ENCRYPTION), Der.nullValue()),
        Der.octetString(pkcs1));
  }

  /**
   * SEC1 {@code ECPrivateKey} (RFC 5915): version 1, the private value, the named curve in
   * {@code [0]}, the public point in {@code [1]}. The curve moves into the AlgorithmIdentifier;
   * the structure itself is kept as it is.
   */
  static byte[] fromSec1(byte[] sec1) throws Der.MalformedException {
    Der.Reader fields = Der.single(sec1, "ECPrivateKey").expect(Der.SEQUENCE, "ECPrivateKey")
        .children();
    fields.next("version").expect(Der.INTEGER, "version");
    fields.next("privateKey").expect(Der.OCTET_STRING, "privateKey");
    byte[] curve = null;
    while (fields.hasMore()) {
      Der.Element element = fields.next("parameters");
      if (element.tag() == 0xa0) {
        Der.Element parameter = Der.single(element.value(), "parameters");
        if (parameter.tag() != Der.OID) {
          throw new Der.MalformedException("explicit curve parameters are not supported, only"
              + " named curves such as prime256v1");
        }
        curve = parameter.encoded();
      }
    }
    if (curve == null) {
      throw new Der.MalformedException("the named curve ([0] parameters) is missing");
    }
    return Der.sequence(
        Der.integer(BigInteger.ZERO),
        Der.sequence(Der.oid(OID_EC_PUBLIC_KEY), curve),
        Der.octetString(sec1));
  }

  /** The algorithm OID of a PKCS#8 {@code PrivateKeyInfo}, in dotted form. */
  static String algorithmOid(byte[] pkcs8) throws Der.MalformedException {
    Der.Reader fields = Der.single(pkcs8, "PrivateKeyInfo").expect(Der.SEQUENCE, "PrivateKeyInfo")
        .children();
    fields.next("version").expect(Der.INTEGER, "version");
    Der.Reader algorithm = fields.next("privateKeyAlgorithm")
        .expect(Der.SEQUENCE, "privateKeyAlgorithm").children();
    return dotted(algorithm.next("algorithm").expect(Der.OID, "algorithm").value());
  }

  static String dotted(byte[] oid) throws Der.MalformedException {
    if (oid.length == 0) {
      throw new Der.MalformedException("empty object identifier");
    }
    StringBuilder result = new StringBuilder();
    BigInteger value = BigInteger.ZERO;
    boolean first = true;
    for (int i = 0; i < oid.length; i++) {
      value = value.shiftLeft(7).or(BigInteger.valueOf(oid[i] & 0x7f));
      if ((oid[i] & 0x80) == 0) {
        if (first) {
          int top = value.compareTo(BigInteger.valueOf(80)) >= 0 ? 2 : value.intValue() / 40;
          result.append(top).append('.').append(value.subtract(BigInteger.valueOf(40L * top)));
          first = false;
        } else {
          result.append('.').append(value);
        }
        value = BigInteger.ZERO;
      } else if (i == oid.length - 1) {
        throw new Der.MalformedException("truncated object identifier");
      }
    }
    return result.toString();
  }
}
