package io.github.reloadwatch.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a materialised directory the way a test wants to compare it. */
final class Volumes {

  private Volumes() {}

  /**
   * Describes every entry of a volume directory, without following links: {@code link -> target},
   * {@code dir rwxr-xr-x} or {@code file rw-r--r-- <content>}, with the {@code ..<timestamp>} name
   * replaced by {@code ..VERSION} so that two volumes written at different times compare equal.
   */
  static Map<String, String> tree(Path dir) throws IOException {
    String version = Files.readSymbolicLink(dir.resolve("..data")).toString();
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(p -> !p.equals(dir)).toList()) {
        String name = dir.relativize(p).toString().replace(version, "..VERSION");
        String entry;
        if (Files.isSymbolicLink(p)) {
          entry = "link -> " + Files.readSymbolicLink(p).toString().replace(version, "..VERSION");
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          entry = "dir " + perms(p);
        } else {
          entry = "file " + perms(p) + " " + Files.readString(p, StandardCharsets.ISO_8859_1);
        }
        tree.put(name, entry);
      }
    }
    return tree;
  }

  static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /** The name {@code ..data} points at. */
  static String version(Path dir) throws IOException {
    return Files.readSymbolicLink(dir.resolve("..data")).toString();
  }

  /** The {@code ..<timestamp>} directories present. */
  static List<String> versions(Path dir) throws IOException {
    List<String> result = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith("..") && name.length() > 2 && Character.isDigit(name.charAt(2))) {
          result.add(name);
        }
      }
    }
    result.sort(null);
    return result;
  }

  /** The user-visible names (no {@code ..} entries). */
  static List<String> visible(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
          .sorted().toList();
    }
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Reads a file, or returns null if it does not exist (yet, or any more). */
  static String readOrNull(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
