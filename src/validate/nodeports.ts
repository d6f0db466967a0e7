/**
 * Rule "nodeport": every NodePort the values ask for lies in 30000-32767 and is used once per destination
 * cluster, counting sentinel's per-pod Services (replicaCount+1 consecutive ports from each base port). Pure.
 */
import { NODE_PORT_MAX, NODE_PORT_MIN } from "../config/rules.js";
import { getIn, invalid, valuesFinding, type EnvView, type RepoView } from "./repo.js";
import type { Finding } from "./types.js";

interface PortUse {
  env: EnvView;
  path: string[];
  port: number;
}

const NODE_PORT_TYPES = new Set(["NodePort", "LoadBalancer"]);

/** Every node port an environment's values ask for, with the key that asks. */
export function requestedNodePorts(env: EnvView, findings: Finding[], view: RepoView): PortUse[] {
  const uses: PortUse[] = [];
  const values = env.values;
  const take = (service: string[], port: string, count = 1) => {
    if (!NODE_PORT_TYPES.has(String(getIn(values, [...service, "type"])))) return;
    const path = [...service, "nodePorts", port];
    const raw = getIn(values, path);
    if (raw === undefined || raw === null || raw === "") return;
    const number = typeof raw === "number" ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(number)) {
      findings.push(valuesFinding(view, env, path, "nodeport", "error", invalid(path.join("."), raw, "expected a port number")));
      return;
    }
    for (let i = 0; i < count; i++) uses.push({ env, path, port: number + i });
  };
  const sentinel = getIn(values, ["sentinel", "enabled"]) === true;
  if (sentinel) {
    // Per-pod Services use base + i + 1 for i in 0..replicaCount-1 (chart templates/sentinel/node-services.yaml).
    const replicas = Number(getIn(values, ["replica", "replicaCount"]) ?? 3);
    take(["sentinel", "service"], "redis", replicas + 1);
    take(["sentinel", "service"], "sentinel", replicas + 1);
  } else {
    take(["master", "service"], "redis");
    if (getIn(values, ["architecture"]) !== "standalone") take(["replica", "service"], "redis");
  }
  // bitnami/redis-cluster
  take(["service"], "redis");
  return uses;
}

export function checkNodePorts(view: RepoView): Finding[] {
  const findings: Finding[] = [];
  const byCluster = new Map<string, Map<number, PortUse>>();
  for (const env of view.envs) {
    const reported = new Set<string>();
    for (const use of requestedNodePorts(env, findings, view)) {
      const key = use.path.join(".");
      if (use.port < NODE_PORT_MIN || use.port > NODE_PORT_MAX) {
        if (!reported.has(key)) {
          const base = Number(getIn(env.values, use.path));
          const detail = use.port === base ? "" : ` (sentinel uses ${base}-${use.port} for its per-pod Services)`;
          findings.push(valuesFinding(view, env, use.path, "nodeport", "error", invalid(key, getIn(env.values, use.path), `the NodePort range is ${NODE_PORT_MIN}-${NODE_PORT_MAX}${detail}`)));
          reported.add(key);
        }
        continue;
      }
      const ports = byCluster.get(env.cluster) ?? new Map<number, PortUse>();
      byCluster.set(env.cluster, ports);
      const owner = ports.get(use.port);
      if (owner && !reported.has(key)) {
        const who = owner.env === env ? `this environment's ${owner.path.join(".")}` : `environment ${owner.env.name} (${owner.path.join(".")})`;
        findings.push(valuesFinding(view, env, use.path, "nodeport", "error", invalid(key, getIn(env.values, use.path), `port ${use.port} is already used by ${who} on cluster ${env.cluster}; pick a free port`)));
        reported.add(key);
      } else if (!owner) ports.set(use.port, use);
    }
  }
  return findings;
}
