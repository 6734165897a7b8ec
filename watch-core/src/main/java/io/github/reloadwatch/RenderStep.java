package io.github.reloadwatch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders templates into output files: in memory first (so the reload decision is taken over the
 * rendered bytes, and a rotated secret reloads even with an unchanged template), then staged next
 * to the output, validated, and renamed into place atomically.
 *
 * <p>Used only from the reload thread.
 */
final class RenderStep {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** One template and where its rendering goes. */
  record Render(Path template, Path output) {}

  /**
   * The rendered outputs of one snapshot, in memory; which hold substituted values; the templates
   * whose text is not their bytes ({@code .gz}), by digest of the text; the values substituted.
   */
  record Rendered(Map<Path, byte[]> outputs, Map<Path, Boolean> secret, List<Path> removed,
      Map<Path, byte[]> decompressedTemplates, Set<String> values) {}

  /**
   * How outputs are written: {@code mode} for every output, or null for the default (0640 when a
   * value was substituted, 0644 otherwise); {@code group} to own them, or null for the process's.
   */
  record Permissions(Integer mode, String group) {
    static final Permissions DEFAULT = new Permissions(null, null);
  }

  private final List<Render> renders;
  private final TemplateRenderer renderer;
  private final Permissions permissions;

  RenderStep(List<Render> renders, TemplateRenderer renderer, Permissions permissions) {
    this.renders = List.copyOf(renders);
    this.renderer = renderer;
    this.permissions = permissions;
  }

  boolean isEmpty() {
    return renders.isEmpty();
  }

  /**
   * Deletes staging files an earlier run left next to the outputs (it was killed between staging
   * and renaming), so they do not pile up over restarts.
   */
  void removeStaleStaging() {
    for (Render render : renders) {
      Path dir = render.output().getParent();
      String prefix = stagingPrefix(render.output());
      if (dir == null || !Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path entry : entries.toList()) {
          String name = entry.getFileName().toString();
          if (name.startsWith(prefix) && name.endsWith(".tmp") && Files.isRegularFile(entry)) {
            Files.deleteIfExists(entry);
            logger.info("removed [{}], a staging file an earlier run left behind", entry);
          }
        }
      } catch (IOException e) {
        logger.debug("cannot clean up staging files in [{}]", dir, e);
      }
    }
  }

  private static String stagingPrefix(Path output) {
    return "." + output.getFileName() + ".reloadwatch-";
  }

  Rendered render(Snapshot scanned) throws IOException, TemplateRenderer.TemplateException {
    Map<Path, byte[]> outputs = new LinkedHashMap<>();
    Map<Path, Boolean> secret = new LinkedHashMap<>();
    List<Path> removed = new ArrayList<>();
    Map<Path, byte[]> decompressed = new LinkedHashMap<>();
    Set<String> values = new LinkedHashSet<>();
    for (Render render : renders) {
      byte[] bytes;
      try {
        bytes = scanned.paths().contains(render.template())
            ? scanned.read(render.template())
            : Files.readAllBytes(render.template());
      } catch (NoSuchFileException e) {
        removed.add(render.output());
        continue;
      }
      byte[] text = TemplateRenderer.text(bytes, render.template());
      if (text != bytes && scanned.paths().contains(render.template())) {
        decompressed.put(render.template(), text);
      }
      TemplateRenderer.Result result = renderer.render(
          TemplateRenderer.utf8(text, render.template()), render.template().toString());
      if (!result.unresolved().isEmpty()) {
        logger.warn("{} unresolved reference(s) left in place (tolerant mode): {}",
            result.unresolved().size(), result.unresolved());
      }
      outputs.put(render.output(), result.output());
      secret.put(render.output(), result.substitutions() > 0);
      values.addAll(result.values());
    }
    return new Rendered(outputs, secret, removed, decompressed, values);
  }

  /**
   * The snapshot that decides and is applied: the scanned files plus the rendered outputs, a
   * {@code .gz} template taken by its text (recompressing the same text is no change), and the
   * substituted values known to {@link Snapshot#redact(String)}.
   */
  static Snapshot effective(Snapshot scanned, Rendered rendered) {
    Map<Path, Snapshot.Entry> upserts = new LinkedHashMap<>();
    rendered.decompressedTemplates().forEach((template, text) -> upserts.put(template,
        new Snapshot.Entry(scanned.entries().get(template).resolved(), sha256(text), text.length,
            true)));
    rendered.outputs().forEach((output, bytes) ->
        upserts.put(output, new Snapshot.Entry(output, sha256(bytes), bytes.length)));
    return scanned.with(upserts, List.of(), rendered.values());
  }

  private static String sha256(byte[] bytes) {
    MessageDigest md = ContentHasher.newSha256();
    return ContentHasher.hex(md.digest(bytes));
  }

  /** Files written but not yet in place. */
  static final class Staging {
    private final Map<Path, Path> staged = new LinkedHashMap<>();
    private final List<Path> removed;
    private final Path tempDir;

    private Staging(List<Path> removed, Path tempDir) {
      this.removed = removed;
      this.tempDir = tempDir;
    }

    Map<Path, Path> staged() {
      return staged;
    }

    /** Moves every staged file over its output, atomically, and removes orphaned outputs. */
    void commit() throws IOException {
      for (Map.Entry<Path, Path> e : staged.entrySet()) {
        try {
          Files.move(e.getValue(), e.getKey(),
              StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException ex) {
          throw new IOException("cannot replace [" + e.getKey() + "] atomically: stage and output"
              + " must be on one file system", ex);
        }
      }
      for (Path output : removed) {
        if (Files.deleteIfExists(output)) {
          logger.info("removed [{}]: its template is gone", output);
        }
      }
      staged.clear();
    }

    /** Deletes every staged file. */
    void discard() {
      for (Path file : staged.values()) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          logger.debug("cannot delete staged file [{}]", file, e);
        }
      }
      staged.clear();
      if (tempDir != null) {
        try {
          Files.deleteIfExists(tempDir);
        } catch (IOException e) {
          logger.debug("cannot delete [{}]", tempDir, e);
        }
      }
    }
  }

  /**
   * Writes the outputs to staging files: next to each output (so the final rename is atomic), or
   * in a private temp directory for a dry run, with the configured mode and group (by default
   * 0640 for files holding substituted values, readable by the group the target runs as, and
   * 0644 for the others).
   */
  Staging stage(Rendered rendered, boolean dryRun) throws IOException {
    Path tempDir = dryRun ? Files.createTempDirectory("reloadwatch-dry-run-") : null;
    Staging staging = new Staging(rendered.removed(), tempDir);
    try {
      for (Map.Entry<Path, byte[]> e : rendered.outputs().entrySet()) {
        Path output = e.getKey();
        Path dir = dryRun ? tempDir : output.getParent();
        Files.createDirectories(dir);
        String prefix = stagingPrefix(output);
        boolean secret = rendered.secret().get(output);
        Path temp = POSIX
            ? Files.createTempFile(dir, prefix, ".tmp", OWNER_ONLY) // nothing readable half-written
            : Files.createTempFile(dir, prefix, ".tmp");
        staging.staged.put(output, temp);
        try (OutputStream out = Files.newOutputStream(temp)) {
          out.write(e.getValue());
        }
        if (POSIX) {
          applyPermissions(temp, secret);
        }
      }
      return staging;
    } catch (IOException | RuntimeException ex) {
      staging.discard();
      throw ex;
    }
  }

  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private void applyPermissions(Path file, boolean secret) throws IOException {
    int mode = permissions.mode() != null ? permissions.mode() : secret ? 0640 : 0644;
    if (permissions.group() != null) {
      PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      try {
        view.setGroup(file.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByGroupName(permissions.group()));
      } catch (UserPrincipalNotFoundException e) {
        throw new IOException("render output group '" + permissions.group() + "' does not exist:"
            + " give a group name or number known to this system", e);
      }
    }
    Files.setPosixFilePermissions(file, AtomicWriter.permissions(mode));
  }
}
