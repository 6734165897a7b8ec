package io.github.reloadwatch.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The little DER (ASN.1 distinguished encoding) this module writes and reads: enough to wrap a
 * PKCS#1 or SEC1 private key in a PKCS#8 {@code PrivateKeyInfo}, which is what the JDK's {@code
 * KeyFactory} reads. Not a general ASN.1 library: definite lengths, one-byte tags.
 */
final class Der {

  static final int BOOLEAN = 0x01;
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;

  /** The largest element this reader accepts: key files are a few kilobytes. */
  private static final int MAX_LENGTH = 1 << 20;

  private Der() {}

  /** Thrown when bytes are not the DER expected; the message never quotes the bytes. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  // ---- writing

  /** One element: the tag, the definite length, then the concatenated contents. */
  static byte[] tlv(int tag, byte[]... contents) {
    int length = 0;
    for (byte[] c : contents) {
      length += c.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    writeLength(out, length);
    for (byte[] c : contents) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... items) {
    return tlv(SEQUENCE, items);
  }

  static byte[] integer(BigInteger value) {
    return tlv(INTEGER, value.toByteArray()); // two's complement, minimal: DER's rule
  }

  static byte[] integer(long value) {
    return integer(BigInteger.valueOf(value));
  }

  static byte[] octetString(byte[] value) {
    return tlv(OCTET_STRING, value);
  }

  static byte[] nullValue() {
    return new byte[] {NULL, 0};
  }

  /** An explicitly tagged, constructed context-specific element: {@code [n] EXPLICIT}. */
  static byte[] explicit(int n, byte[] content) {
    return tlv(0xa0 | n, content);
  }

  /** An object identifier from its dotted form, such as {@code 1.2.840.113549.1.1.1}. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    if (arcs.length < 2) {
      throw new IllegalArgumentException("oid (" + dotted + ") needs at least two arcs");
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeBase128(body, new BigInteger(arcs[0]).multiply(BigInteger.valueOf(40))
        .add(new BigInteger(arcs[1])));
    for (int i = 2; i < arcs.length; i++) {
      writeBase128(body, new BigInteger(arcs[i]));
    }
    return tlv(OID, body.toByteArray());
  }

  private static void writeBase128(ByteArrayOutputStream out, BigInteger value) {
    int groups = Math.max(1, (value.bitLength() + 6) / 7);
    for (int g = groups - 1; g >= 0; g--) {
      int bits = value.shiftRight(7 * g).intValue() & 0x7f;
      out.write(g == 0 ? bits : bits | 0x80);
    }
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(length >>> (8 * i));
    }
  }

  // ---- reading

  /** One element read from a buffer: its tag and where its value lies. */
  static final class Element {
    private final int tag;
    private final byte[] source;
    private final int start;
    private final int valueOffset;
    private final int end;

    private Element(int tag, byte[] source, int start, int valueOffset, int end) {
      this.tag = tag;
      this.source = source;
      this.start = start;
      this.valueOffset = valueOffset;
      this.end = end;
    }

    int tag() {
      return tag;
    }

    /** The value bytes, a copy. */
    byte[] value() {
      return Arrays.copyOfRange(source, valueOffset, end);
    }

    /** The whole element, tag and length included, a copy. */
    byte[] encoded() {
      return Arrays.copyOfRange(source, start, end);
    }

    /** A reader over the elements inside this constructed element. */
    Reader children() {
      return new Reader(source, valueOffset, end);
    }

    Element expect(int expectedTag, String what) throws MalformedException {
      if (tag != expectedTag) {
        throw new MalformedException(what + " is missing (found tag 0x"
            + Integer.toHexString(tag) + ")");
      }
      return this;
    }
  }

  /** Reads consecutive elements of one level. */
  static final class Reader {
    private final byte[] source;
    private int position;
    private final int end;

    Reader(byte[] der) {
      this(der, 0, der.length);
    }

    private Reader(byte[] source, int position, int end) {
      this.source = source;
      this.position = position;
      this.end = end;
    }

    boolean hasMore() {
      return position < end;
    }

    Element next(String what) throws MalformedException {
      if (position >= end) {
        throw new MalformedException(what + " is missing (the structure ends early)");
      }
      int start = position;
      int tag = source[position++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        throw new MalformedException("multi-byte tags are not supported");
      }
      if (position >= end) {
        throw new MalformedException("truncated length");
      }
      int first = source[position++] & 0xff;
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3) {
          throw new MalformedException(bytes == 0 ? "indefinite lengths are not DER"
              : "element too long");
        }
        if (position + bytes > end) {
          throw new MalformedException("truncated length");
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (source[position++] & 0xff);
        }
      }
      if (length > MAX_LENGTH || length > end - position) {
        throw new MalformedException("element longer than its container");
      }
      Element element = new Element(tag, source, start, position, position + length);
      position += length;
      return element;
    }

    /** Fails if anything is left: a key file holds exactly one structure. */
    void expectEnd(String what) throws MalformedException {
      if (hasMore()) {
        throw new MalformedException("unexpected bytes after " + what);
      }
    }
  }

  /** Reads one element that must fill the whole buffer. */
  static Element single(byte[] der, String what) throws MalformedException {
    Reader reader = new Reader(der);
    Element element = reader.next(what);
    reader.expectEnd(what);
    return element;
  }
}
