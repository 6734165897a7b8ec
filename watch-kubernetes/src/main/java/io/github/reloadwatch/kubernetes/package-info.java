/**
 * Materialises a Kubernetes ConfigMap or Secret from the API into a local directory in kubelet's
 * volume layout, so that an update reaches the application in milliseconds instead of after
 * kubelet's next sync of the pod. Entry point: {@link
 * io.github.reloadwatch.kubernetes.KubernetesMaterializer}; its health is a {@link
 * io.github.reloadwatch.kubernetes.MaterializerStatus}.
 *
 * <p>Exceptions: {@link io.github.reloadwatch.kubernetes.KubernetesApiException} for a failed
 * request, {@link io.github.reloadwatch.kubernetes.KubernetesForbiddenException} when RBAC refuses
 * one (its message names the rule), {@link
 * io.github.reloadwatch.kubernetes.KubernetesNotFoundException} when a required object is missing,
 * {@link io.github.reloadwatch.kubernetes.InvalidPayloadException} for an object kubelet would
 * refuse to project.
 *
 * <p>Everything else is package-private, one concern per file: {@code MaterializerEngine}
 * (lifecycle, and the informer wired to the apply thread), {@code MaterializerThreads} (which
 * threads run, and how they stop), {@code WatchLiveness} (is the watch still alive?), {@code
 * AntiEntropy} (how is drift repaired?), {@code ReportingApplier} (an apply's outcome, logged and
 * kept for the status), {@code VersionApplier} (one write per version, deletes as kubelet does),
 * {@code Payloads} (an object's files, as kubelet's MakePayload), {@code ObjectRef} and {@code
 * Namespaces} (which object, in which namespace), {@code ApiErrors} (errors that are safe to log).
 * Every line is logged under {@code KubernetesMaterializer}.
 *
 * @since 0.1.0
 */
package io.github.reloadwatch.kubernetes;
