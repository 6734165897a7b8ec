package io.github.reloadwatch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates content with an external checker: {@code promtool check config {file}}, {@code
 * amtool check-config {file}}, {@code nginx -t -c {file}}. Exit code 0 means valid; any other code
 * rejects the content with the checker's output as the reason.
 *
 * <pre>{@code
 * Validator promtool = CommandValidator.builder()
 *     .command("promtool", "check", "config", "{file}")
 *     .file(Path.of("/etc/prometheus/prometheus.yml"))
 *     .timeout(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>{@code {file}} in an argument is replaced with where the file's new content is now (see
 * {@link ValidationContext#locate(Path)}). Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CommandValidator implements Validator {

  /** The default time the checker may run: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final int OUTPUT_LIMIT = 4096;

  private final List<String> command;
  private final Path file;
  private final Duration timeout;

  private CommandValidator(Builder builder) {
    this.command = List.copyOf(builder.command);
    this.file = builder.file;
    this.timeout = builder.timeout;
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
   * Runs the checker.
   *
   * @param context the content to check
   * @throws ReloadRejectedException if the checker exits with a non-zero code
   * @throws IOException if the checker cannot run or times out
   * @throws InterruptedException if interrupted; the checker is destroyed
   */
  @Override
  public void validate(ValidationContext context)
      throws IOException, InterruptedException, ReloadRejectedException {
    List<String> args = new ArrayList<>();
    String location = file == null ? null : context.locate(file).toString();
    for (String arg : command) {
      args.add(location == null ? arg : arg.replace("{file}", location));
    }
    ProcessRunner.Outcome outcome = ProcessRunner.run(args, timeout, null, Map.of());
    if (outcome.exitCode() != 0) {
      String text = context.snapshot().redact(outcome.output()).strip();
      if (location != null) {
        text = text.replace(location, file.toString()); // name the real file, not the staging one
      }
      if (text.length() > OUTPUT_LIMIT) {
        text = text.substring(0, OUTPUT_LIMIT) + "...";
      }
      throw new ReloadRejectedException(ProcessRunner.program(command) + " rejected "
          + (file != null ? "[" + file + "]" : "the content") + " (exit " + outcome.exitCode()
          + "): " + text);
    }
  }

  @Override
  public String toString() {
    return "CommandValidator{program=" + ProcessRunner.program(command) + ", file=" + file + "}";
  }

  /** Builds a {@link CommandValidator}. Not thread-safe. */
  public static final class Builder {
    private List<String> command = List.of();
    private Path file;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /**
     * Sets the checker and its arguments; {@code {file}} is replaced with the file to check.
     *
     * @param command the program and its arguments
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if no program is given
     */
    public Builder command(String... command) {
      this.command = ProcessRunner.checkCommand(Arrays.asList(command));
      return this;
    }

    /**
     * Sets the logical file to check: a watched file or a render output. Required when an
     * argument contains {@code {file}}.
     *
     * @param file the logical path
     * @return this builder
     * @throws NullPointerException if {@code file} is null
     */
    public Builder file(Path file) {
      this.file = Objects.requireNonNull(file, "file cannot be null").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Sets how long the checker may run. Defaults to 30 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = ProcessRunner.checkTimeout(timeout);
      return this;
    }

    /**
     * Builds the validator.
     *
     * @return a new validator
     * @throws IllegalStateException if no command was set, or {@code {file}} is used without
     *     {@link #file(Path)}
     */
    public CommandValidator build() {
      if (command.isEmpty()) {
        throw new IllegalStateException("no command: call command(...) before build()");
      }
      if (file == null && command.stream().anyMatch(a -> a.contains("{file}"))) {
        throw new IllegalStateException(
            "the command uses {file}: call file(...) to say which file to check");
      }
      return new CommandValidator(this);
    }
  }
}
