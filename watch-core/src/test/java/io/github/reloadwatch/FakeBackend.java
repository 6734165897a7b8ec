package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link WatchBackend.Factory} driven by the test: it registers nothing with the OS and delivers
 * the signals the test asks for, so event loss, overflow and watch exhaustion can be simulated.
 */
final class FakeBackend implements WatchBackend.Factory {

  final List<Set<Path>> starts = new ArrayList<>();
  private WatchBackend.Callback callback;
  private IOException failNextStart;
  int closed;

  @Override
  public synchronized WatchBackend start(
      Set<Path> recursiveDirs, Set<Path> flatDirs, WatchBackend.Callback callback)
      throws IOException {
    if (failNextStart != null) {
      IOException e = failNextStart;
      failNextStart = null;
      throw e;
    }
    Set<Path> all = new LinkedHashSet<>(recursiveDirs);
    all.addAll(flatDirs);
    starts.add(all);
    this.callback = callback;
    return () -> {
      synchronized (FakeBackend.this) {
        closed++;
      }
    };
  }

  /** Makes the next start() fail. */
  synchronized FakeBackend failNextStart(IOException e) {
    failNextStart = e;
    return this;
  }

  /** Delivers an event, as the watch thread would. */
  void event(Path path) {
    callback().onEvent(path, false);
  }

  /** Delivers an overflow: the OS dropped events. */
  void overflow() {
    callback().onEvent(null, true);
  }

  /** Reports that the watch loop ended. */
  void lose(Exception e) {
    callback().onError(e);
  }

  private synchronized WatchBackend.Callback callback() {
    if (callback == null) {
      throw new IllegalStateException("backend not started");
    }
    return callback;
  }
}
