/**
 * Runnable examples of embedding reloadwatch: {@link
 * io.github.reloadwatch.examples.SettingsReloadExample} (in-process settings), {@link
 * io.github.reloadwatch.examples.ExporterExample} (a custom exporter's target list) and {@link
 * io.github.reloadwatch.examples.MultiTargetExample} (Prometheus and Alertmanager together). The
 * sidecar lives in {@code io.github.reloadwatch.examples.sidecar}.
 */
package io.github.reloadwatch.examples;
