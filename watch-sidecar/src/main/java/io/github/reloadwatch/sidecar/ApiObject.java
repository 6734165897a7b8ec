package io.github.reloadwatch.sidecar;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One object that {@code --from-configmap} or {@code --from-secret} names, and the directory it is
 * written into. The rule: with one object, {@code --materialize DIR} itself holds it (what a
 * volume mount at DIR would hold); with several, each gets {@code DIR/<name>}, so two objects of
 * the same name (a ConfigMap and a Secret, or two namespaces) are refused. Pure: reading the
 * options loads no Kubernetes class; {@link KubernetesSources} does the rest.
 *
 * @param kind a ConfigMap or a Secret
 * @param ref {@code NAME} or {@code NAMESPACE/NAME}, as given
 * @param directory where the object is written, absolute and normalized
 */
record ApiObject(Kind kind, String ref, Path directory) {

  /** What the options can name. */
  enum Kind {
    CONFIG_MAP("--from-configmap", "configmap"),
    SECRET("--from-secret", "secret");

    final String option;
    final String singular;

    Kind(String option, String singular) {
      this.option = option;
      this.singular = singular;
    }
  }

  /** The object's name, without its namespace. */
  String name() {
    return ref.substring(ref.indexOf('/') + 1);
  }

  /** For messages: {@code --from-configmap prod/app}. */
  String flag() {
    return kind.option + " " + ref;
  }

  /** For messages before the namespace is known: {@code configmap prod/app}. */
  String describe() {
    return kind.singular + " " + ref;
  }

  /**
   * The objects of the options, in the order given (ConfigMaps first), each with its directory.
   *
   * @throws UsageException if a reference is empty or malformed, an object is given twice, two
   *     objects would share a directory, or {@code --materialize} is missing or has no object
   */
  static List<ApiObject> plan(SidecarOptions o) {
    if (!o.fromApi()) {
      if (o.materialize != null) {
        throw new UsageException("--materialize needs --from-configmap or --from-secret: name the"
            + " object(s) to write into " + o.materialize);
      }
      return List.of();
    }
    if (o.materialize == null) {
      String option = o.fromConfigMaps.isEmpty() ? "--from-secret" : "--from-configmap";
      throw new UsageException(option + " needs --materialize DIR: the directory to write the"
          + " object into, and to watch (in Kubernetes, an emptyDir with medium: Memory that the"
          + " server mounts too)");
    }
    Path dir = o.materialize.toAbsolutePath().normalize();
    List<String[]> given = new ArrayList<>();
    o.fromConfigMaps.forEach(ref -> given.add(new String[] {Kind.CONFIG_MAP.name(), ref}));
    o.fromSecrets.forEach(ref -> given.add(new String[] {Kind.SECRET.name(), ref}));
    boolean several = given.size() > 1;
    Map<String, ApiObject> byName = new LinkedHashMap<>();
    List<ApiObject> objects = new ArrayList<>();
    for (String[] g : given) {
      Kind kind = Kind.valueOf(g[0]);
      String ref = g[1].strip();
      int slash = ref.indexOf('/');
      if (ref.isEmpty() || slash == 0 || slash == ref.length() - 1
          || ref.indexOf('/', slash + 1) >= 0) {
        throw new UsageException(kind.option + " takes [NAMESPACE/]NAME, like app-config or"
            + " monitoring/app-config, got '" + ref + "'");
      }
      String name = ref.substring(slash + 1);
      ApiObject object = new ApiObject(kind, ref, several ? dir.resolve(name) : dir);
      ApiObject other = byName.putIfAbsent(name, object);
      if (other != null) {
        throw new UsageException(other.flag().equals(object.flag())
            ? object.flag() + " is given twice"
            : other.flag() + " and " + object.flag() + " would both be written to ["
                + object.directory + "] (several objects go to --materialize DIR/<name>):"
                + " materialize one of them with a second sidecar or init container");
      }
      objects.add(object);
    }
    for (Path watched : o.watch) {
      Path w = watched.toAbsolutePath().normalize();
      if (w.startsWith(dir) || dir.startsWith(w)) {
        throw new UsageException("--watch " + watched + " overlaps --materialize " + o.materialize
            + ": the materialized directory is watched already; drop that --watch or choose"
            + " another --materialize directory");
      }
    }
    return List.copyOf(objects);
  }
}
