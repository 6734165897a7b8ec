package io.github.reloadwatch;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that knows {@code io.methvin:directory-watcher}. It runs the watcher with file
 * hashing off (its hashing hides the {@code ..data} rename, see the class javadoc of {@link
 * ConfigMapLayout}) as a raw signal source, on one named daemon thread of its own.
 */
final class DirectoryWatcherAdapter implements WatchBackend {

  private static final Logger logger = LoggerFactory.getLogger(ReloadWatcher.class);

  static final WatchBackend.Factory FACTORY = DirectoryWatcherAdapter::start;

  private final DirectoryWatcher watcher;
  private final ExecutorService thread;
  private final AtomicBoolean closed;

  private final Queue<Thread> threads;

  private DirectoryWatcherAdapter(DirectoryWatcher watcher, ExecutorService thread,
      AtomicBoolean closed, Queue<Thread> threads) {
    this.watcher = watcher;
    this.thread = thread;
    this.closed = closed;
    this.threads = threads;
  }

  static WatchBackend start(Set<Path> recursiveDirs, Set<Path> flatDirs, Callback callback)
      throws IOException {
    List<Path> roots = new ArrayList<>(recursiveDirs);
    flatDirs.stream().filter(d -> !recursiveDirs.contains(d)).forEach(roots::add);
    AtomicBoolean closed = new AtomicBoolean();
    DirectoryWatcher watcher =
        DirectoryWatcher.builder()
            .paths(roots)
            .fileHashing(false)
            .fileTreeVisitor(new Visitor(recursiveDirs, flatDirs))
            .logger(logger)
            .listener(
                new DirectoryChangeListener() {
                  @Override
                  public void onEvent(DirectoryChangeEvent event) {
                    boolean overflow = event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW;
                    callback.onEvent(event.path(), overflow);
                  }

                  @Override
                  public boolean isWatching() {
                    return !closed.get();
                  }

                  @Override
                  public void onException(Exception e) {
                    callback.onError(e);
                  }
                })
            .build();
    Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    ExecutorService thread =
        Executors.newSingleThreadExecutor(Threads.factory("watch", threads::add));
    CompletableFuture<Void> loop;
    try {
      loop = watcher.watchAsync(thread); // registers every watch before it returns
      if (loop.isCompletedExceptionally()) {
        loop.join();
      }
    } catch (CompletionException e) {
      thread.shutdownNow();
      closeQuietly(watcher);
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot watch " + roots + ": " + cause, cause);
    }
    DirectoryWatcherAdapter adapter = new DirectoryWatcherAdapter(watcher, thread, closed, threads);
    loop.whenComplete(
        (ok, error) -> {
          if (!closed.get()) {
            // the event loop ends by itself only when every watched directory is gone
            callback.onError(
                error instanceof Exception ex
                    ? ex
                    : new IOException("watch loop ended: every watched directory is gone"));
          }
        });
    return adapter;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(watcher);
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        logger.warn("watch thread did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Threads.join(threads, 5_000);
  }

  private static void closeQuietly(DirectoryWatcher watcher) {
    try {
      watcher.close();
    } catch (IOException e) {
      logger.debug("closing the directory watcher failed", e);
    }
  }

  /**
   * Decides which directories get an OS watch: the whole tree of a recursive root minus hidden
   * directories (kubelet's {@code ..<timestamp>} versions, {@code .git}), following links as the
   * scanner does, and only the root itself of a flat one. directory-watcher calls it for each root
   * and for each directory created later.
   */
  private static final class Visitor implements FileTreeVisitor {
    private final Set<Path> recursiveDirs;
    private final Set<Path> flatDirs;

    Visitor(Set<Path> recursiveDirs, Set<Path> flatDirs) {
      this.recursiveDirs = Set.copyOf(recursiveDirs);
      this.flatDirs = Set.copyOf(flatDirs);
    }

    @Override
    public void recursiveVisitFiles(Path start, Callback onDirectory, Callback onFile)
        throws IOException {
      boolean underRecursive = recursiveDirs.stream().anyMatch(start::startsWith);
      if (!underRecursive) {
        if (flatDirs.contains(start)) {
          onDirectory.call(start);
        }
        return;
      }
      boolean root = recursiveDirs.contains(start);
      if (!Files.isDirectory(start)
          || (!root && !SnapshotScanner.visible(start.getFileName().toString()))) {
        return;
      }
      // follow symbolic links, as the scanner does, so that a file reached through a linked
      // subdirectory has an OS watch too; a link loop is reported to visitFileFailed and skipped
      Files.walkFileTree(
          start,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (!dir.equals(start) && !SnapshotScanner.visible(dir.getFileName().toString())) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              onDirectory.call(dir);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              // vanished while walking (the next scan sees it), or a link loop (never watched)
              return FileVisitResult.CONTINUE;
            }
          });
    }
  }
}
