/**
 * Rule "storage": every StorageClass the values reference is generated here or declared existing; static local
 * classes have a PersistentVolume per pod; OpenEBS hostpath classes bind on first consumer. Pure.
 */
import { isPlainObject } from "../yaml.js";
import { getIn, invalid, objectFinding, valuesFinding, type EnvView, type K8sObject, type RepoView } from "./repo.js";
import type { Finding } from "./types.js";

const CLASS_KEYS: string[][] = [
  ["global", "storageClass"],
  ["global", "defaultStorageClass"],
  ["master", "persistence", "storageClass"],
  ["replica", "persistence", "storageClass"],
  ["sentinel", "persistence", "storageClass"],
  ["persistence", "storageClass"],
];

/** Redis pods of an environment, as the chart deploys them. */
export function podCount(values: Record<string, unknown>): number {
  if (getIn(values, ["cluster", "nodes"]) !== undefined) return Number(getIn(values, ["cluster", "nodes"]));
  const replicas = Number(getIn(values, ["replica", "replicaCount"]) ?? 3);
  if (getIn(values, ["sentinel", "enabled"]) === true) return replicas;
  const masters = Number(getIn(values, ["master", "count"]) ?? 1);
  return getIn(values, ["architecture"]) === "standalone" ? masters : masters + replicas;
}

function referencedClasses(env: EnvView): { path: string[]; name: string }[] {
  const out: { path: string[]; name: string }[] = [];
  for (const path of CLASS_KEYS) {
    const value = getIn(env.values, path);
    if (typeof value !== "string" || value === "" || value === "-") continue;
    const enabled = path.length === 3 ? getIn(env.values, [path[0]!, "persistence", "enabled"]) : undefined;
    if (enabled === false) continue;
    out.push({ path, name: value });
  }
  return out;
}

function existingClasses(view: RepoView): Set<string> {
  const out = new Set<string>();
  const envs = isPlainObject(view.configValue?.environments) ? view.configValue.environments : {};
  for (const env of Object.values(envs)) {
    const storage = isPlainObject(env) && isPlainObject(env.storage) ? env.storage : {};
    if (storage.kind === "existing" && typeof storage.className === "string") out.add(storage.className);
  }
  const declared = view.configValue?.existingStorageClasses;
  if (Array.isArray(declared)) for (const name of declared) if (typeof name === "string") out.add(name);
  return out;
}

export function checkStorage(view: RepoView): Finding[] {
  const findings: Finding[] = [];
  const classes = new Map<string, K8sObject>();
  const volumes = new Map<string, number>();
  for (const object of view.objects) {
    if (object.kind === "StorageClass") classes.set(object.name, object);
    if (object.kind === "PersistentVolume") {
      const name = getIn(object.value, ["spec", "storageClassName"]);
      if (typeof name === "string") volumes.set(name, (volumes.get(name) ?? 0) + 1);
    }
  }
  const existing = existingClasses(view);
  const podsPerClass = new Map<string, { pods: number; env: EnvView; path: string[] }>();

  for (const env of view.envs) {
    for (const { path, name } of referencedClasses(env)) {
      if (!classes.has(name) && !existing.has(name)) {
        findings.push(
          valuesFinding(view, env, path, "storage", "error", invalid(path.join("."), name, `no StorageClass ${name} is generated in this repository or declared existing (storage kind existing); its PersistentVolumeClaims would stay Pending`)),
        );
      }
    }
    const used = new Set(referencedClasses(env).filter((r) => r.path[0] !== "global" || r.path[1] === "storageClass").map((r) => r.name));
    for (const name of used) {
      const entry = podsPerClass.get(name);
      const path = referencedClasses(env).find((r) => r.name === name)!.path;
      podsPerClass.set(name, { pods: (entry?.pods ?? 0) + podCount(env.values), env: entry?.env ?? env, path: entry?.path ?? path });
    }
  }

  for (const [name, sc] of classes) {
    const provisioner = getIn(sc.value, ["provisioner"]);
    const binding = getIn(sc.value, ["volumeBindingMode"]) ?? "Immediate";
    if (provisioner === "openebs.io/local" && binding !== "WaitForFirstConsumer") {
      findings.push(objectFinding(sc, ["volumeBindingMode"], "storage", "error", invalid("volumeBindingMode", binding, "OpenEBS LocalPV hostpath needs WaitForFirstConsumer, so the volume is created on the node the pod lands on")));
    }
    if (provisioner === "kubernetes.io/no-provisioner") {
      const need = podsPerClass.get(name);
      const have = volumes.get(name) ?? 0;
      if (need && have < need.pods) {
        findings.push(
          valuesFinding(view, need.env, need.path, "storage", "error", invalid(need.path.join("."), name, `${need.pods} Redis pod(s) use the static local StorageClass ${name} but only ${have} PersistentVolume(s) exist; add one per pod (--node host=path)`)),
        );
      }
    }
  }
  return findings;
}
