package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Turns fabric8 failures into this module's exceptions and into one-line descriptions that are
 * safe to log. fabric8 messages may quote a response body or a watch frame (a Secret's data, for
 * example in a deserialization error), so only status codes, reasons and I/O messages are kept.
 */
final class ApiErrors {

  private ApiErrors() {}

  /** The HTTP status in {@code t}'s cause chain, or 0 if the server was not reached. */
  static int code(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return k.getCode();
      }
    }
    return 0;
  }

  /** Translates a failed request about {@code ref}; {@code verb} is get, list or watch. */
  static KubernetesApiException translate(ObjectRef ref, String verb, Throwable t) {
    int code = code(t);
    if (code == 403) {
      return new KubernetesForbiddenException(
          verb, ref.kind().plural, ref.namespace(), ref.name(), null);
    }
    String hint = switch (code) {
      case 0 -> ": check that the API server is reachable (kubeconfig server URL, network policy)";
      case 401 -> ": the credentials were refused; check the kubeconfig user or the service"
          + " account token";
      default -> "";
    };
    return new KubernetesApiException(
        "cannot " + verb + " " + ref + ": " + describe(t) + hint, code, null);
  }

  /** A description of {@code t} without any text that could come from a response body. */
  static String describe(Throwable t) {
    int code = code(t);
    if (code > 0) {
      String reason = reason(t);
      return "HTTP " + code + (reason == null ? "" : " " + reason);
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof WatcherException) {
        break; // its message may quote the frame it could not read
      }
      root = root.getCause();
    }
    if (root instanceof WatcherException) {
      return "the watch failed (" + root.getClass().getSimpleName() + ")";
    }
    boolean io = root instanceof IOException || root instanceof TimeoutException;
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (io && message != null ? ": " + message : "");
  }

  private static String reason(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k) {
        Status status = k.getStatus();
        if (status != null && status.getReason() != null) {
          return status.getReason();
        }
      }
    }
    return null;
  }
}
