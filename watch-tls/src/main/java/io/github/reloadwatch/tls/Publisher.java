package io.github.reloadwatch.tls;

import io.github.reloadwatch.Scheduler;
import java.time.Duration;
import java.util.Enumeration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a version of the Secret becomes what is served: validated as a whole, then the trust
 * anchors and the identity published separately (a CA rotation keeps the alias), with the last
 * rejection remembered for the status and sessions invalidated on request. One version at a time.
 */
final class Publisher {

  private static final Logger logger = LoggerFactory.getLogger(TlsReloader.class);

  /** The rejection of the newest version, if it was rejected, and how many were. */
  record Rejections(String pending, long count) {}

  private final Material.Names names;
  private final Scheduler time;
  private final Duration expiryWarning;
  private final ExpiryPolicy expiryPolicy;
  private final boolean invalidateSessions;
  private final Generations generations;
  private final ReloadingTrustManager trustManager;
  private final String noCaRefusal;
  private final Supplier<SSLContext> contextIfMade;

  private final Object lock = new Object();
  // guarded by lock
  private String identityDigest;
  private String caDigest;
  private String pendingRejection;
  private long rejections;

  /**
   * @param contextIfMade the reloader's {@link SSLContext} if one was made, else null: whose
   *     sessions a rotation invalidates
   */
  Publisher(TlsReloader.Builder.Config config, Material.Names names, Scheduler time,
      Generations generations, ReloadingTrustManager trustManager, String noCaRefusal,
      Supplier<SSLContext> contextIfMade) {
    this.names = names;
    this.time = time;
    this.expiryWarning = config.expiryWarning;
    this.expiryPolicy = config.expiryPolicy;
    this.invalidateSessions = config.invalidateSessions;
    this.generations = generations;
    this.trustManager = trustManager;
    this.noCaRefusal = noCaRefusal;
    this.contextIfMade = contextIfMade;
  }

  Rejections rejections() {
    synchronized (lock) {
      return new Rejections(pendingRejection, rejections);
    }
  }

  /**
   * Parses, validates and publishes one version: the trust anchors if {@code ca.crt} changed,
   * a new generation if the key or chain changed. A rejected version leaves what is served as
   * it was and is remembered until a later version is accepted.
   */
  void apply(Material.Files version) throws TlsMaterialException {
    synchronized (lock) {
      Material material;
      ReloadingTrustManager.Bundle bundle = null;
      try {
        material = Material.parse(version, names, time.instant(), expiryWarning,
            expiryPolicy);
        if (!material.caDigest().equals(caDigest)) {
          bundle = ReloadingTrustManager.prepare(material.cas(), names.ca(), noCaRefusal);
        }
      } catch (TlsMaterialException e) {
        pendingRejection = e.getMessage();
        rejections++;
        throw e;
      }
      pendingRejection = null;
      boolean rotated = false;
      if (bundle != null) {
        trustManager.publish(bundle);
        rotated = caDigest != null;
        caDigest = material.caDigest();
        if (material.cas().isEmpty()) {
          logger.info("no CA file [{}]: the trust manager refuses every peer until one appears",
              names.ca());
        } else {
          logger.info("trusting {} CA certificate(s) from [{}]", material.cas().size(),
              names.ca());
        }
      }
      if (!material.identityDigest().equals(identityDigest)) {
        Identity previous = generations.current();
        Identity next = new Identity(previous == null ? 1 : previous.generation() + 1,
            material.key(), material.chain(), material.identityDigest(), time.instant());
        generations.publish(next);
        rotated |= previous != null;
        identityDigest = material.identityDigest();
        logger.info("serving generation {} from [{}]: {}, valid until {}, alias {}",
            next.generation(), names.directory(), Certificates.describe(next.leaf()),
            next.leaf().getNotAfter().toInstant(), next.alias());
      } else {
        logger.debug("[{}] and [{}] unchanged: generation {} keeps serving",
            names.certificate(), names.key(), generations.current().generation());
      }
      for (String warning : material.warnings()) {
        logger.warn("{}", warning);
      }
      if (rotated && invalidateSessions) {
        invalidateSessions();
      }
    }
  }

  private void invalidateSessions() {
    SSLContext context = contextIfMade.get();
    if (context == null) {
      return;
    }
    int invalidated = invalidate(context.getServerSessionContext())
        + invalidate(context.getClientSessionContext());
    logger.info("invalidated {} cached TLS session(s) after the rotation", invalidated);
  }

  private static int invalidate(SSLSessionContext sessions) {
    if (sessions == null) {
      return 0;
    }
    int count = 0;
    for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
      SSLSession session = sessions.getSession(ids.nextElement());
      if (session != null) {
        session.invalidate();
        count++;
      }
    }
    return count;
  }
}
