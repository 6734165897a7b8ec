package io.github.reloadwatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Sends a signal to a process on every reload: {@code SIGHUP} for nginx, HAProxy, Prometheus and
 * most daemons that reload on hangup.
 *
 * <pre>{@code
 * ReloadAction hup = SignalReloadAction.toPidFile(Path.of("/run/nginx.pid"), "HUP");
 * }</pre>
 *
 * <p>A PID file is read again on every reload, so a restarted target is found. In Kubernetes the
 * sidecar needs {@code shareProcessNamespace: true} to see the target's process. Signals are sent
 * with the POSIX {@code kill} utility through {@code sh}, so this action works on Unix-like systems
 * only. Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class SignalReloadAction implements ReloadAction {

  private static final Set<String> SIGNALS =
      Set.of("HUP", "INT", "QUIT", "USR1", "USR2", "TERM", "WINCH", "ALRM", "CONT", "KILL");
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private final Long pid;
  private final Path pidFile;
  private final String signal;

  private SignalReloadAction(Long pid, Path pidFile, String signal) {
    this.pid = pid;
    this.pidFile = pidFile;
    this.signal = signal;
  }

  /**
   * Returns an action that signals a fixed process.
   *
   * @param pid the process id
   * @param signal a signal name such as {@code HUP} or {@code SIGUSR1}
   * @return a new action
   * @throws IllegalArgumentException if the pid is not positive or the signal unknown
   */
  public static SignalReloadAction toPid(long pid, String signal) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid (" + pid + ") must be positive");
    }
    return new SignalReloadAction(pid, null, normalize(signal));
  }

  /**
   * Returns an action that signals the process whose id is in a file, read on every reload.
   *
   * @param pidFile a file holding a process id, like {@code /run/nginx.pid}
   * @param signal a signal name such as {@code HUP} or {@code SIGUSR1}
   * @return a new action
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the signal is unknown
   */
  public static SignalReloadAction toPidFile(Path pidFile, String signal) {
    Objects.requireNonNull(pidFile, "pidFile cannot be null");
    return new SignalReloadAction(null, pidFile.toAbsolutePath(), normalize(signal));
  }

  private static String normalize(String signal) {
    Objects.requireNonNull(signal, "signal cannot be null");
    String name = signal.strip().toUpperCase(Locale.ROOT);
    if (name.startsWith("SIG")) {
      name = name.substring(3);
    }
    if (!SIGNALS.contains(name)) {
      throw new IllegalArgumentException(
          "signal (" + signal + ") is not supported: use one of " + new TreeSet<>(SIGNALS));
    }
    return name;
  }

  /**
   * Sends the signal.
   *
   * @param event the reload
   * @throws ReloadFailedException if the process does not exist ({@linkplain
   *     ReloadFailedException#targetUnavailable() target unavailable}: retried soon)
   * @throws IOException if the pid file is missing or malformed, or the signal cannot be sent
   * @throws InterruptedException if interrupted while sending
   */
  @Override
  public void reload(ReloadEvent event) throws IOException, InterruptedException {
    long target = pid != null ? pid : readPid();
    if (ProcessHandle.of(target).isEmpty()) {
      throw ReloadFailedException.targetUnavailable(
          "no process with pid " + target + (pidFile != null ? " (from [" + pidFile + "])" : "")
              + ": is the target running? In Kubernetes, set shareProcessNamespace: true", null);
    }
    Process kill =
        new ProcessBuilder("sh", "-c", "kill -s \"$0\" \"$1\"", signal, Long.toString(target))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      kill.destroyForcibly();
      throw new IOException("sending SIG" + signal + " to pid " + target + " timed out");
    }
    if (kill.exitValue() != 0) {
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      throw new IOException(
          "cannot send SIG" + signal + " to pid " + target + ": " + output.strip()
              + " (is it owned by another user?)");
    }
  }

  private long readPid() throws IOException {
    String text;
    try {
      text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          pidFile.toString(), null, "pid file missing: is the target running, and is the path"
              + " right?");
    }
    try {
      long value = Long.parseLong(text);
      if (value <= 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IOException(
          "[" + pidFile + "] does not hold a process id (found \""
              + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "\")");
    }
  }

  @Override
  public String toString() {
    return "SignalReloadAction{SIG" + signal + " to "
        + (pid != null ? "pid " + pid : "pid file " + pidFile) + "}";
  }
}
