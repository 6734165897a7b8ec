package io.github.reloadwatch.http;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Preset} may do to confirm a reload, handed to it by the action for one attempt:
 * {@linkplain #get(String) read a page} below the base URI (with the action's credentials and TLS,
 * within what is left of the attempt) and compare the server's "last loaded" time with {@linkplain
 * #confirmLoadedSince(String, Instant) when the attempt started}.
 *
 * <p>Servers report whole seconds and their clock may differ from ours, so a load time counts if it
 * is no earlier than the attempt's start truncated to the second, minus {@link #TOLERANCE}.
 */
final class Verification {

  private static final Logger logger = LoggerFactory.getLogger(HttpReloadAction.class);

  /** Targets report whole seconds; allow that and a second of clock difference. */
  static final Duration TOLERANCE = Duration.ofSeconds(1);
  /** How much of a verification response is read: a whole /metrics page. */
  static final int BODY_LIMIT = 8 * 1024 * 1024;

  /** Sends {@code GET uri} for the attempt. */
  @FunctionalInterface
  interface Fetch {
    Response get(URI uri) throws HttpReloadException;
  }

  private final URI base;
  private final Instant attemptStarted;
  private final Fetch fetch;

  Verification(URI base, Instant attemptStarted, Fetch fetch) {
    this.base = base;
    this.attemptStarted = attemptStarted;
    this.fetch = fetch;
  }

  /** Sends {@code GET <base>/<path>} and reads up to {@link #BODY_LIMIT} of the answer. */
  Response get(String path) throws HttpReloadException {
    return fetch.get(Preset.resolve(base, path));
  }

  /** Returns the response if it is a 200; otherwise the reload cannot be confirmed. */
  static Response requireOk(Response r) throws HttpReloadException {
    if (r.status() != 200) {
      throw HttpReloadException.notConfirmed(r.shown() + " answered " + r.status()
          + ", so the reload cannot be confirmed: " + r.excerpt());
    }
    return r;
  }

  /** Checks that {@code server} loaded its configuration during this attempt. */
  void confirmLoadedSince(String server, Instant lastLoaded) throws HttpReloadException {
    Instant notBefore = attemptStarted.truncatedTo(ChronoUnit.SECONDS).minus(TOLERANCE);
    if (lastLoaded.isBefore(notBefore)) {
      throw HttpReloadException.notConfirmed(server + " still reports its configuration loaded at "
          + lastLoaded + ", before this attempt started (" + notBefore.plus(TOLERANCE) + ")");
    }
    logger.debug("{} reports its configuration loaded at {}: confirmed", server, lastLoaded);
  }
}
