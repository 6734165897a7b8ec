/**
 * The reloadwatch sidecar ({@code java -jar reloadwatch-sidecar.jar}); {@link
 * io.github.reloadwatch.sidecar.Sidecar} is the entry point. Inside, one concern per file: {@code
 * CliGrammar} (options as data, parsed by Apache Commons CLI: last value wins, lists, {@code
 * RELOADWATCH_<OPTION>} defaults, help), {@code SidecarOptions} (reloadwatch's options,
 * configmap-reload's as aliases), {@code Conversions} (values, redaction), {@code OptionChecks}
 * (combinations, exit 2), the peers' front ends {@code WeaveworksWatchArgs} and {@code
 * PrometheusConfigReloaderArgs}, {@code Targets} (each reload target built in one place, under
 * one name; the HTTP ones in {@code HttpTargets}, the only file that touches watch-http, loaded
 * only when such a target is given), {@code WatcherAssembly} (the {@link
 * io.github.reloadwatch.ReloadWatcher}), {@code SidecarRun} (start-up, waiting, SIGTERM), {@code
 * StatusServer} and {@code HealthCheck} (probes), {@code SidecarMetrics} and {@code
 * ConfigmapReloadMetrics} (the peers' metric names next to reloadwatch's; the JVM's set up at the
 * first scrape), and {@code logging.SidecarLogConfigurator} (logback: text, logfmt or JSON).
 * Straight from the Kubernetes API ({@code --from-configmap}, {@code --from-secret}, {@code
 * --materialize}): {@code ApiObject} (which objects, which directories; no Kubernetes class),
 * {@code KubernetesSources} (the materializers and their one fabric8 client) and {@code
 * KubernetesMetrics}, the only files that touch watch-kubernetes and fabric8, loaded only when
 * such an option is given.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.sidecar;
