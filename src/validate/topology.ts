/** Rule "topology": sentinel only with replication; redis-cluster has at least 3 masters. Over the values, so it holds whatever the config says. Pure. */
import { getIn, invalid, valuesFinding, type RepoView } from "./repo.js";
import type { Finding } from "./types.js";

export function checkTopology(view: RepoView): Finding[] {
  const findings: Finding[] = [];
  for (const env of view.envs) {
    const values = env.values;
    const sentinel = getIn(values, ["sentinel", "enabled"]) === true;
    if (sentinel && getIn(values, ["architecture"]) === "standalone") {
      findings.push(valuesFinding(view, env, ["sentinel", "enabled"], "topology", "error", invalid("sentinel.enabled", true, 'using Redis sentinel on standalone mode is not supported; set architecture: replication')));
    }
    if (sentinel && getIn(values, ["sentinel", "service", "type"]) === "NodePort" && !getIn(values, ["sentinel", "service", "nodePorts", "redis"])) {
      findings.push(valuesFinding(view, env, ["sentinel", "service", "type"], "topology", "error", invalid("sentinel.service.type", "NodePort", "set sentinel.service.nodePorts.redis and .sentinel: without them the chart renders no StatefulSet on a first install under helm template / Argo CD")));
    }
    const isCluster = env.chart.name === "redis-cluster" || getIn(values, ["cluster", "nodes"]) !== undefined;
    if (isCluster) {
      const nodes = Number(getIn(values, ["cluster", "nodes"]) ?? 6);
      const replicas = Number(getIn(values, ["cluster", "replicas"]) ?? 1);
      const minimum = 3 * (replicas + 1);
      if (nodes < minimum) {
        findings.push(valuesFinding(view, env, ["cluster", "nodes"], "topology", "error", invalid("cluster.nodes", nodes, `Redis Cluster requires at least 3 master nodes: cluster.nodes >= 3 x (1 + cluster.replicas) = ${minimum}`)));
      }
    }
  }
  return findings;
}
