/**
 * Test support for code that reads ConfigMaps and Secrets from the Kubernetes API, such as
 * watch-kubernetes' {@code KubernetesMaterializer}: {@link
 * io.github.reloadwatch.kubernetes.testing.KubernetesApiServer}, fabric8's mock API server on the
 * loopback address, with a store ({@code crud()}) or with scripted answers ({@code scripted()}),
 * and {@link io.github.reloadwatch.kubernetes.testing.ApiStatuses}, the refusals a scripted server
 * answers with.
 *
 * <pre>{@code
 * try (KubernetesApiServer api = KubernetesApiServer.crud()) {
 *   api.putConfigMap("test", "app-config", Map.of("app.properties", "greeting=hello"));
 *   KubernetesClient client = api.client("test");
 *   // ... the code under test reads test/app-config through client
 * }
 * }</pre>
 *
 * <p>Add it with test scope:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.github.reloadwatch</groupId>
 *   <artifactId>watch-kubernetes-testing</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 */
package io.github.reloadwatch.kubernetes.testing;
