package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves every watched path and hashes its content into a {@link Snapshot}.
 *
 * <p>Visible files of a directory are its regular files (following symbolic links) whose names do
 * not start with {@code .} and do not end with {@code ~} (editor backups and swap files, kubelet's
 * {@code ..data} machinery), filtered by the include and exclude globs, which match the path
 * relative to the watched directory. A Kubernetes volume is read from one pinned {@code ..data}
 * target so one snapshot never mixes two versions.
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

  private final List<WatchedPath> paths;
  private final boolean recursive;
  private final List<PathMatcher> includes;
  private final List<PathMatcher> excludes;
  private final ContentHasher hasher;
  private final DigestCache cache;
  private final Set<Path> warnedReplacedLinks = new HashSet<>();

  SnapshotScanner(
      List<WatchedPath> paths,
      boolean recursive,
      List<PathMatcher> includes,
      List<PathMatcher> excludes) {
    this.paths = List.copyOf(paths);
    this.recursive = recursive;
    this.includes = List.copyOf(includes);
    this.excludes = List.copyOf(excludes);
    this.hasher = new ContentHasher();
    this.cache = new DigestCache();
  }

  /** Test seam: a hasher with a hook, and a cache with its own clock. */
  SnapshotScanner(
      List<WatchedPath> paths,
      boolean recursive,
      List<PathMatcher> includes,
      List<PathMatcher> excludes,
      ContentHasher hasher,
      DigestCache cache) {
    this.paths = List.copyOf(paths);
    this.recursive = recursive;
    this.includes = List.copyOf(includes);
    this.excludes = List.copyOf(excludes);
    this.hasher = hasher;
    this.cache = cache;
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
    List<Path> missing = new ArrayList<>();
    for (WatchedPath watched : paths) {
      for (int attempt = 1; ; attempt++) {
        Map<Path, Snapshot.Entry> found = new HashMap<>();
        try {
          if (!scanOne(watched, found)) {
            missing.add(watched.path());
          }
          entries.putAll(found);
          break;
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
    cache.retainSeen();
    return new Result(new Snapshot(entries), List.copyOf(missing));
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
      add(path, resolved, out);
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
    walk(path, root, out);
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
        if (visible(entry.getFileName().toString()) && matches(dir.relativize(entry))
            && replacedLink(entry)) {
          add(entry, entry, out);
        }
      }
    }
  }

  private void walk(Path logicalRoot, Path root, Map<Path, Snapshot.Entry> out)
      throws IOException {
    Files.walkFileTree(
        root,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        recursive ? Integer.MAX_VALUE : 1,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.equals(root) || visible(dir.getFileName().toString())
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
            if (!matches(relative)) {
              return FileVisitResult.CONTINUE;
            }
            add(logicalRoot.resolve(relative), file, out);
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

  private void add(Path logical, Path resolved, Map<Path, Snapshot.Entry> out)
      throws IOException {
    ContentHasher.Hash hash;
    try {
      DigestCache.Stamp stamp = cache.stamp(resolved);
      hash = cache.lookup(resolved, stamp);
      if (hash == null) {
        long started = cache.now();
        hash = hasher.hash(resolved);
        if (!hash.sizeUnknown()) {
          cache.store(resolved, stamp, hash, started);
        }
      }
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(
          logical.toString(),
          null,
          "cannot read the file: make it readable by this process (uid "
              + ProcessHandle.current().info().user().orElse("?")
              + "), or exclude it");
    } catch (NoSuchFileException | ContentHasher.ChangedWhileHashingException e) {
      throw e; // handled by scan(): read again
    } catch (IOException e) {
      throw new IOException("[" + logical + "] cannot be read (" + e.getMessage()
          + "): check the file and its storage, or exclude it", e);
    }
    out.put(logical, new Snapshot.Entry(resolved, hash.digest(), hash.size()));
  }

  private boolean matches(Path relative) {
    if (!includes.isEmpty() && includes.stream().noneMatch(m -> m.matches(relative))) {
      return false;
    }
    return excludes.stream().noneMatch(m -> m.matches(relative));
  }

  static boolean visible(String name) {
    return !name.startsWith(".") && !name.endsWith("~");
  }
}
