package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which object a materializer follows: a ConfigMap or a Secret, by namespace and name. The
 * namespace is null until {@link Namespaces} resolved it. Names are checked against the API
 * server's own rules in the builder, so they are safe in a field selector and a file name.
 */
record ObjectRef(Kind kind, String namespace, String name) {

  /** The two kinds a volume can project and this module can materialise. */
  enum Kind {
    CONFIG_MAP("configmap", "configmaps", ConfigMap.class,
        KubernetesMaterializer.DEFAULT_CONFIG_MAP_MODE),
    SECRET("secret", "secrets", Secret.class, KubernetesMaterializer.DEFAULT_SECRET_MODE);

    final String singular;
    final String plural;
    final Class<? extends HasMetadata> type;
    final int defaultMode;

    Kind(String singular, String plural, Class<? extends HasMetadata> type, int defaultMode) {
      this.singular = singular;
      this.plural = plural;
      this.type = type;
      this.defaultMode = defaultMode;
    }
  }

  /** A DNS-1123 subdomain: what the API server accepts as a ConfigMap or Secret name. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** A DNS-1123 label: what the API server accepts as a namespace name. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  ObjectRef {
    Objects.requireNonNull(kind, "kind cannot be null");
    Objects.requireNonNull(name, "name cannot be null");
  }

  /**
   * Parses {@code NAME} or {@code NAMESPACE/NAME}, as the sidecar's {@code --from-configmap} and
   * {@code --from-secret} take them.
   */
  static ObjectRef parse(Kind kind, String ref) {
    Objects.requireNonNull(ref, kind.singular + " cannot be null");
    int slash = ref.indexOf('/');
    if (slash < 0) {
      return new ObjectRef(kind, null, checkName(kind, ref));
    }
    if (ref.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(kind.singular + " (" + ref + ") must be NAME or"
          + " NAMESPACE/NAME");
    }
    return of(kind, ref.substring(0, slash), ref.substring(slash + 1));
  }

  static ObjectRef of(Kind kind, String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace cannot be null");
    return new ObjectRef(kind, checkNamespace(namespace), checkName(kind, name));
  }

  static String checkName(Kind kind, String name) {
    Objects.requireNonNull(name, kind.singular + " name cannot be null");
    if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(kind.singular + " name (" + name + ") must be a DNS"
          + " subdomain: lowercase letters, digits, '-' and '.', at most 253 characters");
    }
    return name;
  }

  static String checkNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace cannot be null");
    if (namespace.length() > 63 || !LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace (" + namespace + ") must be a DNS label:"
          + " lowercase letters, digits and '-', at most 63 characters");
    }
    return namespace;
  }

  ObjectRef inNamespace(String resolved) {
    return new ObjectRef(kind, checkNamespace(resolved), name);
  }

  /** The fabric8 handle on this one object: GETs by name, and informers by name field selector. */
  @SuppressWarnings("unchecked")
  Resource<HasMetadata> resource(KubernetesClient client) {
    return (Resource<HasMetadata>) (Resource<?>) client.resources(kind.type)
        .inNamespace(namespace).withName(name);
  }

  /** For messages: {@code configmap prod/app-config}, or without namespace before resolution. */
  @Override
  public String toString() {
    return kind.singular + " " + (namespace == null ? "" : namespace + "/") + name;
  }
}
