package io.github.reloadwatch;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an external program with a timeout for {@link CommandReloadAction} and {@link
 * CommandValidator}: output (stdout and stderr merged) goes to a temporary file, so no thread is
 * needed to drain it, and only its tail is kept.
 */
final class ProcessRunner {

  /** How a run ended: the exit code and the last part of the output. */
  record Outcome(int exitCode, String output) {}

  private static final int OUTPUT_LIMIT = 16 * 1024;
  private static final Duration DESTROY_GRACE = Duration.ofSeconds(5);

  private ProcessRunner() {}

  /** Checks a command line: a program first, no null arguments. */
  static List<String> checkCommand(List<String> command) {
    Objects.requireNonNull(command, "command cannot be null");
    List<String> copy = new ArrayList<>(command);
    copy.forEach(arg -> Objects.requireNonNull(arg, "command arguments cannot be null"));
    if (copy.isEmpty() || copy.get(0).isBlank()) {
      throw new IllegalArgumentException(
          "command must name a program: got " + copy.size() + " argument(s) with no program first");
    }
    return List.copyOf(copy);
  }

  /** Checks that a timeout is positive. */
  static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout cannot be null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout (" + timeout + ") must be positive");
    }
    return timeout;
  }

  /** The program's file name: what messages show instead of the arguments, which may be secret. */
  static String program(List<String> command) {
    return Path.of(command.get(0)).getFileName().toString();
  }

  /**
   * Runs the command and waits for it.
   *
   * @throws IOException if it cannot start, or runs past the timeout (it is then killed)
   * @throws InterruptedException if interrupted while waiting (it is then killed)
   */
  static Outcome run(
      List<String> command, Duration timeout, Path workingDirectory, Map<String, String> env)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("reloadwatch-process-", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      if (workingDirectory != null) {
        pb.directory(workingDirectory.toFile());
      }
      pb.environment().putAll(env);
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new IOException("cannot run " + program(command) + ": " + e.getMessage()
            + "; " + hint(e), e);
      }
      try {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
          destroy(process);
          throw new IOException(program(command) + " did not finish within " + timeout.toMillis()
              + " ms and was killed: raise the timeout or fix the command"
              + summary(read(output)));
        }
      } catch (InterruptedException e) {
        destroy(process);
        throw e;
      }
      return new Outcome(process.exitValue(), read(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Formats output for an exception message: at most 1 KiB, or "(no output)". */
  static String summary(String output) {
    String text = output.strip();
    if (text.isEmpty()) {
      return " (no output)";
    }
    if (text.length() > 1024) {
      text = "..." + text.substring(text.length() - 1024);
    }
    return ": " + text;
  }

  /** What to check when a program cannot be started, by the OS's reason. */
  private static String hint(IOException e) {
    String reason = String.valueOf(e.getMessage());
    if (reason.contains("error=7") || reason.contains("Argument list too long")) {
      return "its arguments and environment are larger than the OS allows for one program"
          + " (Linux: 128 KiB per string, ARG_MAX in all)";
    }
    if (reason.contains("error=13") || reason.contains("Permission denied")) {
      return "make it executable by this process";
    }
    return "check that it is installed and on the PATH";
  }

  /**
   * Ends the process and everything it started: a shell's children would otherwise live on
   * (and, under a PID 1 that does not reap, stay as zombies). The tree is taken before anything
   * is signalled, since children of a dead parent are no longer its descendants. SIGTERM first,
   * SIGKILL for whatever is alive after the grace.
   */
  private static void destroy(Process process) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + DESTROY_GRACE.toNanos();
    for (ProcessHandle member : tree) {
      long left = deadline - System.nanoTime();
      if (left > 0 && member.isAlive()) {
        try {
          member.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // the grace is over: killed below
        }
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly); // started meanwhile
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process.waitFor(DESTROY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String read(Path output) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
      long length = file.length();
      long from = Math.max(0, length - OUTPUT_LIMIT);
      file.seek(from);
      byte[] bytes = new byte[(int) (length - from)];
      file.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      return from > 0 ? "[... " + from + " bytes ...]\n" + text : text;
    }
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win")
        ? "NUL" : "/dev/null");
  }
}
