package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.github.reloadwatch.kubernetes.VersionApplier.Outcome;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a version with the {@link VersionApplier} and reports how it went: a write that fails
 * becomes the status's error until a good apply (the next change or check tries again), and a
 * refused version or a kept delete is logged once per episode, not once per event.
 *
 * <p>Threads: applies run on the thread that starts the materializer (the first write), then only
 * on the apply thread, so never two at once; {@link #error()} is read by status from any thread.
 */
final class ReportingApplier {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);

  private final ObjectRef ref;
  private final Path directory;
  private final VersionApplier applier;

  /** Of the last apply; cleared by a good one. Written by the applying thread, read by status. */
  private volatile String applyError;

  /** The degraded state already logged, so it is logged once per episode. Applying thread only. */
  private String loggedDegraded;

  ReportingApplier(ObjectRef ref, Path directory, VersionApplier applier) {
    this.ref = ref;
    this.directory = directory;
    this.applier = applier;
  }

  /** Applies and logs the outcome; returns null if nothing could be applied. */
  Outcome applyLogged(HasMetadata object) {
    try {
      return applyOrThrow(object);
    } catch (IOException e) {
      applyError = "cannot write [" + directory + "]: " + e;
      logger.warn("cannot write {} into [{}]: {}; the next change or check tries again", ref,
          directory, e.toString());
      return null;
    }
  }

  /** Like {@link #applyLogged}, but a write failure is thrown: at start, it fails start(). */
  Outcome applyOrThrow(HasMetadata object) throws IOException {
    try {
      Outcome outcome = applier.apply(object);
      applyError = null;
      if (outcome == Outcome.KEPT_DELETED) {
        logDegradedOnce(applier.degradedReason());
      } else {
        loggedDegraded = null;
      }
      return outcome;
    } catch (InvalidPayloadException e) {
      applyError = e.getMessage();
      logDegradedOnce(e.getMessage());
      return null;
    }
  }

  private void logDegradedOnce(String reason) {
    if (!reason.equals(loggedDegraded)) {
      loggedDegraded = reason;
      logger.warn("{}", reason);
    }
  }

  /** The error of the last apply, or null if it went well. */
  String error() {
    return applyError;
  }
}
