package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Publishes a directory of files the way kubelet's AtomicWriter updates ConfigMap, Secret,
 * downward API and projected volumes, so that a reader which resolves {@code ..data} once (as
 * {@link ReloadWatcher} does) always sees one complete version:
 *
 * <ol>
 *   <li>write every file into a new {@code ..<timestamp>} directory (mode {@code 0755});
 *   <li>link {@code ..data_tmp} to it and rename that over {@code ..data}, the one atomic step;
 *   <li>create the user-visible links {@code name -> ..data/name} for new top-level names and
 *       remove those of names that are gone;
 *   <li>delete the previous version.
 * </ol>
 *
 * <pre>{@code
 * AtomicWriter writer = AtomicWriter.forDirectory(Path.of("/run/config"));
 * writer.write(Map.of("prometheus.yml", yaml.getBytes(UTF_8)));   // true: a new version
 * writer.write(Map.of("prometheus.yml", yaml.getBytes(UTF_8)));   // false: identical, untouched
 * }</pre>
 *
 * <p>Paths follow kubelet's rules: relative, no {@code ..} element, not starting with {@code ..},
 * at most {@value #MAX_PATH_LENGTH} characters and {@value #MAX_NAME_LENGTH} per name. A payload
 * identical to the current version (same paths, bytes and modes) writes nothing, as kubelet's
 * does. Content never appears in messages or {@link #toString()}.
 *
 * <p>Not thread-safe: one writer per directory, used by one thread at a time.
 *
 * @since 0.1.0
 */
public final class AtomicWriter {

  /** The longest path kubelet accepts: {@value}. */
  public static final int MAX_PATH_LENGTH = 4096;

  /** The longest file name kubelet accepts: {@value}. */
  public static final int MAX_NAME_LENGTH = 255;

  /** The default file mode, a ConfigMap's {@code defaultMode}: {@code 0644}. */
  public static final int DEFAULT_MODE = 0644;

  static final String DATA = ConfigMapLayout.DATA_DIR;
  private static final String DATA_TMP = "..data_tmp";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path dir;

  private AtomicWriter(Path dir) {
    this.dir = dir;
  }

  /**
   * Returns a writer for a volume directory, creating the directory if it is missing.
   *
   * @param dir the directory readers watch
   * @return a writer
   * @throws NullPointerException if {@code dir} is null
   * @throws IOException if the directory cannot be created
   */
  public static AtomicWriter forDirectory(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir cannot be null");
    return new AtomicWriter(Files.createDirectories(dir.toAbsolutePath().normalize()));
  }

  /**
   * Returns the directory this writer publishes into.
   *
   * @return the directory
   */
  public Path directory() {
    return dir;
  }

  /**
   * Publishes a version with exactly these files, each with mode {@link #DEFAULT_MODE}.
   *
   * @param files relative paths and their bytes; paths not listed are removed
   * @return true if a new version was written, false if the payload equals the current one
   * @throws NullPointerException if an argument or value is null
   * @throws IllegalArgumentException if a path breaks kubelet's rules; nothing is written
   * @throws IOException if a step fails
   */
  public boolean write(Map<String, byte[]> files) throws IOException {
    Objects.requireNonNull(files, "files cannot be null");
    return write(files.entrySet().stream()
        .map(e -> FileProjection.of(e.getKey(), e.getValue()))
        .toList());
  }

  /**
   * Publishes a version with exactly these files and modes.
   *
   * @param files the files; paths not listed are removed
   * @return true if a new version was written, false if the payload equals the current one
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a path breaks kubelet's rules or is given twice; nothing
   *     is written
   * @throws IOException if a step fails
   */
  public boolean write(Collection<FileProjection> files) throws IOException {
    Map<String, FileProjection> payload = validate(files);
    Path current = currentVersion();
    if (current != null && sameAs(current, payload)) {
      return false;
    }
    stage(payload, current).commit();
    return true;
  }

  /**
   * Returns whether the current version holds exactly these files, bytes and modes.
   *
   * @param files the files
   * @return true if {@link #write(Collection)} would write nothing
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a path breaks kubelet's rules or is given twice
   * @throws IOException if the current version cannot be read
   */
  public boolean isCurrent(Collection<FileProjection> files) throws IOException {
    Map<String, FileProjection> payload = validate(files);
    Path current = currentVersion();
    return current != null && sameAs(current, payload);
  }

  /**
   * Writes a new version's directory and {@code ..data_tmp} without publishing it yet: step 1 and
   * the first half of step 2. Call {@link Staged#commit()} to publish. Unlike {@link
   * #write(Collection)}, this always makes a new version, even of identical content (kubelet
   * would not): useful to test that readers take an identical version as unchanged.
   *
   * @param files the files; paths not listed are removed at commit
   * @return the staged version
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a path breaks kubelet's rules or is given twice
   * @throws IOException if a step fails; the new version's directory is removed again
   */
  public Staged stage(Collection<FileProjection> files) throws IOException {
    return stage(validate(files), currentVersion());
  }

  private Path currentVersion() throws IOException {
    Path data = dir.resolve(DATA);
    return Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
  }

  private Staged stage(Map<String, FileProjection> payload, Path oldVersion) throws IOException {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    Path version = Files.createTempDirectory(dir, stamp);
    try {
      setMode(version, 0755);
      for (FileProjection file : payload.values()) {
        Path target = version.resolve(file.path());
        Files.createDirectories(target.getParent());
        Files.write(target, file.content);
        setMode(target, file.mode());
      }
      Path tmp = dir.resolve(DATA_TMP);
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, version.getFileName());
    } catch (IOException | RuntimeException e) {
      deleteTree(version);
      throw e;
    }
    return new Staged(version, oldVersion, topLevel(payload.keySet()));
  }

  @Override
  public String toString() {
    return "AtomicWriter{" + dir + "}";
  }

  /** A version written but not yet published. */
  public final class Staged {
    private final Path version;
    private final Path oldVersion;
    private final Set<String> names;

    private Staged(Path version, Path oldVersion, Set<String> names) {
      this.version = version;
      this.oldVersion = oldVersion;
      this.names = names;
    }

    /**
     * Returns the new version's {@code ..<timestamp>} directory.
     *
     * @return the directory
     */
    public Path version() {
      return version;
    }

    /**
     * Publishes the version: renames {@code ..data_tmp} over {@code ..data}, updates the
     * user-visible links, deletes the previous version.
     *
     * @throws IOException if a step fails
     */
    public void commit() throws IOException {
      try {
        Files.move(dir.resolve(DATA_TMP), dir.resolve(DATA),
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("[" + dir + "] cannot rename a link atomically: publish on a local"
            + " file system (a tmpfs or emptyDir volume)", e);
      }
      finish();
    }

    /**
     * Publishes the version as kubelet does on Windows, where a rename cannot replace a link:
     * deletes {@code ..data} and creates it again, so readers see a moment with no {@code
     * ..data}. For testing readers; prefer {@link #commit()}.
     *
     * @throws IOException if a step fails
     */
    public void commitByRecreatingLink() throws IOException {
      Files.deleteIfExists(dir.resolve(DATA_TMP));
      Files.deleteIfExists(dir.resolve(DATA));
      Files.createSymbolicLink(dir.resolve(DATA), version.getFileName());
      finish();
    }

    private void finish() throws IOException {
      for (String name : names) {
        Path link = dir.resolve(name);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Files.createSymbolicLink(link, Path.of(DATA, name));
          } catch (FileAlreadyExistsException e) {
            // created meanwhile by another writer of the same name: it points the same way
          }
        }
      }
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path entry : entries.toList()) {
          String name = entry.getFileName().toString();
          if (!name.startsWith("..") && !names.contains(name)
              && Files.isSymbolicLink(entry)
              && Files.readSymbolicLink(entry).startsWith(DATA)) {
            Files.deleteIfExists(entry); // a user-visible link of a name that is gone
          }
        }
      }
      if (oldVersion != null && !oldVersion.equals(version)) {
        deleteTree(oldVersion);
      }
    }
  }

  /**
   * One file of a version: a relative path, its bytes and its mode.
   *
   * <p>Immutable; {@link #toString()} shows the path, size and mode, never the content.
   */
  public static final class FileProjection {
    private final String path;
    private final byte[] content;
    private final int mode;

    private FileProjection(String path, byte[] content, int mode) {
      this.path = path;
      this.content = content;
      this.mode = mode;
    }

    /**
     * Returns a file with mode {@link #DEFAULT_MODE}.
     *
     * @param path a relative path such as {@code prometheus.yml} or {@code rules/a.yml}
     * @param content the bytes; copied
     * @return the file
     * @throws NullPointerException if an argument is null
     */
    public static FileProjection of(String path, byte[] content) {
      return of(path, content, DEFAULT_MODE);
    }

    /**
     * Returns a file with the given mode.
     *
     * @param path a relative path
     * @param content the bytes; copied
     * @param mode the permission bits, such as {@code 0644} or {@code 0600}
     * @return the file
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code mode} is outside {@code 0} to {@code 0777}
     */
    public static FileProjection of(String path, byte[] content, int mode) {
      Objects.requireNonNull(path, "path cannot be null");
      Objects.requireNonNull(content, "content cannot be null");
      if (mode < 0 || mode > 0777) {
        throw new IllegalArgumentException(
            "mode (" + Integer.toOctalString(mode) + ") of [" + path + "] must be within 0-0777");
      }
      return new FileProjection(path, content.clone(), mode);
    }

    /**
     * Returns the relative path.
     *
     * @return the path
     */
    public String path() {
      return path;
    }

    /**
     * Returns a copy of the bytes.
     *
     * @return the content
     */
    public byte[] content() {
      return content.clone();
    }

    /**
     * Returns the permission bits.
     *
     * @return the mode
     */
    public int mode() {
      return mode;
    }

    @Override
    public String toString() {
      return "FileProjection{" + path + ", " + content.length + " bytes, mode 0"
          + Integer.toOctalString(mode) + "}";
    }
  }

  /** kubelet's validatePath, and no path twice; returns the files by cleaned path. */
  static Map<String, FileProjection> validate(Collection<FileProjection> files) {
    Objects.requireNonNull(files, "files cannot be null");
    Map<String, FileProjection> result = new LinkedHashMap<>();
    for (FileProjection file : files) {
      Objects.requireNonNull(file, "files cannot contain null");
      String path = file.path();
      if (path.isEmpty()) {
        throw new IllegalArgumentException("invalid path: must not be empty");
      }
      if (path.startsWith("/")) {
        throw new IllegalArgumentException("invalid path [" + path + "]: must be relative");
      }
      if (path.length() > MAX_PATH_LENGTH) {
        throw new IllegalArgumentException("invalid path [" + path.substring(0, 64) + "...]: must"
            + " be at most " + MAX_PATH_LENGTH + " characters");
      }
      String[] names = path.split("/", -1);
      for (String name : names) {
        if (name.equals("..")) {
          throw new IllegalArgumentException("invalid path [" + path + "]: must not contain '..'");
        }
        if (name.length() > MAX_NAME_LENGTH) {
          throw new IllegalArgumentException("invalid path [" + path + "]: file names must be at"
              + " most " + MAX_NAME_LENGTH + " characters");
        }
      }
      if (names[0].startsWith("..")) {
        throw new IllegalArgumentException("invalid path [" + path + "]: must not start with"
            + " '..'");
      }
      String cleaned = String.join("/", Arrays.stream(names)
          .filter(n -> !n.isEmpty() && !n.equals(".")).toList());
      if (cleaned.isEmpty()) {
        throw new IllegalArgumentException("invalid path [" + path + "]: names no file");
      }
      FileProjection clean = new FileProjection(cleaned, file.content, file.mode);
      if (result.put(cleaned, clean) != null) {
        throw new IllegalArgumentException("path [" + cleaned + "] is given twice");
      }
    }
    return result;
  }

  /** Whether a version on disk holds exactly these files, bytes and modes. */
  private static boolean sameAs(Path version, Map<String, FileProjection> payload)
      throws IOException {
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(version)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        onDisk.add(version.relativize(p).toString().replace('\\', '/'));
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!onDisk.equals(new TreeSet<>(payload.keySet()))) {
      return false;
    }
    for (FileProjection file : payload.values()) {
      Path p = version.resolve(file.path());
      if (Files.size(p) != file.content.length
          || !Arrays.equals(Files.readAllBytes(p), file.content)
          || (POSIX && mode(p) != file.mode())) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> topLevel(Set<String> paths) {
    Set<String> result = new TreeSet<>();
    for (String path : paths) {
      int slash = path.indexOf('/');
      result.add(slash < 0 ? path : path.substring(0, slash));
    }
    return result;
  }

  private static void setMode(Path file, int mode) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(file, permissions(mode));
    }
  }

  /** The permission bits of a mode such as {@code 0640}. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ first, OTHERS_EXECUTE last
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << (bits.length - 1 - i))) != 0) {
        permissions.add(bits[i]);
      }
    }
    return permissions;
  }

  private static int mode(Path file) throws IOException {
    int mode = 0;
    PosixFilePermission[] bits = PosixFilePermission.values();
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    for (int i = 0; i < bits.length; i++) {
      if (permissions.contains(bits[i])) {
        mode |= 1 << (bits.length - 1 - i);
      }
    }
    return mode;
  }

  /** Deletes a directory tree without following links. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (DirectoryNotEmptyException e) {
          deleteTree(p); // a file appeared while walking
        }
      }
    }
  }
}
