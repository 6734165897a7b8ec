/**
 * The reloadwatch sidecar ({@code java -jar reloadwatch-sidecar.jar}): {@link
 * io.github.reloadwatch.sidecar.Sidecar} parses the command line (picocli, every option also from
 * {@code RELOADWATCH_<OPTION>}) and runs a {@link io.github.reloadwatch.ReloadWatcher}; {@code
 * StatusServer} serves {@code /healthz}, {@code /readyz} and {@code /metrics}; {@code
 * SidecarMetrics} keeps the Thanos-reloader-compatible metrics; {@code logging.SidecarLogging} is
 * the SLF4J provider behind {@code --log-format text|json}.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.sidecar;
