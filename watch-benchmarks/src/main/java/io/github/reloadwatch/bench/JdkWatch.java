package io.github.reloadwatch.bench;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * The floor: a raw JDK {@code WatchService} (inotify on Linux) on one directory, timestamping each
 * event as its thread takes it. Kinds are {@code ENTRY_CREATE}, {@code ENTRY_DELETE}, {@code
 * ENTRY_MODIFY}, {@code OVERFLOW}.
 */
final class JdkWatch extends EventLog implements AutoCloseable {

  private final WatchService service;
  private final Thread thread;

  JdkWatch(Path dir) throws IOException {
    service = FileSystems.getDefault().newWatchService();
    dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    thread = new Thread(this::loop, "bench-jdk-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = service.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          String name = event.kind() == OVERFLOW ? "" : String.valueOf(event.context());
          add(event.kind().name(), name);
        }
        if (!key.reset()) {
          add("INVALID", "");
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    thread.interrupt();
  }
}
