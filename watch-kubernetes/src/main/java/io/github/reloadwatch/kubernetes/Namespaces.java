package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where an object given without a namespace lives: the client's namespace (the kubeconfig
 * context's, or the pod's when fabric8 configured itself in a cluster), else the pod's own
 * namespace from its service account mount, else an error that says how to give one.
 */
final class Namespaces {

  /** Where Kubernetes mounts a pod's namespace. */
  static final Path POD_NAMESPACE_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private Namespaces() {}

  static ObjectRef resolve(ObjectRef ref, KubernetesClient client, Path podNamespaceFile)
      throws IOException {
    if (ref.namespace() != null) {
      return ref;
    }
    String fromClient = client.getNamespace();
    if (fromClient != null && !fromClient.isBlank()) {
      return ref.inNamespace(fromClient.strip());
    }
    try {
      String fromPod = Files.readString(podNamespaceFile, StandardCharsets.UTF_8).strip();
      if (!fromPod.isEmpty()) {
        return ref.inNamespace(fromPod);
      }
    } catch (NoSuchFileException e) {
      // not in a pod
    }
    throw new IOException("no namespace for " + ref + ": give it as NAMESPACE/NAME, set a"
        + " namespace in the kubeconfig context, or run in a pod (which has ["
        + podNamespaceFile + "])");
  }
}
