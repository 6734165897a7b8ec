package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves every watched path and hashes its content into a {@link Snapshot}: all of it ({@link
 * #scan()}, at start, on resync, after an overflow or a lost watch), or only the directories that
 * OS events named since the last scan ({@link #scan(Set)}), reusing the last snapshot for the
 * rest. Either way, a file whose stamp is unchanged and settled is not read again ({@link
 * DigestCache}).
 *
 * <p>Visible files of a directory are its regular files (following symbolic links) whose names do
 * not start with {@code .} and do not end with {@code ~} (editor backups and swap files, kubelet's
 * {@code ..data} machinery), filtered by the include and exclude globs, which match the path
 * relative to the watched directory. A Kubernetes volume is read from one pinned {@code ..data}
 * target so one snapshot never mixes two versions; any event in one rescans all of it.
 *
 * <p>Not thread-safe: used only from the reload thread.
 */
final class SnapshotScanner {

  /** The result of one scan. */
  record Result(Snapshot snapshot, List<Path> missing) {
    boolean complete() {
      return missing.isEmpty();
    }
  }

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);
  private static final int MAX_SWAP_RETRIES = 5;

  /**
   * Trees of at most this many files are scanned whole on every change, as cheap as a partial
   * scan at that size; a full scan also repairs what an event the OS never delivered would leave
   * stale. Bigger trees trust the events (kernel queue overflows are reported and scan
   * everything; the resync repairs the rest).
   */
  static final int INCREMENTAL_FROM_FILES = 512;

  private final List<WatchedPath> paths;
  private final boolean recursive;
  private final PathFilter filter;
  private final ContentHasher hasher;
  private final DigestCache cache;
  private final Set<Path> warnedReplacedLinks = new HashSet<>();

  /** The last complete scan: the digests to reuse, and the base of an incremental scan. */
  private Snapshot last;
  /** The logical files of {@link #last} directly in each directory of a plain directory path. */
  private Map<Path, Set<Path>> filesByDir = new HashMap<>();
  /** The watched paths that were Kubernetes volumes (or single files) at the last full scan. */
  private Set<WatchedPath> wholes = Set.of();

  SnapshotScanner(
      List<WatchedPath> paths,
      boolean recursive,
      List<PathMatcher> includes,
      List<PathMatcher> excludes) {
    this(paths, recursive, includes, excludes, List.of());
  }

  SnapshotScanner(
      List<WatchedPath> paths,
      boolean recursive,
      List<PathMatcher> includes,
      List<PathMatcher> excludes,
      List<Pattern> excludePatterns) {
    this(paths, recursive, includes, excludes, excludePatterns, new ContentHasher(),
        new DigestCache());
  }

  /** Test seam: a hasher with a hook, and a cache with its own clock. */
  SnapshotScanner(
      List<WatchedPath> paths,
      boolean recursive,
      List<PathMatcher> includes,
      List<PathMatcher> excludes,
      ContentHasher hasher,
      DigestCache cache) {
    this(paths, recursive, includes, excludes, List.of(), hasher, cache);
  }

  private SnapshotScanner(
      List<WatchedPath> paths,
      boolean recursive,
      List<PathMatcher> includes,
      List<PathMatcher> excludes,
      List<Pattern> excludePatterns,
      ContentHasher hasher,
      DigestCache cache) {
    this.paths = List.copyOf(paths);
    this.recursive = recursive;
    this.filter = new PathFilter(includes, excludes, excludePatterns);
    this.hasher = hasher;
    this.cache = cache;
  }

  /** How many files the scanner remembers: those of the last complete scan. */
  int retained() {
    return last == null ? 0 : last.size();
  }

  /**
   * Scans every watched path.
   *
   * @throws ContentHasher.ChangedWhileHashingException if a file was being written; scan again
   *     after a quiet period
   * @throws IOException if a file cannot be read; the message names it
   */
  Result scan() throws IOException {
    Map<Path, Snapshot.Entry> entries = new HashMap<>();
    Map<Path, Set<Path>> byDir = new HashMap<>();
    List<Path> missing = new ArrayList<>();
    for (WatchedPath watched : paths) {
      Map<Path, Snapshot.Entry> found = scanWithRetries(watched);
      if (found == null) {
        missing.add(watched.path());
      } else {
        entries.putAll(found);
        if (plainDirectory(watched)) {
          found.keySet().forEach(p -> byDir.computeIfAbsent(p.getParent(), d -> new HashSet<>())
              .add(p));
        }
      }
    }
    Snapshot snapshot = new Snapshot(entries);
    if (missing.isEmpty()) {
      last = snapshot;
      filesByDir = byDir;
      Set<WatchedPath> notPlain = new HashSet<>();
      for (WatchedPath watched : paths) {
        if (!plainDirectory(watched)) {
          notPlain.add(watched);
        }
      }
      wholes = Set.copyOf(notPlain);
    } else {
      last = null; // an incomplete scan is no base for the next one
    }
    return new Result(snapshot, List.copyOf(missing));
  }

  /**
   * Scans what changed since the last complete scan, as named by OS events: the directories of
   * the event paths (and the whole subtree of a directory that appeared or went), and the whole
   * of a Kubernetes volume or a watched single file with an event. Without a last scan, or with
   * no way to tell what changed, scans everything.
   *
   * @param changed the paths OS events named
   * @throws ContentHasher.ChangedWhileHashingException if a file was being written
   * @throws IOException if a file cannot be read
   */
  Result scan(Set<Path> changed) throws IOException {
    if (last == null || last.size() <= INCREMENTAL_FROM_FILES || !volumesStillPinned()) {
      return scan();
    }
    Map<Path, Snapshot.Entry> upserts = new HashMap<>();
    Set<Path> removals = new HashSet<>();
    DirIndex byDir = new DirIndex(filesByDir);
    try {
      for (WatchedPath watched : paths) {
        if (!scanChanged(watched, changed, byDir, upserts, removals)) {
          byDir.rollback();
          return scan(); // gone: the full scan reports it missing
        }
      }
    } catch (IOException | RuntimeException e) {
      byDir.rollback(); // the last scan stays the base
      throw e;
    }
    last = last.with(upserts, removals);
    return new Result(last, List.of());
  }

  /** One watched path's part of {@link #scan(Set)}; false if the path is gone. */
  private boolean scanChanged(WatchedPath watched, Set<Path> changed, DirIndex byDir,
      Map<Path, Snapshot.Entry> upserts, Set<Path> removals) throws IOException {
    Set<Path> mine = new HashSet<>();
    for (Path path : changed) {
      if (watched.directory() ? path.startsWith(watched.path()) && !path.equals(watched.path())
          : watched.watchDir().equals(path.getParent())) {
        mine.add(path);
      }
    }
    if (mine.isEmpty()) {
      return true;
    }
    // a volume, a single file, or kubelet's machinery appearing: read the whole path again
    if (wholes.contains(watched) || mine.stream().anyMatch(SnapshotScanner::kubeletName)) {
      return rescanWhole(watched, upserts, removals);
    }
    for (Path path : mine) {
      checkPath(watched, path, byDir, upserts, removals);
    }
    return true;
  }

  /**
   * Brings one event path of a plain watched directory up to date with as few system calls as
   * it takes: a file is hashed again (or its digest reused), a file that went is removed, a
   * directory that appeared is scanned with its tree, one that went is forgotten with its tree,
   * and a directory with an event of its own is listed again.
   */
  private void checkPath(WatchedPath watched, Path path, DirIndex byDir,
      Map<Path, Snapshot.Entry> upserts, Set<Path> removals) throws IOException {
    Path root = watched.path();
    Path parent = path.getParent();
    if (parent == null || (!recursive && !parent.equals(root)) || hiddenBelow(root, path)) {
      return;
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      attrs = null; // gone, or a dangling link: not a file of this version either way
    }
    if (attrs != null && attrs.isRegularFile()) {
      if (filter.matches(root.relativize(path), path)) {
        hashInto(path, path, upserts);
        removals.remove(path);
        if (!byDir.get(parent).contains(path)) {
          byDir.addFile(path);
        }
      }
    } else if (attrs != null && attrs.isDirectory()) {
      if (recursive) {
        listDirectory(watched, path, byDir, upserts, removals);
      }
    } else {
      if (byDir.get(parent).contains(path)) {
        removals.add(path);
        upserts.remove(path);
        byDir.removeFile(path);
      }
      if (recursive && byDir.hasAnyUnder(path)) {
        removeTree(path, byDir, removals);
      }
    }
  }

  /**
   * Whether every Kubernetes volume's {@code ..data} still points where the last scan read it: a
   * swap whose event was lost would otherwise leave entries of a deleted version. One link read
   * per volume.
   */
  private boolean volumesStillPinned() throws IOException {
    for (WatchedPath watched : wholes) {
      Path dir = watched.directory() ? watched.path() : watched.watchDir();
      Optional<ConfigMapLayout> layout = ConfigMapLayout.pin(dir);
      if (layout.isPresent()) {
        for (Map.Entry<Path, Snapshot.Entry> e : last.entries().entrySet()) {
          if (belongsTo(e.getKey(), watched)) {
            if (!e.getValue().resolved().startsWith(layout.get().target())
                && !e.getValue().resolved().equals(e.getKey())) {
              return false;
            }
            break; // one entry tells where the part was read from
          }
        }
      }
    }
    return true;
  }

  /** {@code ..data}, {@code ..data_tmp}, {@code ..2026_11_25_...}: kubelet's machinery. */
  private static boolean kubeletName(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith("..");
  }

  /** A watched directory that is not a Kubernetes volume: incremental by directory. */
  private boolean plainDirectory(WatchedPath watched) {
    return watched.directory() && !Files.isSymbolicLink(watched.path().resolve(AtomicWriter.DATA))
        && !isVolume(watched.path());
  }

  private static boolean isVolume(Path dir) {
    try {
      return ConfigMapLayout.isMidSwap(dir);
    } catch (IOException e) {
      return false;
    }
  }

  /** Rescans one watched path from the top, replacing its part of the last snapshot. */
  private boolean rescanWhole(WatchedPath watched, Map<Path, Snapshot.Entry> upserts,
      Set<Path> removals) throws IOException {
    Map<Path, Snapshot.Entry> found = scanWithRetries(watched);
    if (found == null) {
      return false;
    }
    for (Path path : last.entries().keySet()) {
      if (belongsTo(path, watched) && !found.containsKey(path)) {
        removals.add(path);
      }
    }
    found.forEach((path, entry) -> {
      Snapshot.Entry before = last.entries().get(path);
      if (before == null || !before.sameContent(entry) || !before.resolved()
          .equals(entry.resolved()) || before.stamp() != entry.stamp()) {
        upserts.put(path, entry);
      }
    });
    return true;
  }

  private static boolean belongsTo(Path logical, WatchedPath watched) {
    return watched.directory() ? logical.startsWith(watched.path()) : logical.equals(watched.path());
  }

  /**
   * Lists one directory of a plain watched directory again: its files are hashed (or their
   * digests reused), files no longer listed and subdirectories that went are removed, and a
   * subdirectory that appeared is scanned with its whole tree.
   */
  private void listDirectory(WatchedPath watched, Path dir, DirIndex byDir,
      Map<Path, Snapshot.Entry> upserts, Set<Path> removals) throws IOException {
    Path root = watched.path();
    if (!dir.equals(root) && (!recursive || hiddenBelow(root, dir))) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      removeTree(dir, byDir, removals);
      return;
    }
    Set<Path> before = byDir.get(dir);
    Set<Path> now = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (!visible(entry.getFileName().toString())) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // a dangling link, or gone since the listing: not a file of this version
        }
        if (attrs.isRegularFile()) {
          if (filter.matches(root.relativize(entry), entry)) {
            now.add(entry);
            hashInto(entry, entry, upserts);
          }
        } else if (attrs.isDirectory() && recursive && !byDir.contains(entry)) {
          Map<Path, Snapshot.Entry> found = new HashMap<>();
          walk(root, entry, root, found);
          found.forEach((path, e) -> {
            upserts.put(path, e);
            removals.remove(path);
            byDir.addFile(path);
          });
          if (!byDir.contains(entry)) {
            byDir.put(entry, new HashSet<>());
          }
        }
      }
    } catch (NotDirectoryException | NoSuchFileException e) {
      removeTree(dir, byDir, removals);
      return;
    }
    for (Path file : before) {
      if (!now.contains(file)) {
        removals.add(file);
        upserts.remove(file);
      }
    }
    for (Path known : List.copyOf(byDir.dirs())) {
      if (dir.equals(known.getParent()) && !Files.isDirectory(known)) {
        removeTree(known, byDir, removals);
      }
    }
    now.forEach(removals::remove);
    byDir.put(dir, now);
  }

  /** Forgets a directory that went, with every file and directory below it. */
  private static void removeTree(Path dir, DirIndex byDir, Set<Path> removals) {
    for (Path known : List.copyOf(byDir.dirs())) {
      if (known.startsWith(dir)) {
        removals.addAll(byDir.remove(known));
      }
    }
  }

  private static boolean hiddenBelow(Path root, Path dir) {
    for (Path name : root.relativize(dir)) {
      if (!visible(name.toString())) {
        return true;
      }
    }
    return false;
  }

  /** Scans one watched path, again from the top if a swap or vanishing file interrupted it. */
  private Map<Path, Snapshot.Entry> scanWithRetries(WatchedPath watched) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Map<Path, Snapshot.Entry> found = new HashMap<>();
      try {
        return scanOne(watched, found) ? found : null;
      } catch (ConfigMapLayout.SwapInProgressException | NoSuchFileException e) {
        // a kubelet swap moved ..data while reading, or a file vanished between listing and
        // hashing (thanos#2496): scan this path again from the top
        if (attempt >= MAX_SWAP_RETRIES) {
          throw new ContentHasher.ChangedWhileHashingException(watched.path());
        }
        logger.debug("[{}] changed during scan ({}); scanning it again", watched.path(), e);
      }
    }
  }

  /** Returns false if the watched path is missing. */
  private boolean scanOne(WatchedPath watched, Map<Path, Snapshot.Entry> out) throws IOException {
    Path path = watched.path();
    if (!watched.directory()) {
      Path parent = watched.watchDir();
      if (!Files.isDirectory(parent)) {
        return false;
      }
      Optional<ConfigMapLayout> layout = ConfigMapLayout.pin(parent);
      if (layout.isEmpty() && ConfigMapLayout.isMidSwap(parent)) {
        return false;
      }
      Path resolved = layout.isPresent() && !replacedLink(path)
          ? layout.get().resolve(path) : path;
      if (!Files.isRegularFile(resolved)) {
        if (Files.exists(resolved)) {
          throw new IOException(
              "[" + path + "] is not a regular file: watch a regular file, or its directory");
        }
        return false;
      }
      hashInto(path, resolved, out);
      if (layout.isPresent()) {
        layout.get().checkStillCurrent();
      }
      return true;
    }
    if (!Files.isDirectory(path)) {
      return false;
    }
    Optional<ConfigMapLayout> layout = ConfigMapLayout.pin(path);
    if (layout.isEmpty() && ConfigMapLayout.isMidSwap(path)) {
      return false; // ..data deleted and not yet re-created: wait for the new one
    }
    Path root = layout.map(ConfigMapLayout::target).orElse(path);
    walk(path, root, root, out);
    if (layout.isPresent()) {
      addReplacedLinks(path, out);
      layout.get().checkStillCurrent();
    }
    return true;
  }

  /**
   * Whether a user-visible name of a volume is a plain file where kubelet put a link into {@code
   * ..data}: an editor that writes a new file and renames it over the old one ({@code sed -i},
   * many IDEs) replaces the link. The target now reads that file, so the snapshot takes it too,
   * with a WARN: kubelet only creates missing links, so no ConfigMap update replaces it.
   */
  private boolean replacedLink(Path visible) {
    if (Files.isSymbolicLink(visible) || !Files.isRegularFile(visible, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (warnedReplacedLinks.add(visible)) {
      logger.warn("[{}] is a plain file, not kubelet's link into ..data: an editor such as sed -i"
          + " replaced the link. Reading the file as it is (the target does too), but no"
          + " ConfigMap update will replace it, since kubelet only creates missing links: edit"
          + " the ConfigMap instead, and delete the file to get the link back", visible);
    }
    return true;
  }

  /** Takes the volume's plain files that replaced kubelet's links (see {@link #replacedLink}). */
  private void addReplacedLinks(Path dir, Map<Path, Snapshot.Entry> out) throws IOException {
    try (var entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        if (visible(entry.getFileName().toString())
            && filter.matches(dir.relativize(entry), entry)
            && replacedLink(entry)) {
          hashInto(entry, entry, out);
        }
      }
    }
  }

  /**
   * Walks {@code start} (at or below {@code root}, the directory the globs are relative to) and
   * hashes every visible file, as the logical path below {@code logicalRoot}.
   */
  private void walk(Path logicalRoot, Path start, Path root, Map<Path, Snapshot.Entry> out)
      throws IOException {
    boolean plain = logicalRoot.equals(root); // no ..data: logical and resolved paths coincide
    Files.walkFileTree(
        start,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        recursive ? Integer.MAX_VALUE : 1,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(start) || visible(dir.getFileName().toString())
                ? FileVisitResult.CONTINUE
                : FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isRegularFile() || !visible(file.getFileName().toString())) {
              return FileVisitResult.CONTINUE;
            }
            Path relative = root.relativize(file);
            if (!filter.matches(relative, file)) {
              return FileVisitResult.CONTINUE;
            }
            hashInto(plain ? file : logicalRoot.resolve(relative), file, out);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof FileSystemLoopException) {
              logger.warn(
                  "[{}] is a symbolic link loop and is skipped: point the link at a real file or"
                      + " directory",
                  file);
              return FileVisitResult.CONTINUE;
            }
            // NoSuchFileException: listed, then gone (a broken link is visited as a link, not
            // reported here). Never skip it: a kubelet swap may be deleting the pinned version,
            // so scan() starts this path again instead of returning half a version.
            throw e;
          }
        });
  }

  /**
   * Puts a file's entry in {@code out}: the last snapshot's, if the file is untouched and had
   * settled, else a fresh hash.
   */
  private void hashInto(Path logical, Path resolved, Map<Path, Snapshot.Entry> out)
      throws IOException {
    Snapshot.Entry entry;
    try {
      DigestCache.Stamp stamp = cache.stamp(resolved);
      Snapshot.Entry previous = last == null ? null : last.entries().get(logical);
      if (cache.reusable(previous, resolved, stamp)) {
        entry = previous;
      } else {
        long started = cache.now();
        ContentHasher.Hash hash = stamp != null
            ? hasher.hash(resolved, stamp.size(), stamp.mtimeNanos())
            : hasher.hash(resolved);
        entry = new Snapshot.Entry(resolved, hash.value(), hash.size(), false,
            hash.sizeUnknown() ? null : stamp, started);
      }
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(
          logical.toString(),
          null,
          "cannot read the file: make it readable by this process (uid "
              + ProcessHandle.current().info().user().orElse("?")
              + "), or exclude it");
    } catch (NoSuchFileException | ContentHasher.ChangedWhileHashingException e) {
      throw e; // handled by the caller: read again
    } catch (IOException e) {
      throw new IOException("[" + logical + "] cannot be read (" + e.getMessage()
          + "): check the file and its storage, or exclude it", e);
    }
    out.put(logical, entry);
  }

  static boolean visible(String name) {
    return !name.startsWith(".") && !name.endsWith("~");
  }
}
