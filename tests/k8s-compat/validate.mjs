// Validates every manifest in the given files or directories as a Kubernetes object with the
// API's own JSON schemas (npm kubernetes-models), so that `kubectl apply -f` accepts what podctl
// accepts. Unknown fields fail, as kubectl's strict field validation does.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Pod, ConfigMap, Secret, Service, PersistentVolumeClaim, Namespace } from "kubernetes-models/v1";
import { Deployment, ReplicaSet, StatefulSet } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";

// kind → [apiVersion, model, the directory of its type declaration]
const kinds = {
  Pod: ["v1", Pod, "v1"],
  ConfigMap: ["v1", ConfigMap, "v1"],
  Secret: ["v1", Secret, "v1"],
  Service: ["v1", Service, "v1"],
  PersistentVolumeClaim: ["v1", PersistentVolumeClaim, "v1"],
  Namespace: ["v1", Namespace, "v1"],
  Deployment: ["apps/v1", Deployment, "apps/v1"],
  ReplicaSet: ["apps/v1", ReplicaSet, "apps/v1"],
  StatefulSet: ["apps/v1", StatefulSet, "apps/v1"],
  Job: ["batch/v1", Job, "batch/v1"],
};
// Directories are walked whole (examples/stack/ is a directory of its own).
const manifests = (p) =>
  statSync(p).isDirectory()
    ? readdirSync(p).sort().flatMap((f) =>
        statSync(join(p, f)).isDirectory() ? manifests(join(p, f)) : /\.(ya?ml|json)$/.test(f) ? [join(p, f)] : [])
    : [p];
const files = process.argv.slice(2).flatMap(manifests);

// kubernetes-models' compiled schemas allow additional properties, so the strict check (as
// kubectl's strict field validation) walks the field lists of the models' type declarations.
const declarations = new Map();  // .d.ts path → { fields: Map(name → nested .d.ts path or null) }
function declaration(file) {
  if (declarations.has(file)) return declarations.get(file);
  const text = readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/import \{ ([\w, ]+) \} from "([^"]+)"/g)) {
    const target = m[2].startsWith(".") ? join(dirname(file), m[2]) : resolvePackageFile(m[2]);
    for (const name of m[1].split(",")) imports.set(name.trim(), target.replace(/\.js$/, ".d.ts"));
  }
  const body = text.slice(text.indexOf("export interface"), text.indexOf("export declare class"));
  const fields = new Map();
  for (const m of body.matchAll(/^    "([^"]+)"\??: ([^;]+);/gm)) {
    const ref = m[2].match(/\b(I[A-Z]\w+)\b/);
    const isMap = m[2].startsWith("{");
    fields.set(m[1], !isMap && ref && imports.has(ref[1]) ? imports.get(ref[1]) : null);
  }
  const d = { fields };
  declarations.set(file, d);
  return d;
}

// "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta" → that file under node_modules (the
// packages' "exports" maps hide their files from require.resolve).
const nodeModules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
function resolvePackageFile(spec) {
  return join(nodeModules, spec) + ".js";
}

function unknownFields(value, file, path, out) {
  if (!value || typeof value !== "object" || !file) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, file, `${path}[${i}]`, out));
    return;
  }
  const { fields } = declaration(file);
  if (fields.size === 0) return;  // a scalar-like type (Quantity, IntOrString)
  for (const key of Object.keys(value)) {
    if (!fields.has(key)) out.push(`${path}.${key}`.replace(/^\./, ""));
    else unknownFields(value[key], fields.get(key), `${path}.${key}`, out);
  }
}

const modelFile = (kind) => join(nodeModules, "kubernetes-models", kinds[kind][2], `${kind}.d.ts`);

let failures = 0, checked = 0;
for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const obj = doc.toJS();
    if (!obj) continue;
    checked++;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const [apiVersion, Model] = kinds[obj.kind] ?? [];
    if (!Model || obj.apiVersion !== apiVersion) {
      console.error(`${where}: not a kind podctl reads (${Object.keys(kinds).join(", ")}) of its apiVersion`);
      failures++;
      continue;
    }
    try {
      const model = new Model(obj);
      model.validate();
      const extra = [];
      unknownFields(obj, modelFile(obj.kind), "", extra);
      if (extra.length) throw new Error(`fields unknown to Kubernetes: ${extra.join(", ")}`);
      console.log(`ok   ${where}`);
    } catch (e) {
      console.error(`FAIL ${where}: ${e.message}`);
      failures++;
    }
  }
}
if (checked === 0) { console.error("no manifests found"); process.exit(1); }
console.log(`${checked - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
