// Validates Kubernetes manifests offline against the Kubernetes OpenAPI schemas (kubernetes-models
// runs ajv on each object), then checks this project's own rules:
//  - every container of a workload, native sidecars included (init containers with
//    restartPolicy: Always), has liveness and readiness probes, resource requests and a memory
//    limit; a native sidecar also has a startupProbe, so the containers after it wait for it;
//  - RBAC on configmaps and secrets is read-only (get, list, watch) and names its objects
//    (resourceNames);
//  - a pod with a service account does not mount its token into every container
//    (automountServiceAccountToken: false, a projected token only where needed);
//  - the reloadwatch sidecar's --from-configmap/--from-secret objects are readable by the pod's
//    service account through a Role and RoleBinding in the files, and --materialize DIR is an
//    emptyDir mounted there (medium: Memory with --from-secret).
//
//   npm ci --prefix deploy/validate            (once; afterwards no network is needed)
//   node deploy/validate/validate.mjs deploy/kubernetes [more files or directories]
//
// Exits 0 when every document is valid, 1 with one line per problem otherwise, 2 on bad usage.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: node validate.mjs FILE_OR_DIRECTORY...");
  process.exit(2);
}

function manifests(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort()
      .flatMap((f) => manifests(join(path, f)));
  }
  return [path];
}

async function model(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const module = `kubernetes-models/${group ? group + "/" : ""}${version}/${kind}`;
  try {
    const loaded = await import(module);
    return loaded[kind] ?? loaded.default;
  } catch {
    return null;
  }
}

function podSpec(object) {
  const spec = object.spec ?? {};
  if (object.kind === "Pod") return spec;
  if (object.kind === "CronJob") return spec.jobTemplate?.spec?.template?.spec;
  return spec.template?.spec;
}

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet", "Pod"];
const READ = ["get", "list", "watch"];

function containerRules(c, at, problems) {
  if (!c.livenessProbe) problems.push(`${at} has no livenessProbe`);
  if (!c.readinessProbe) problems.push(`${at} has no readinessProbe`);
  if (!c.resources?.requests) problems.push(`${at} has no resources.requests`);
  if (!c.resources?.limits?.memory) problems.push(`${at} has no resources.limits.memory`);
}

function ownRules(object, where, problems) {
  const pod = podSpec(object);
  if (!pod || !WORKLOADS.includes(object.kind)) return;
  for (const c of pod.containers ?? []) {
    containerRules(c, `${where}: container ${c.name}`, problems);
  }
  for (const c of pod.initContainers ?? []) {
    const at = `${where}: init container ${c.name}`;
    if (c.restartPolicy === undefined) continue;
    if (c.restartPolicy !== "Always") {
      problems.push(`${at} has restartPolicy ${c.restartPolicy}: an init container takes only`
        + " Always (a native sidecar, Kubernetes 1.29+)");
      continue;
    }
    containerRules(c, `${at} (a native sidecar)`, problems);
    if (!c.startupProbe) {
      problems.push(`${at} is a native sidecar without a startupProbe: the containers after it`
        + " start before it is ready");
    }
  }
  if (pod.serviceAccountName && pod.serviceAccountName !== "default"
      && pod.automountServiceAccountToken !== false) {
    problems.push(`${where}: the token of service account ${pod.serviceAccountName} is mounted`
      + " into every container: set automountServiceAccountToken: false and mount a projected"
      + " token only where it is needed");
  }
}

function rbacRules(object, where, problems) {
  if (!["Role", "ClusterRole"].includes(object.kind)) return;
  for (const [i, rule] of (object.rules ?? []).entries()) {
    const sensitive = (rule.resources ?? [])
      .filter((r) => ["configmaps", "secrets", "*"].includes(r));
    const core = (rule.apiGroups ?? []).some((g) => g === "" || g === "*");
    if (sensitive.length === 0 || !core) continue;
    const at = `${where}: rules[${i}] on ${sensitive.join(", ")}`;
    const extra = (rule.verbs ?? []).filter((v) => !READ.includes(v));
    if (extra.length > 0) {
      problems.push(`${at} grants ${extra.join(", ")}: reading needs only get, list, watch`);
    }
    if (!rule.resourceNames || rule.resourceNames.length === 0) {
      problems.push(`${at} has no resourceNames: name the objects it may read`);
    }
  }
}

/** The values of a reloadwatch option in a container's args (--opt=V, --opt V) and environment. */
function optionValues(c, option, variable) {
  const values = [];
  const args = [...(c.command ?? []), ...(c.args ?? [])].map(String);
  for (const [i, a] of args.entries()) {
    if (a.startsWith(option + "=")) values.push(...a.slice(option.length + 1).split(","));
    else if (a === option && i + 1 < args.length) values.push(...args[i + 1].split(","));
  }
  for (const e of c.env ?? []) {
    if (e.name === variable && typeof e.value === "string") values.push(...e.value.split(","));
  }
  return values.map((v) => v.trim()).filter((v) => v.length > 0);
}

/** Whether a Role bound to the service account lets it get, list and watch one object. */
function canRead(all, namespace, account, resource, name) {
  return all.some((binding) => binding.kind === "RoleBinding"
    && (binding.metadata?.namespace ?? "default") === namespace
    && (binding.subjects ?? []).some((s) => s.kind === "ServiceAccount" && s.name === account
      && (s.namespace ?? namespace) === namespace)
    && all.some((role) => role.kind === binding.roleRef?.kind
      && role.metadata?.name === binding.roleRef?.name
      && (role.kind === "ClusterRole" || (role.metadata?.namespace ?? "default") === namespace)
      && (role.rules ?? []).some((r) => (r.apiGroups ?? []).includes("")
        && (r.resources ?? []).includes(resource)
        && READ.every((v) => (r.verbs ?? []).includes(v))
        && (!r.resourceNames || r.resourceNames.length === 0 || r.resourceNames.includes(name)))));
}

function sidecarRules(object, where, all, problems) {
  const pod = podSpec(object);
  if (!pod || !WORKLOADS.includes(object.kind)) return;
  const namespace = object.metadata?.namespace ?? "default";
  const account = pod.serviceAccountName ?? "default";
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const at = `${where}: container ${c.name}`;
    const objects = [
      ...optionValues(c, "--from-configmap", "RELOADWATCH_FROM_CONFIGMAP")
        .map((r) => ["configmaps", r]),
      ...optionValues(c, "--from-secret", "RELOADWATCH_FROM_SECRET")
        .map((r) => ["secrets", r]),
    ];
    if (objects.length === 0) continue;
    for (const [resource, ref] of objects) {
      const [ns, name] = ref.includes("/") ? ref.split("/", 2) : [namespace, ref];
      if (!canRead(all, ns, account, resource, name)) {
        problems.push(`${at} reads ${resource} "${name}" in namespace ${ns}, but no Role bound to`
          + ` service account ${account} there grants get, list, watch on it`);
      }
    }
    const [dir] = optionValues(c, "--materialize", "RELOADWATCH_MATERIALIZE");
    if (!dir) {
      problems.push(`${at} has --from-configmap/--from-secret without --materialize`);
      continue;
    }
    const trim = (path) => path.replace(/\/+$/, "");
    const mount = (c.volumeMounts ?? []).find((m) => trim(m.mountPath) === trim(dir));
    const volume = mount && volumes.get(mount.name);
    if (!volume?.emptyDir) {
      problems.push(`${at}: --materialize ${dir} is not an emptyDir volume mounted there`);
    } else if (objects.some(([r]) => r === "secrets") && volume.emptyDir.medium !== "Memory") {
      problems.push(`${at}: --materialize ${dir} holds a Secret but its emptyDir is not`
        + " medium: Memory");
    }
    if (mount?.readOnly) problems.push(`${at}: --materialize ${dir} is mounted readOnly`);
  }
}

const problems = [];
const checked = []; // [object, where], for the rules that look across documents
let count = 0;
for (const file of args.flatMap(manifests)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [i, doc] of docs.entries()) {
    const where = `${file} (document ${i + 1})`;
    if (doc.errors.length > 0) {
      problems.push(`${where}: not YAML: ${doc.errors[0].message}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    count++;
    checked.push([object, `${where} ${object.kind}/${object.metadata?.name}`]);
    const name = `${object.kind}/${object.metadata?.name}`;
    const Model = object.apiVersion && object.kind ? await model(object.apiVersion, object.kind) : null;
    if (!Model) {
      problems.push(`${where}: unknown apiVersion/kind ${object.apiVersion}/${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (e) {
      const details = (e.errors ?? []).map((d) => `${d.instancePath || "/"} ${d.message}`);
      problems.push(`${where} ${name}: ${details.length ? details.join("; ") : e.message}`);
    }
    ownRules(object, `${where} ${name}`, problems);
    rbacRules(object, `${where} ${name}`, problems);
  }
}
const all = checked.map(([object]) => object);
for (const [object, where] of checked) sidecarRules(object, where, all, problems);
for (const p of problems) console.error(p);
console.log(`${count} manifest object(s) checked, ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
