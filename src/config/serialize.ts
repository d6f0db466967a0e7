/** Model -> the plain data written into gitops-redis.yaml (fixed key order, no undefined). Pure. */
import type { EnvironmentSpec, RepoConfig } from "../model.js";

export const CONFIG_API_VERSION = "gitops-redis.io/v1";

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
    size: { ...env.size },
    storage,
    expose: { ...env.expose },
  });
  if (env.imageRegistry) data.imageRegistry = env.imageRegistry;
  Object.assign(data, {
    auth: { ...env.auth },
    resources: JSON.parse(JSON.stringify(env.resources)) as unknown,
    syncPolicy: { ...env.syncPolicy },
  });
  return data;
}

export function configToData(config: RepoConfig): Record<string, unknown> {
  const data: Record<string, unknown> = {
    apiVersion: CONFIG_API_VERSION,
    controller: config.controller,
    repo: { url: config.repoUrl, defaultBranch: config.defaultBranch },
  };
  if (config.github) data.github = config.github;
  data.chart = { ...config.chart };
  if (config.controller === "argocd") data.argocd = { ...config.argocd };
  Object.assign(data, {
    environments: Object.fromEntries(
      Object.entries(config.environments).map(([name, env]) => [name, environmentToData(env)]),
    ),
  });
  return data;
}
