/** NodePorts an environment takes on its cluster. Pure. */
import type { EnvironmentSpec } from "../model.js";

export interface PortRange {
  /** Model field the range comes from, for messages. */
  field: "expose.nodePort" | "expose.sentinelNodePort";
  what: string;
  from: number;
  to: number;
}

type PortEnv = Pick<EnvironmentSpec, "topology" | "replicas" | "expose">;

/**
 * With sentinel.service.type NodePort the chart creates the Service on nodePorts.redis / nodePorts.sentinel
 * and one Service per node on port + i + 1 (i = 0..replicaCount-1): replicaCount + 1 consecutive ports each (FACTS §5).
 */
export function sentinelPortCount(env: Pick<EnvironmentSpec, "replicas">): number {
  return env.replicas + 1;
}

/** The sentinel port block starts right after the redis block unless the user fixed it. */
export function sentinelNodePort(env: PortEnv): number | undefined {
  if (env.expose.type !== "NodePort" || env.topology !== "sentinel") return undefined;
  return env.expose.sentinelNodePort ?? env.expose.nodePort + sentinelPortCount(env);
}

export function nodePortRanges(env: PortEnv): PortRange[] {
  if (env.expose.type !== "NodePort") return [];
  const port = env.expose.nodePort;
  if (env.topology !== "sentinel") return [{ field: "expose.nodePort", what: "redis", from: port, to: port }];
  const count = sentinelPortCount(env);
  const sentinel = sentinelNodePort(env)!;
  return [
    { field: "expose.nodePort", what: "sentinel redis", from: port, to: port + count - 1 },
    { field: "expose.sentinelNodePort", what: "sentinel", from: sentinel, to: sentinel + count - 1 },
  ];
}

export const formatRange = (range: Pick<PortRange, "from" | "to">): string =>
  range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;

export const overlaps = (a: Pick<PortRange, "from" | "to">, b: Pick<PortRange, "from" | "to">): boolean =>
  a.from <= b.to && b.from <= a.to;
