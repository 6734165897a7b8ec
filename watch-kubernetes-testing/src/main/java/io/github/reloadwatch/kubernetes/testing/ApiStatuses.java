package io.github.reloadwatch.kubernetes.testing;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import java.util.Objects;

/**
 * The refusals of a Kubernetes API server, as it sends them, for a {@link
 * KubernetesApiServer#scripted() scripted} server to answer with:
 *
 * <pre>{@code
 * api.expect().get().withPath("/api/v1/namespaces/prod/configmaps/app")
 *     .andReturn(403, ApiStatuses.forbidden("prod", "app", "get", "configmaps", "app"))
 *     .always();
 * }</pre>
 *
 * <p>Not constructed: static methods only. Each call returns a new object.
 *
 * @since 0.1.0
 */
public final class ApiStatuses {

  private ApiStatuses() {}

  /**
   * The 403 that RBAC answers when a service account may not do {@code verb} on the object.
   *
   * @param namespace the namespace of the object and of the service account
   * @param serviceAccount the name of the service account the request came from
   * @param verb {@code get}, {@code list} or {@code watch}
   * @param plural the resource, as in the request path: {@code configmaps}, {@code secrets}
   * @param name the object's name
   * @return a {@code Failure} status with code 403, reason {@code Forbidden} and the API server's
   *     message: {@code configmaps "app" is forbidden: User "system:serviceaccount:prod:app"
   *     cannot get resource "configmaps" in API group "" in the namespace "prod"}
   * @throws NullPointerException if an argument is null
   */
  public static Status forbidden(String namespace, String serviceAccount, String verb,
      String plural, String name) {
    Objects.requireNonNull(namespace, "namespace cannot be null");
    Objects.requireNonNull(serviceAccount, "serviceAccount cannot be null");
    Objects.requireNonNull(verb, "verb cannot be null");
    Objects.requireNonNull(plural, "plural cannot be null");
    Objects.requireNonNull(name, "name cannot be null");
    return new StatusBuilder().withCode(403).withReason("Forbidden").withStatus("Failure")
        .withMessage(plural + " \"" + name + "\" is forbidden: User \"system:serviceaccount:"
            + namespace + ":" + serviceAccount + "\" cannot " + verb + " resource \"" + plural
            + "\" in API group \"\" in the namespace \"" + namespace + "\"")
        .build();
  }

  /**
   * The 404 of a GET by name of an object that does not exist.
   *
   * @param plural the resource, as in the request path: {@code configmaps}, {@code secrets}
   * @param name the object's name
   * @return a {@code Failure} status with code 404, reason {@code NotFound} and the message
   *     {@code configmaps "app" not found}
   * @throws NullPointerException if an argument is null
   */
  public static Status notFound(String plural, String name) {
    Objects.requireNonNull(plural, "plural cannot be null");
    Objects.requireNonNull(name, "name cannot be null");
    return new StatusBuilder().withCode(404).withReason("NotFound").withStatus("Failure")
        .withMessage(plural + " \"" + name + "\" not found").build();
  }

  /**
   * The event that ends a watch whose resource version was compacted away (410 Gone): a client
   * must list again. Emit it on a scripted watch:
   * {@code .andUpgradeToWebSocket().open().immediately().andEmit(ApiStatuses.gone())}.
   *
   * @return an {@code ERROR} watch event carrying a status with code 410, reason {@code Expired}
   */
  public static WatchEvent gone() {
    return new WatchEvent(new StatusBuilder().withCode(410).withReason("Expired")
        .withMessage("too old resource version").build(), "ERROR");
  }
}
