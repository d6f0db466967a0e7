/**
 * Rule "data-safety": changes compared with the default branch that a sync cannot apply in place or that lose
 * data. A StatefulSet's volumeClaimTemplates are immutable: a new persistence size or StorageClass makes the sync
 * fail ("updates to statefulset spec for fields other than ... are forbidden") until someone migrates by hand. Pure.
 */
import { getIn, valuesFinding, type EnvView, type RepoView } from "./repo.js";
import { findingAt } from "./parse.js";
import type { Finding } from "./types.js";

/** Whose volumeClaimTemplates a values key feeds. */
type Role = "master" | "replicas" | "sentinel" | "all" | "cluster";

const IMMUTABLE: { path: string[]; role: Role }[] = [
  { path: ["master", "persistence", "size"], role: "master" },
  { path: ["master", "persistence", "storageClass"], role: "master" },
  { path: ["replica", "persistence", "size"], role: "replicas" },
  { path: ["replica", "persistence", "storageClass"], role: "replicas" },
  { path: ["global", "storageClass"], role: "all" },
  { path: ["sentinel", "persistence", "size"], role: "sentinel" },
  { path: ["persistence", "size"], role: "cluster" },
  { path: ["persistence", "storageClass"], role: "cluster" },
];

/**
 * The StatefulSets the chart renders for `role` with these values: bitnami/redis makes <release>-master and
 * <release>-replicas (none for standalone), or <release>-node with sentinel; bitnami/redis-cluster makes <release>.
 */
function statefulSets(env: EnvView, role: Role): string[] {
  const release = `${env.name}-redis`;
  if (env.chart.name === "redis-cluster") return role === "cluster" || role === "all" ? [release] : [];
  if (role === "cluster") return [];
  if (getIn(env.values, ["sentinel", "enabled"]) === true) return role === "master" ? [] : [`${release}-node`];
  if (role === "sentinel") return [];
  const replicas = getIn(env.values, ["architecture"]) === "standalone" ? [] : [`${release}-replicas`];
  if (role === "master") return [`${release}-master`];
  return role === "replicas" ? replicas : [`${release}-master`, ...replicas];
}

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
    if (old.chart.name !== env.chart.name) {
      // Another chart: nothing carries over, so the in-place checks below say nothing useful.
      findings.push(valuesFinding(head, env, [], "data-safety", "warning", `environment ${env.name} moves from bitnami/${old.chart.name} to bitnami/${env.chart.name}: a new release with new StatefulSets and empty volumes replaces the old one; back up the data and restore it after the sync`));
      continue;
    }
    const moved = [
      old.cluster !== env.cluster ? `cluster ${old.cluster} to ${env.cluster}` : "",
      typeof old.config?.namespace === "string" && typeof env.config?.namespace === "string" && old.config.namespace !== env.config.namespace ? `namespace ${old.config.namespace} to ${env.config.namespace}` : "",
    ].filter(Boolean);
    if (moved.length) {
      findings.push(valuesFinding(head, env, [], "data-safety", "warning", `environment ${env.name} moves from ${moved.join(" and from ")}: Redis starts there with empty volumes, and the old one is removed (its PersistentVolumeClaims stay); back up the data and restore it after the sync`));
    }
    findings.push(...immutableChanges(head, old, env));
    if (env.chart.name === "redis-cluster") findings.push(...clusterResize(head, old, env));
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
  for (const { path, role } of IMMUTABLE) {
    const a = getIn(old.values, path);
    const b = getIn(env.values, path);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    // Only StatefulSets that exist before and after: one the change creates or removes has nothing to migrate.
    const names = statefulSets(env, role).filter((name) => statefulSets(old, role).includes(name));
    if (names.length === 0) continue;
    const field = path.join(".");
    const which = names.length === 1 ? `StatefulSet ${names[0]} are` : `StatefulSets ${names.join(", ")} are`;
    out.push(valuesFinding(head, env, path, "data-safety", "warning", `${field} changes from ${show(a)} to ${show(b)}: volumeClaimTemplates of ${which} immutable and the sync will fail; ${migrationNote(field)}`));
  }
  return out;
}

/** A Redis Cluster does not follow its StatefulSet's size by itself: new pods must be joined, removed ones emptied. */
function clusterResize(head: RepoView, old: EnvView, env: EnvView): Finding[] {
  const size = (view: EnvView) => ({ nodes: Number(getIn(view.values, ["cluster", "nodes"]) ?? 6), replicas: Number(getIn(view.values, ["cluster", "replicas"]) ?? 1) });
  const before = size(old);
  const after = size(env);
  if (before.nodes === after.nodes && before.replicas === after.replicas) return [];
  const change = `cluster.nodes ${before.nodes} x ${before.replicas} replica(s) becomes ${after.nodes} x ${after.replicas}`;
  const message =
    after.nodes < before.nodes
      ? `${change}: the pods removed hold hash slots and their keys; move the slots off them first (redis-cli --cluster reshard, then --cluster del-node), then sync`
      : `${change}: new pods join the Redis Cluster only when the upgrade runs the chart's post-upgrade Job: for that one sync set cluster.update.addNodes=true, cluster.update.currentNumberOfNodes=${before.nodes} and cluster.update.currentNumberOfReplicas=${before.replicas} in envs/${env.name}/values.yaml, then remove them`;
  return [valuesFinding(head, env, ["cluster", "nodes"], "data-safety", "warning", message)];
}

