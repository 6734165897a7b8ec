// Validates Kubernetes manifests offline against the Kubernetes OpenAPI schemas (kubernetes-models
// runs ajv on each object), then checks this project's own rules: every container of a workload
// has liveness and readiness probes, resource requests and a memory limit.
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

function ownRules(object, where, problems) {
  const pod = podSpec(object);
  if (!pod || !["Deployment", "StatefulSet", "DaemonSet", "Pod"].includes(object.kind)) return;
  for (const c of pod.containers ?? []) {
    const at = `${where}: container ${c.name}`;
    if (!c.livenessProbe) problems.push(`${at} has no livenessProbe`);
    if (!c.readinessProbe) problems.push(`${at} has no readinessProbe`);
    if (!c.resources?.requests) problems.push(`${at} has no resources.requests`);
    if (!c.resources?.limits?.memory) problems.push(`${at} has no resources.limits.memory`);
  }
}

const problems = [];
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
  }
}
for (const p of problems) console.error(p);
console.log(`${count} manifest object(s) checked, ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
