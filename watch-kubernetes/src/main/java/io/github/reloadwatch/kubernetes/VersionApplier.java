package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.github.reloadwatch.AtomicWriter;
import io.github.reloadwatch.AtomicWriter.FileProjection;
import io.github.reloadwatch.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the object a materializer follows into its directory, one {@link AtomicWriter} version per
 * content change, and remembers what it applied. Level-triggered: it is always handed the whole
 * current object (or its absence), never a delta, so applying the same object twice, or an object
 * whose files did not change, writes nothing.
 *
 * <p>Deletes follow kubelet: an absent object that is not optional leaves the last files in place
 * and makes the materializer degraded; an absent optional object empties the directory.
 *
 * <p>Thread-safe: every method is synchronized (the engine calls it from one thread, status reads
 * come from others).
 */
final class VersionApplier {

  private static final Logger logger = LoggerFactory.getLogger(KubernetesMaterializer.class);

  /** The marker of an object that does not exist; resource versions never look like this. */
  static final String ABSENT = "<absent>";

  /** What {@link #apply} did. */
  enum Outcome {
    /** A new version is in the directory. */
    WRITTEN,
    /** The directory already held exactly these files: nothing written. */
    UNCHANGED,
    /** The object is gone and not optional: the last files stay, the materializer is degraded. */
    KEPT_DELETED
  }

  private final ObjectRef ref;
  private final AtomicWriter writer;
  private final List<Item> items;
  private final int defaultMode;
  private final boolean optional;
  private final Scheduler scheduler;

  // guarded by this
  private String applied; // marker of the object last applied, or null before the first
  private String resourceVersion; // of the files in the directory, or null
  private boolean ready;
  private long writes;
  private Instant lastWrite;
  private String degradedReason;
  private String refused; // marker of the last refused version, so it is refused once
  private boolean missing; // the object did not exist when last applied

  VersionApplier(ObjectRef ref, AtomicWriter writer, List<Item> items, int defaultMode,
      boolean optional, Scheduler scheduler) {
    this.ref = ref;
    this.writer = writer;
    this.items = items;
    this.defaultMode = defaultMode;
    this.optional = optional;
    this.scheduler = scheduler;
  }

  /** The marker of an object: its resource version, or {@link #ABSENT}. */
  static String marker(HasMetadata object) {
    if (object == null) {
      return ABSENT;
    }
    String rv = object.getMetadata() == null ? null : object.getMetadata().getResourceVersion();
    return rv == null ? "" : rv;
  }

  /**
   * Applies the current state of the object.
   *
   * @param object the object as the API has it now, or null if it does not exist
   * @return what happened
   * @throws InvalidPayloadException if the object cannot be projected; nothing was written and the
   *     materializer is degraded until a good version arrives
   * @throws IOException if writing failed
   */
  synchronized Outcome apply(HasMetadata object) throws IOException {
    String marker = marker(object);
    missing = object == null;
    if (object == null && !optional) {
      boolean hasFiles = Files.exists(writer.directory().resolve("..data"), LinkOption.NOFOLLOW_LINKS);
      applied = ABSENT;
      degradedReason = hasFiles
          ? ref + " does not exist; keeping the last files"
              + (resourceVersion == null ? "" : " (resourceVersion " + resourceVersion + ")")
              + " as kubelet does: re-create it, or make the materializer optional to empty the"
              + " directory"
          : ref + " does not exist and nothing was written yet: create it, or make the"
              + " materializer optional";
      return Outcome.KEPT_DELETED;
    }
    List<FileProjection> files;
    boolean written;
    try {
      files = Payloads.render(ref, object, items, defaultMode, optional);
      written = writer.write(files);
    } catch (InvalidPayloadException | IllegalArgumentException e) {
      refused = marker;
      String message = "refused " + ref + " at resourceVersion " + marker + ": "
          + e.getMessage() + "; the last good version stays in [" + writer.directory() + "]";
      degradedReason = message;
      throw new InvalidPayloadException(message, e);
    }
    applied = marker;
    refused = null;
    resourceVersion = object == null ? null : marker;
    ready = true;
    degradedReason = null;
    if (!written) {
      logger.debug("{} at resourceVersion {}: [{}] already holds these files",
          ref, marker, writer.directory());
      return Outcome.UNCHANGED;
    }
    writes++;
    lastWrite = scheduler.instant();
    if (object == null) {
      logger.info("{} does not exist and is optional: emptied [{}]", ref, writer.directory());
    } else {
      logger.info("wrote {} at resourceVersion {} into [{}]: {} file(s)",
          ref, marker, writer.directory(), files.size());
    }
    return Outcome.WRITTEN;
  }

  /**
   * Whether applying {@code object} would change anything: a version not applied yet, or files in
   * the directory that differ from it (someone changed them). A version already refused needs
   * nothing until it changes.
   */
  synchronized boolean needsApply(HasMetadata object) {
    String marker = marker(object);
    if (marker.equals(refused)) {
      return false;
    }
    if (!marker.equals(applied)) {
      return true;
    }
    if (object == null && !optional) {
      return false; // the last files stay on purpose
    }
    try {
      return !writer.isCurrent(Payloads.render(ref, object, items, defaultMode, optional));
    } catch (IOException | IllegalArgumentException e) {
      return true; // let apply() report it
    }
  }

  synchronized String applied() {
    return applied;
  }

  synchronized boolean ready() {
    return ready;
  }

  synchronized long writes() {
    return writes;
  }

  synchronized Instant lastWrite() {
    return lastWrite;
  }

  synchronized String resourceVersion() {
    return resourceVersion;
  }

  synchronized String degradedReason() {
    return degradedReason;
  }

  synchronized boolean missing() {
    return missing;
  }

  AtomicWriter writer() {
    return writer;
  }

  @Override
  public String toString() {
    return "VersionApplier{" + ref + " -> " + writer.directory() + "}";
  }
}
