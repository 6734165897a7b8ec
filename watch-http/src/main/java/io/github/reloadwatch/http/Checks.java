package io.github.reloadwatch.http;

import java.time.Duration;
import java.util.Objects;

/** Argument checks of the builders, with messages that name the value. */
final class Checks {

  private Checks() {}

  static int status(int code) {
    if (code < 100 || code > 599) {
      throw new IllegalArgumentException("status (" + code + ") must be in 100-599");
    }
    return code;
  }

  static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name + " cannot be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " (" + value + ") must be positive");
    }
    return value;
  }
}
