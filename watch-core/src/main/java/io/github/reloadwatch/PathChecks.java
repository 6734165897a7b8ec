package io.github.reloadwatch;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code start()} checks before it watches anything: each path exists, is readable, and is
 * what was asked for (a directory, or a regular file), with an error that names the path and the
 * fix; and the JVM decodes file names in a way that keeps non-ASCII names intact.
 */
final class PathChecks {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  private PathChecks() {}

  static List<WatchedPath> classify(Settings settings) throws IOException {
    List<WatchedPath> result = new ArrayList<>();
    for (Path path : settings.paths) {
      BasicFileAttributes attributes;
      try {
        path.toRealPath(); // follows links: detects loops and dangling links
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(
            path.toString(), null,
            Files.isSymbolicLink(path)
                ? "is a symbolic link to a missing target: fix the link or the path"
                : "does not exist: create it, or fix the path (in Kubernetes, check the"
                    + " volume's mountPath)");
      } catch (AccessDeniedException e) {
        throw new AccessDeniedException(
            path.toString(), null,
            "cannot be accessed by this process: fix the permissions of it or its parent"
                + " directories (in Kubernetes, the pod's securityContext/fsGroup)");
      } catch (FileSystemException e) {
        if (String.valueOf(e.getReason()).contains("symbolic links")) {
          throw new FileSystemException(
              path.toString(), null,
              "is a symbolic link loop: point the link at a real file or directory");
        }
        throw e;
      }
      boolean directory = attributes.isDirectory();
      if (settings.directoriesRequired.contains(path) && !directory) {
        throw new NotDirectoryException(
            path + ": is a file, but addDirectory(...) expects a directory; use addPath(...) to"
                + " watch a single file");
      }
      if (!directory && !attributes.isRegularFile()) {
        throw new FileSystemException(
            path.toString(), null, "is neither a directory nor a regular file: watch a file or"
                + " a directory");
      }
      if (!Files.isReadable(path) || (directory && !Files.isExecutable(path))) {
        throw new AccessDeniedException(
            path.toString(), null,
            "is not readable by this process: fix its permissions (chmod/chown), or in"
                + " Kubernetes the pod's securityContext (fsGroup)");
      }
      result.add(directory ? WatchedPath.directory(path) : WatchedPath.file(path));
    }
    return List.copyOf(result);
  }

  static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> result = new ArrayList<>();
    for (String glob : globs) {
      result.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
    }
    return result;
  }

  static void warnIfNamesMayBeMangled(Settings settings) {
    String encoding = System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name());
    if (!encoding.toUpperCase(Locale.ROOT).replace("-", "").equals("UTF8")) {
      boolean nonAscii =
          settings.paths.stream().anyMatch(p -> !p.toString().chars().allMatch(c -> c < 128));
      if (nonAscii) {
        logger.warn(
            "file names are decoded as {}, so non-ASCII names may be mangled: start the JVM with"
                + " LANG=C.UTF-8 (or another UTF-8 locale)",
            encoding);
      }
    }
  }

  /**
   * Refuses a render output that lies inside a watched path once links are resolved ({@code
   * build()} compares the paths as written): writing it would trigger the watcher again, for ever.
   */
  static void checkOutputs(Settings settings) throws IOException {
    for (RenderStep.Render render : settings.renders) {
      Path output = realPath(render.output());
      for (Path watched : settings.paths) {
        Path real = realPath(watched);
        if (output.startsWith(real)) {
          throw new FileSystemException(render.output().toString(), null,
              "is inside the watched path [" + watched + "] once links are resolved (" + output
                  + "), so writing it would trigger the watcher again: write it elsewhere, for"
                  + " example an emptyDir volume");
        }
      }
    }
  }

  /** The real path of the nearest existing ancestor, with the names below it appended. */
  private static Path realPath(Path path) throws IOException {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    return existing.toRealPath().resolve(existing.relativize(path));
  }
}
