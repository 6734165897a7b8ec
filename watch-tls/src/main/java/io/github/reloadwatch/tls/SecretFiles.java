package io.github.reloadwatch.tls;

import io.github.reloadwatch.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;

/**
 * Reads the certificate, key and CA files of one version. From a watcher's {@link Snapshot}
 * (every file of one pinned {@code ..data} version, verified against its digest), or, for {@link
 * TlsReloader#load()}, from the directory itself: through the {@code ..data} link pinned once,
 * read again if kubelet swapped it meanwhile, as watch-core reads a volume.
 */
final class SecretFiles {

  private static final String DATA = "..data";
  private static final int ATTEMPTS = 10;

  private final Path directory;
  private final String certificate;
  private final String key;
  private final String ca;

  SecretFiles(Path directory, String certificate, String key, String ca) {
    this.directory = directory;
    this.certificate = certificate;
    this.key = key;
    this.ca = ca;
  }

  Material.Names names() {
    return new Material.Names(directory.toString(), path(certificate).toString(),
        path(key).toString(), path(ca).toString());
  }

  Path path(String name) {
    return directory.resolve(name);
  }

  /** The files of a watcher's snapshot; a file not in it is absent. */
  Material.Files read(Snapshot snapshot) throws IOException {
    return new Material.Files(read(snapshot, certificate), read(snapshot, key),
        read(snapshot, ca));
  }

  private byte[] read(Snapshot snapshot, String name) throws IOException {
    Path path = path(name);
    return snapshot.paths().contains(path) ? snapshot.read(path) : null;
  }

  /** The files as they are on disk now, all from one version. */
  Material.Files readNow() throws IOException {
    for (int attempt = 1; ; attempt++) {
      Path target = pin();
      Path base = target == null ? directory : target;
      Material.Files files = new Material.Files(
          readIfPresent(base.resolve(certificate)), readIfPresent(base.resolve(key)),
          readIfPresent(base.resolve(ca)));
      if (target == null || target.equals(pin())) {
        return files;
      }
      if (attempt == ATTEMPTS) {
        throw new IOException("[" + directory + "] kept changing while it was read (" + ATTEMPTS
            + " kubelet swaps): try again");
      }
    }
  }

  /** The directory {@code ..data} points at, or null if this is not a kubelet volume. */
  private Path pin() throws IOException {
    try {
      return directory.resolve(Files.readSymbolicLink(directory.resolve(DATA))).normalize();
    } catch (NoSuchFileException | NotLinkException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static byte[] readIfPresent(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
