/**
 * Rule "data-safety": changes compared with the default branch that a sync cannot apply in place or that lose
 * data. A StatefulSet's volumeClaimTemplates are immutable: a new persistence size or StorageClass makes the sync
 * fail ("updates to statefulset spec for fields other than ... are forbidden") until someone migrates by hand. Pure.
 */
import { getIn, valuesFinding, type EnvView, type RepoView } from "./repo.js";
import { findingAt } from "./parse.js";
import type { Finding } from "./types.js";

const IMMUTABLE: { path: string[]; statefulSet: string }[] = [
  { path: ["master", "persistence", "size"], statefulSet: "master" },
  { path: ["master", "persistence", "storageClass"], statefulSet: "master" },
  { path: ["replica", "persistence", "size"], statefulSet: "replicas" },
  { path: ["replica", "persistence", "storageClass"], statefulSet: "replicas" },
  { path: ["global", "storageClass"], statefulSet: "master/replicas" },
  { path: ["sentinel", "persistence", "size"], statefulSet: "node" },
  { path: ["persistence", "size"], statefulSet: "(redis-cluster)" },
  { path: ["persistence", "storageClass"], statefulSet: "(redis-cluster)" },
];

const show = (value: unknown): string => (value === undefined ? "(chart default)" : JSON.stringify(value));

export function migrationNote(field: string): string {
  return field.endsWith("size")
    ? "to grow volumes: patch each PVC's spec.resources.requests.storage (the StorageClass needs allowVolumeExpansion), then `kubectl delete statefulset <name> --cascade=orphan` so the sync recreates it without touching pods or data"
    : "data does not move to a new StorageClass: back up (redis-cli --rdb or BGSAVE), remove the StatefulSet and its PVCs, sync, then restore; or keep the old class";
}

export function checkDataSafety(base: RepoView, head: RepoView): Finding[] {
  const findings: Finding[] = [];
  const before = new Map(base.envs.map((env) => [env.name, env] as const));
  for (const env of head.envs) {
    const old = before.get(env.name);
    if (!old) continue;
    findings.push(...immutableChanges(head, old, env));
    const wasStandalone = getIn(old.values, ["architecture"]) === "standalone";
    const nowStandalone = getIn(env.values, ["architecture"]) === "standalone";
    const sentinelBefore = getIn(old.values, ["sentinel", "enabled"]) === true;
    const sentinelNow = getIn(env.values, ["sentinel", "enabled"]) === true;
    if (sentinelBefore !== sentinelNow || (wasStandalone && !nowStandalone && sentinelNow)) {
      findings.push(valuesFinding(head, env, ["sentinel", "enabled"], "data-safety", "warning", `sentinel changes from ${sentinelBefore} to ${sentinelNow}: the chart replaces the master/replicas StatefulSets with <release>-node (or back), so new PVCs start empty; back up and restore the data`));
    } else if (!wasStandalone && nowStandalone) {
      findings.push(valuesFinding(head, env, ["architecture"], "data-safety", "warning", "architecture changes from replication to standalone: the replicas StatefulSet and its pods go away (their PVCs stay)"));
    }
  }
  for (const old of base.envs) {
    if (head.envs.some((env) => env.name === old.name)) continue;
    const where = head.config ? findingAt(head.config, 0, ["environments"], "data-safety", "warning", "") : undefined;
    findings.push({
      path: where?.path ?? old.overlay?.path ?? "gitops-redis.yaml",
      line: where?.line ?? 0,
      col: where?.col ?? 0,
      rule: "data-safety",
      severity: "warning",
      message: `environment ${old.name} is removed: its Redis goes away; PersistentVolumes with reclaim policy Retain and the data on the nodes stay until deleted by hand`,
    });
  }
  return findings;
}

function immutableChanges(head: RepoView, old: EnvView, env: EnvView): Finding[] {
  const out: Finding[] = [];
  for (const { path, statefulSet } of IMMUTABLE) {
    const a = getIn(old.values, path);
    const b = getIn(env.values, path);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const field = path.join(".");
    out.push(
      valuesFinding(head, env, path, "data-safety", "warning", `${field} changes from ${show(a)} to ${show(b)}: volumeClaimTemplates of StatefulSet ${env.name}-redis-${statefulSet} are immutable and the sync will fail; ${migrationNote(field)}`),
    );
  }
  return out;
}
