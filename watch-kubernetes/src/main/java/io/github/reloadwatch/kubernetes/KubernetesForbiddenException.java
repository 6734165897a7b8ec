package io.github.reloadwatch.kubernetes;

/**
 * The API server refused a request with 403 Forbidden: the identity (usually the pod's service
 * account) lacks an RBAC rule. The message names the rule to grant: verb, resource, resource name
 * and namespace, for example
 *
 * <pre>
 * forbidden (403): cannot get configmaps "app-config" in namespace "prod": grant a Role with
 * apiGroups [""], resources ["configmaps"], resourceNames ["app-config"], verbs ["get", "list",
 * "watch"] in namespace "prod" and bind it to the service account
 * </pre>
 *
 * @since 0.1.0
 */
public final class KubernetesForbiddenException extends KubernetesApiException {

  private static final long serialVersionUID = 1L;

  private final String verb;
  private final String resource;
  private final String namespace;
  private final String name;

  /**
   * Creates the exception; the message is composed from the rule.
   *
   * @param verb the refused verb: {@code get}, {@code list} or {@code watch}
   * @param resource the resource, {@code configmaps} or {@code secrets}
   * @param namespace the namespace
   * @param name the object's name
   * @param cause the underlying failure, or null
   */
  public KubernetesForbiddenException(
      String verb, String resource, String namespace, String name, Throwable cause) {
    super("forbidden (403): cannot " + verb + " " + resource + " \"" + name + "\" in namespace \""
        + namespace + "\": grant a Role with apiGroups [\"\"], resources [\"" + resource
        + "\"], resourceNames [\"" + name + "\"], verbs [\"get\", \"list\", \"watch\"] in"
        + " namespace \"" + namespace + "\" and bind it to the service account", 403, cause);
    this.verb = verb;
    this.resource = resource;
    this.namespace = namespace;
    this.name = name;
  }

  /**
   * Returns the refused verb.
   *
   * @return {@code get}, {@code list} or {@code watch}
   */
  public String verb() {
    return verb;
  }

  /**
   * Returns the resource of the missing rule.
   *
   * @return {@code configmaps} or {@code secrets}
   */
  public String resource() {
    return resource;
  }

  /**
   * Returns the namespace of the missing rule.
   *
   * @return the namespace
   */
  public String namespace() {
    return namespace;
  }

  /**
   * Returns the resource name of the missing rule.
   *
   * @return the object's name
   */
  public String name() {
    return name;
  }
}
