package io.github.reloadwatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command on every reload: the {@code weaveworks/watch -p=/etc/prometheus curl -X POST ...}
 * use case, or any script.
 *
 * <pre>{@code
 * ReloadAction curl = CommandReloadAction.of(
 *     "curl", "-fsS", "-X", "POST", "http://localhost:9090/-/reload");
 * ReloadAction script = CommandReloadAction.builder()
 *     .command("/usr/local/bin/apply-config.sh")
 *     .timeout(Duration.ofMinutes(2))
 *     .rejectOnExitCode(3)          // the script's "invalid config" exit code
 *     .build();
 * }</pre>
 *
 * <p>The command gets the environment variables {@code RELOADWATCH_REASON} (for example {@code
 * CHANGE}), {@code RELOADWATCH_DIGEST} (the snapshot digest), {@code RELOADWATCH_CHANGED_FILE} (a
 * file listing the paths changed since the last applied snapshot, one per line, deleted after the
 * command) and {@code RELOADWATCH_CHANGED} (the same list, unless it is longer than 32 KiB: then
 * it is empty and {@code RELOADWATCH_CHANGED_TRUNCATED} is {@code true}, since the OS refuses long
 * environment strings). Its standard output and error are logged at INFO, line by line,
 * with every value the watcher substituted into rendered outputs redacted. Exit
 * code 0 is success; a code listed with {@link Builder#rejectOnExitCode(int...)} is a rejection (not
 * retried); a code listed with {@link Builder#unavailableOnExitCode(int...)} means the target is
 * not there yet ({@link ReloadFailedException#targetUnavailable(String, Throwable)}: retried every {@link
 * RetryPolicy#unavailableInterval()} without backing off, e.g. curl's 7, "could not connect");
 * any other code, or running past the timeout, is a failure (retried with backoff).
 *
 * <p>Only the program name, never the arguments, appears in logs, exceptions and {@link
 * #toString()}, since arguments often carry tokens. Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CommandReloadAction implements ReloadAction {

  /** The default time a command may run: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger logger = LoggerFactory.getLogger(CommandReloadAction.class);

  /** The longest list passed in {@code RELOADWATCH_CHANGED}; longer ones only in the file. */
  static final int CHANGED_LIMIT = 32 * 1024;

  private final List<String> command;
  private final Duration timeout;
  private final Path workingDirectory;
  private final Map<String, String> environment;
  private final Set<Integer> rejectExitCodes;
  private final Set<Integer> unavailableExitCodes;

  private CommandReloadAction(Builder builder) {
    this.command = List.copyOf(builder.command);
    this.timeout = builder.timeout;
    this.workingDirectory = builder.workingDirectory;
    this.environment = Map.copyOf(builder.environment);
    this.rejectExitCodes = Set.copyOf(builder.rejectExitCodes);
    this.unavailableExitCodes = Set.copyOf(builder.unavailableExitCodes);
  }

  /**
   * Returns an action that runs the command with the default settings.
   *
   * @param command the program and its arguments
   * @return a new action
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if no program is given
   */
  public static CommandReloadAction of(String... command) {
    return builder().command(command).build();
  }

  /**
   * Returns a new builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the command and waits for it.
   *
   * @param event the reload
   * @throws ReloadRejectedException if the exit code is one of the reject codes
   * @throws ReloadFailedException if the exit code is one of the unavailable codes ({@link
   *     ReloadFailedException#targetUnavailable() targetUnavailable()})
   * @throws IOException if the command cannot start, exits with another non-zero code, or times out
   * @throws InterruptedException if interrupted while waiting; the command is destroyed
   */
  @Override
  public void reload(ReloadEvent event)
      throws IOException, InterruptedException, ReloadRejectedException {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("RELOADWATCH_REASON", event.reason().name());
    env.put("RELOADWATCH_DIGEST", event.snapshot().digest());
    String changed =
        event.changes().stream().map(c -> c.path().toString()).collect(Collectors.joining("\n"));
    Path changedFile = Files.createTempFile("reloadwatch-changed-", ".txt");
    ProcessRunner.Outcome outcome;
    try {
      Files.writeString(changedFile, changed.isEmpty() ? "" : changed + "\n",
          StandardCharsets.UTF_8);
      env.put("RELOADWATCH_CHANGED_FILE", changedFile.toString());
      // one environment string may not exceed 128 KiB on Linux ("Argument list too long")
      boolean fits = changed.length() <= CHANGED_LIMIT;
      env.put("RELOADWATCH_CHANGED", fits ? changed : "");
      env.put("RELOADWATCH_CHANGED_TRUNCATED", fits ? "false" : "true");
      outcome = ProcessRunner.run(command, timeout, workingDirectory, env);
    } finally {
      Files.deleteIfExists(changedFile);
    }
    String program = ProcessRunner.program(command);
    String output = event.snapshot().redact(outcome.output());
    output.lines().forEach(line -> logger.info("{}: {}", program, line));
    if (outcome.exitCode() == 0) {
      return;
    }
    String message = program + " exited with code " + outcome.exitCode()
        + ProcessRunner.summary(output);
    if (rejectExitCodes.contains(outcome.exitCode())) {
      throw new ReloadRejectedException(message);
    }
    if (unavailableExitCodes.contains(outcome.exitCode())) {
      throw ReloadFailedException.targetUnavailable(message, null);
    }
    throw new IOException(message);
  }

  @Override
  public String toString() {
    return "CommandReloadAction{program=" + ProcessRunner.program(command) + ", args=" + (command.size() - 1)
        + ", timeout=" + timeout + "}";
  }

  /** Builds a {@link CommandReloadAction}. Not thread-safe. */
  public static final class Builder {
    private List<String> command = List.of();
    private Duration timeout = DEFAULT_TIMEOUT;
    private Path workingDirectory;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Set<Integer> rejectExitCodes = new LinkedHashSet<>();
    private final Set<Integer> unavailableExitCodes = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets the program and its arguments. No shell is involved: use {@code "sh", "-c", "..."} for
     * pipes or variables.
     *
     * @param command the program and its arguments
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if no program is given
     */
    public Builder command(String... command) {
      return command(Arrays.asList(command));
    }

    /**
     * Sets the program and its arguments.
     *
     * @param command the program and its arguments
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if no program is given
     */
    public Builder command(List<String> command) {
      this.command = ProcessRunner.checkCommand(command);
      return this;
    }

    /**
     * Sets how long the command may run before it is killed and the reload counted as failed.
     * Defaults to 30 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = ProcessRunner.checkTimeout(timeout);
      return this;
    }

    /**
     * Sets the working directory. Defaults to the JVM's.
     *
     * @param workingDirectory a directory
     * @return this builder
     * @throws NullPointerException if {@code workingDirectory} is null
     */
    public Builder workingDirectory(Path workingDirectory) {
      this.workingDirectory =
          Objects.requireNonNull(workingDirectory, "workingDirectory cannot be null");
      return this;
    }

    /**
     * Adds an environment variable for the command, on top of the JVM's environment.
     *
     * @param name the variable name
     * @param value its value
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder environment(String name, String value) {
      environment.put(
          Objects.requireNonNull(name, "name cannot be null"),
          Objects.requireNonNull(value, "value cannot be null"));
      return this;
    }

    /**
     * Sets exit codes that mean "the content is invalid": such a reload is rejected and not
     * retried until the content changes. By default every non-zero code is a retryable failure.
     *
     * @param exitCodes non-zero exit codes
     * @return this builder
     * @throws IllegalArgumentException if a code is 0 or already an unavailable code
     */
    public Builder rejectOnExitCode(int... exitCodes) {
      for (int code : exitCodes) {
        if (code == 0) {
          throw new IllegalArgumentException("exit code 0 means success and cannot be a reject code");
        }
        if (unavailableExitCodes.contains(code)) {
          throw new IllegalArgumentException("exit code " + code + " already means \"target"
              + " unavailable\"; a code means either that or \"invalid content\"");
        }
        rejectExitCodes.add(code);
      }
      return this;
    }

    /**
     * Sets exit codes that mean "the target is not there yet" (it refuses connections, its
     * process has not started): such a reload is retried every {@link
     * RetryPolicy#unavailableInterval()} for as long as that lasts, with one log line for the
     * whole run, instead of backing off. For {@code curl}, {@code 7} (could not connect) and
     * {@code 6} (could not resolve the host) fit; a code may not also be a reject code.
     *
     * @param exitCodes non-zero exit codes
     * @return this builder
     * @throws IllegalArgumentException if a code is 0 or already a reject code
     */
    public Builder unavailableOnExitCode(int... exitCodes) {
      for (int code : exitCodes) {
        if (code == 0) {
          throw new IllegalArgumentException(
              "exit code 0 means success and cannot mean \"unavailable\"");
        }
        if (rejectExitCodes.contains(code)) {
          throw new IllegalArgumentException("exit code " + code + " is already a reject code;"
              + " a code means either \"invalid content\" or \"target unavailable\"");
        }
        unavailableExitCodes.add(code);
      }
      return this;
    }

    /**
     * Builds the action.
     *
     * @return a new action
     * @throws IllegalStateException if no command was set
     */
    public CommandReloadAction build() {
      if (command.isEmpty()) {
        throw new IllegalStateException("no command: call command(...) before build()");
      }
      return new CommandReloadAction(this);
    }
  }
}
