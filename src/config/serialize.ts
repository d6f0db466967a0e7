/** Model -> the plain data written into gitops-redis.yaml (fixed key order, no undefined, defaults left out). Pure. */
import {
  DEFAULT_CLUSTER_CHART_NAME,
  DEFAULT_CLUSTER_CHART_VERSION,
  type AuthSpec,
  type ChartSource,
  type EnvironmentSpec,
  type RepoConfig,
} from "../model.js";

export const CONFIG_API_VERSION = "gitops-redis.io/v1";

function authToData(auth: AuthSpec): Record<string, unknown> {
  // existing-secret is the default mode and the shape configs had before modes existed.
  if (auth.mode === "existing-secret") return { existingSecret: auth.existingSecret, passwordKey: auth.passwordKey };
  return { ...auth };
}

export function environmentToData(env: EnvironmentSpec): Record<string, unknown> {
  const storage: Record<string, unknown> = {
    kind: env.storage.kind,
    className: env.storage.className,
    reclaimPolicy: env.storage.reclaimPolicy,
  };
  if (env.storage.nfs) storage.nfs = { ...env.storage.nfs };
  if (env.storage.basePath) storage.basePath = env.storage.basePath;
  if (env.storage.volumes) storage.volumes = env.storage.volumes.map((v) => ({ node: v.node, path: v.path }));
  const data: Record<string, unknown> = {};
  if (env.preset) data.preset = env.preset;
  Object.assign(data, {
    namespace: env.namespace,
    cluster: env.cluster,
    topology: env.topology,
    replicas: env.replicas,
  });
  if (env.sentinel) data.sentinel = { ...env.sentinel };
  if (env.redisCluster) data.redisCluster = { ...env.redisCluster };
  Object.assign(data, {
    size: { ...env.size },
    storage,
    expose: JSON.parse(JSON.stringify(env.expose)) as unknown,
  });
  if (Object.keys(env.images).length) data.images = { ...env.images };
  data.auth = authToData(env.auth);
  if (env.tls.mode !== "off") data.tls = { ...env.tls };
  if (env.metrics.enabled || env.metrics.serviceMonitor) data.metrics = { ...env.metrics };
  const resources = Object.fromEntries(Object.entries(env.resources).filter(([, r]) => Object.keys(r).length > 0));
  Object.assign(data, {
    resources: JSON.parse(JSON.stringify(resources)) as unknown,
    syncPolicy: { ...env.syncPolicy },
  });
  return data;
}

const isDefaultClusterChart = (config: RepoConfig): boolean =>
  config.clusterChart.repository === config.chart.repository &&
  config.clusterChart.name === DEFAULT_CLUSTER_CHART_NAME &&
  config.clusterChart.version === DEFAULT_CLUSTER_CHART_VERSION;

export function chartToData(chart: ChartSource): Record<string, unknown> {
  return { repository: chart.repository, name: chart.name, version: chart.version };
}

export function configToData(config: RepoConfig): Record<string, unknown> {
  const data: Record<string, unknown> = {
    apiVersion: CONFIG_API_VERSION,
    controller: config.controller,
    repo: { url: config.repoUrl, defaultBranch: config.defaultBranch },
  };
  if (config.github) data.github = { ...config.github };
  data.chart = chartToData(config.chart);
  // Written once a cluster environment needs it (see planEnvironmentFiles), or when it is not the default.
  if (!isDefaultClusterChart(config)) data.clusterChart = chartToData(config.clusterChart);
  if (config.controller === "argocd") data.argocd = { ...config.argocd };
  Object.assign(data, {
    environments: Object.fromEntries(
      Object.entries(config.environments).map(([name, env]) => [name, environmentToData(env)]),
    ),
  });
  return data;
}
