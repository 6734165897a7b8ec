package io.github.reloadwatch.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Publishes files the way kubelet updates a ConfigMap volume: a new {@code ..<timestamp>}
 * directory, a {@code ..data_tmp} link renamed over {@code ..data}, user-visible links, and the old
 * version deleted.
 */
public final class KubeletWriter {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS");

  private final Path dir;

  /**
   * Creates a writer for a volume directory.
   *
   * @param dir the mount directory; created if missing
   * @throws IOException if it cannot be created
   */
  public KubeletWriter(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /**
   * Publishes a new version with the given files (UTF-8).
   *
   * @param files file names and contents; keys not listed are removed
   * @throws IOException if a step fails
   */
  public void publish(Map<String, String> files) throws IOException {
    Path data = dir.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    String name = "..";
    Path version;
    do {
      name = ".." + LocalDateTime.now().format(STAMP);
      version = dir.resolve(name);
    } while (Files.exists(version, LinkOption.NOFOLLOW_LINKS));
    Files.createDirectory(version);
    for (Map.Entry<String, String> e : files.entrySet()) {
      Files.writeString(version.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String key : files.keySet()) {
      Path link = dir.resolve(key);
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        String n = entry.getFileName().toString();
        if (!n.startsWith("..") && !files.containsKey(n)) {
          Files.deleteIfExists(entry);
        }
      }
    }
    if (old != null && !old.equals(version)) {
      try (Stream<Path> walk = Files.walk(old)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
