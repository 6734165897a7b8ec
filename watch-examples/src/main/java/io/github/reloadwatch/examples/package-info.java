/**
 * Runnable examples of embedding reloadwatch: {@link
 * io.github.reloadwatch.examples.SettingsReloadExample} (in-process settings), {@link
 * io.github.reloadwatch.examples.ExporterExample} (a custom exporter's target list) and {@link
 * io.github.reloadwatch.examples.MultiTargetExample} (Prometheus and Alertmanager together). The
 * one-command demo is {@code io.github.reloadwatch.examples.demo.Demo}; the sidecar is its own
 * module, {@code watch-sidecar}.
 */
package io.github.reloadwatch.examples;
