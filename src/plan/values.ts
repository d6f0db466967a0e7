/** The Helm values an environment's overlay carries, for the pinned bitnami/redis version. Pure. */
import type { ChartSource, EnvironmentSpec, Resources } from "../model.js";

/** 20.5.0 started refusing images from another registry unless allowInsecureImages is set (FACTS §3). */
const IMAGE_VERIFICATION_SINCE = [20, 5, 0];

export function compareVersions(a: string, b: readonly number[] | string): number {
  const left = a.split(/[.-]/).slice(0, 3).map(Number);
  const right = typeof b === "string" ? b.split(/[.-]/).slice(0, 3).map(Number) : b;
  for (let i = 0; i < 3; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function resourcesValue(resources: Resources): Record<string, unknown> {
  return JSON.parse(JSON.stringify(resources)) as Record<string, unknown>;
}

function persistence(size: string, storageClass: string): Record<string, unknown> {
  return { enabled: true, storageClass, size };
}

function service(env: EnvironmentSpec): Record<string, unknown> {
  switch (env.expose.type) {
    case "NodePort":
      // 23.x types node ports as strings in values.schema.json; strings render the same in older versions.
      return { type: "NodePort", nodePorts: { redis: String(env.expose.nodePort) } };
    case "LoadBalancer":
      return { type: "LoadBalancer" };
    default:
      return { type: "ClusterIP" };
  }
}

export function environmentValues(env: EnvironmentSpec, chart: ChartSource): Record<string, unknown> {
  const values: Record<string, unknown> = {
    architecture: env.topology,
    auth: {
      enabled: true,
      existingSecret: env.auth.existingSecret,
      existingSecretPasswordKey: env.auth.passwordKey,
    },
  };
  if (env.imageRegistry) {
    const global: Record<string, unknown> = { imageRegistry: env.imageRegistry };
    if (compareVersions(chart.version, IMAGE_VERIFICATION_SINCE) >= 0) global.security = { allowInsecureImages: true };
    values.global = global;
  }
  values.master = {
    persistence: persistence(env.size.master, env.storage.className),
    service: service(env),
    resources: resourcesValue(env.resources.master),
  };
  if (env.topology === "replication") {
    values.replica = {
      replicaCount: env.replicas,
      persistence: persistence(env.size.replica, env.storage.className),
      resources: resourcesValue(env.resources.replica),
    };
  }
  return values;
}

/** Every values key gitops-redis may write, as dot paths; keys outside this list belong to the user. */
export const MANAGED_VALUE_KEYS = [
  "architecture",
  "auth.enabled",
  "auth.existingSecret",
  "auth.existingSecretPasswordKey",
  "global.imageRegistry",
  "global.security.allowInsecureImages",
  "master.persistence.enabled",
  "master.persistence.storageClass",
  "master.persistence.size",
  "master.service.type",
  "master.service.nodePorts.redis",
  "master.resources",
  "replica.replicaCount",
  "replica.persistence.enabled",
  "replica.persistence.storageClass",
  "replica.persistence.size",
  "replica.resources",
] as const;
