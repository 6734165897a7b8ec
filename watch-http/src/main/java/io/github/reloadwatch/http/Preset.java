package io.github.reloadwatch.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * What the library knows about one kind of server, as a strategy the generic action consults: where
 * its reload endpoint sits below the base URI, which statuses mean "this configuration is bad",
 * how to explain its failures in its own terms, and how to confirm that a reload took effect.
 *
 * <p>Each server's strategy lives in the file of its public entry point ({@link PrometheusReload},
 * {@link AlertmanagerReload}), so adding a server (Grafana, Loki) is one new file whose {@code
 * at(base)} calls {@code HttpReloadAction.builder().preset(PRESET, base)}. {@link #NONE} is the
 * plain action. Implementations are stateless and thread-safe.
 */
interface Preset {

  /** No server-specific knowledge: the plain {@link HttpReloadAction}. */
  Preset NONE = new Preset() {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public String reloadPath() {
      throw new UnsupportedOperationException("a plain action has no base URI");
    }

    @Override
    public Set<Integer> rejectStatuses() {
      return Set.of();
    }

    @Override
    public void verify(Verification verification) {
      // nothing to confirm with
    }
  };

  /** A lower-case name for {@code toString()}, such as {@code prometheus}. */
  String name();

  /** The reload endpoint relative to the base URI (and its route prefix), such as {@code -/reload}. */
  String reloadPath();

  /** The statuses with which the server refuses the content; a preset's default reject statuses. */
  Set<Integer> rejectStatuses();

  /**
   * The readiness endpoint relative to the base URI, such as {@code -/ready}, or null if the server
   * has none. It answers 200 once the server serves requests. When the reload request gets a 502
   * or 503, or times out, or the previous attempt found the server unavailable, the action reads it:
   * anything but a 200 means the server is still starting, a cheap failure retried soon.
   */
  default String readinessPath() {
    return null;
  }

  /**
   * Explains a failed response in this server's terms, or returns null to keep the generic
   * message. The text replaces what follows {@code "<target> answered <status>: "}; the failure's
   * kind does not change. Not called for successes and reject statuses.
   */
  default String explain(Response response) {
    return null;
  }

  /**
   * Confirms, after a successful response, that the server really loaded its configuration.
   *
   * @throws HttpReloadException if it cannot be confirmed ({@link
   *     HttpReloadException#notConfirmed(String)}) or a verification request failed
   */
  void verify(Verification verification) throws HttpReloadException;

  /** Checks a preset's base URI, naming it (without user info) if it is unusable. */
  static URI checkBase(URI base) {
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
      throw new IllegalArgumentException("base (" + Credentials.redacted(base)
          + ") must be an absolute http:// or https:// URI with a host, like"
          + " http://localhost:9090 or http://localhost:9090/route-prefix");
    }
    return base;
  }

  /** Resolves a path below a base URI that may carry a route prefix. */
  static URI resolve(URI base, String path) {
    String prefix = base.getRawPath() == null ? "" : base.getRawPath();
    if (!prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return base.resolve(prefix + path);
  }
}
