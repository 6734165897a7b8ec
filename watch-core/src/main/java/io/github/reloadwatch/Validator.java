package io.github.reloadwatch;

/**
 * Checks new content before any action runs. Invalid content is rejected: no reload, one WARN with
 * the validator's message, {@link WatchStatus#failing()} set, and the last good snapshot stays the
 * applied one until the content changes again.
 *
 * <pre>{@code
 * Validator promtool = CommandValidator.builder()
 *     .command("promtool", "check", "config", "{file}")
 *     .file(Path.of("/etc/prometheus/prometheus.yml"))
 *     .build();
 * ReloadWatcher.builder().addPath(dir).addValidator(promtool).addAction(reload).build();
 * }</pre>
 *
 * <p>Validators run on the reload thread, in order, after rendering and before the actions.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Validator {

  /**
   * Validates the new content.
   *
   * @param context the new snapshot, and where each file's new content can be read now (rendered
   *     outputs are still in a staging file at this point)
   * @throws ReloadRejectedException if the content is invalid; the message says why
   * @throws InterruptedException if interrupted (the watcher is closing)
   * @throws Exception if the check itself could not run; the reload is then retried with backoff
   */
  void validate(ValidationContext context) throws Exception;
}
