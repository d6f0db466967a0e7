/**
 * Validation of gitops-redis.yaml and of environment settings. Pure: takes parsed data, returns the model or
 * every problem at once, each as one line naming the field, the bad value and what is allowed.
 */
import {
  DEFAULT_CHART_REPOSITORY,
  DEFAULT_FLUX_CLUSTER,
  IN_CLUSTER,
  type Controller,
  type EnvironmentSpec,
  type Exposure,
  type RepoConfig,
  type Resources,
  type StorageSpec,
} from "../model.js";
import {
  checkAbsolutePath,
  checkCpuQuantity,
  checkEnvName,
  checkHostname,
  checkNamespace,
  checkNodePort,
  checkResourceName,
  checkStorageQuantity,
} from "./rules.js";
import { isPlainObject } from "../yaml.js";

export const MAX_REPLICAS = 50;
export const STORAGE_KINDS = ["existing", "nfs", "openebs-hostpath", "local"] as const;
const TOPOLOGIES = ["standalone", "replication"] as const;
const RECLAIM_POLICIES = ["Retain", "Delete"] as const;
const NFS_PROVISIONERS = ["csi-driver-nfs", "nfs-subdir-external-provisioner"] as const;
export const CONTROLLERS = ["argocd", "flux"] as const;

/** Maps a model field (dot path inside one environment) to the name the user typed it under. */
export type FieldLabel = (field: string) => string;

export const configLabel =
  (env: string): FieldLabel =>
  (field) =>
    `environments.${env}.${field}`;

export function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

export class Problems {
  readonly list: string[] = [];
  add(field: string, value: unknown, allowed: string): void {
    this.list.push(`invalid ${field} ${describe(value)}: ${allowed}`);
  }
  missing(field: string, why: string): void {
    this.list.push(`missing ${field}: ${why}`);
  }
  raw(message: string): void {
    this.list.push(message);
  }
}

function oneOf<T extends string>(
  problems: Problems,
  label: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  problems.add(label, value, `expected one of ${allowed.join(", ")}`);
  return undefined;
}

function str(problems: Problems, label: string, value: unknown, check?: (v: string) => string | undefined): string {
  if (typeof value !== "string" || value === "") {
    problems.add(label, value, "expected a non-empty string");
    return "";
  }
  const problem = check?.(value);
  if (problem) problems.add(label, value, problem);
  return value;
}

function int(problems: Problems, label: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    problems.add(label, value, `expected a whole number from ${min} to ${max}`);
    return min;
  }
  return value;
}

function bool(problems: Problems, label: string, value: unknown): boolean {
  if (typeof value !== "boolean") problems.add(label, value, "expected true or false");
  return value === true;
}

function resources(problems: Problems, label: string, value: unknown): Resources {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    problems.add(label, value, "expected {requests: {cpu, memory}, limits: {cpu, memory}}");
    return {};
  }
  const out: Resources = {};
  for (const [kind, list] of Object.entries(value)) {
    if (kind !== "requests" && kind !== "limits") {
      problems.add(`${label}.${kind}`, list, "expected requests or limits");
      continue;
    }
    if (!isPlainObject(list)) {
      problems.add(`${label}.${kind}`, list, "expected {cpu, memory}");
      continue;
    }
    const entry: { cpu?: string; memory?: string } = {};
    for (const [resource, quantity] of Object.entries(list)) {
      const field = `${label}.${kind}.${resource}`;
      if (resource === "cpu") entry.cpu = str(problems, field, quantity, checkCpuQuantity);
      else if (resource === "memory") entry.memory = str(problems, field, quantity, checkStorageQuantity);
      else problems.add(field, quantity, "expected cpu or memory");
    }
    out[kind] = entry;
  }
  return out;
}

function storage(problems: Problems, label: FieldLabel, raw: unknown): StorageSpec {
  const value = isPlainObject(raw) ? raw : {};
  if (!isPlainObject(raw)) problems.add(label("storage"), raw, `expected a storage kind: ${STORAGE_KINDS.join(", ")}`);
  const kind = oneOf(problems, label("storage.kind"), value.kind, STORAGE_KINDS) ?? "existing";
  const className = str(problems, label("storage.className"), value.className, checkResourceName);
  const reclaimPolicy = oneOf(problems, label("storage.reclaimPolicy"), value.reclaimPolicy, RECLAIM_POLICIES) ?? "Retain";
  const spec: StorageSpec = { kind, className, reclaimPolicy };
  if (kind === "nfs") {
    const nfs = isPlainObject(value.nfs) ? value.nfs : {};
    if (!nfs.server) problems.missing(label("storage.nfs.server"), "storage nfs needs the NFS server (--nfs-server)");
    if (!nfs.path) problems.missing(label("storage.nfs.path"), "storage nfs needs the exported path (--nfs-path)");
    spec.nfs = {
      server: nfs.server ? str(problems, label("storage.nfs.server"), nfs.server, checkHostOrIp) : "",
      path: nfs.path ? str(problems, label("storage.nfs.path"), nfs.path, checkAbsolutePath) : "",
      provisioner: oneOf(problems, label("storage.nfs.provisioner"), nfs.provisioner ?? "csi-driver-nfs", NFS_PROVISIONERS) ?? "csi-driver-nfs",
    };
  } else if (value.nfs !== undefined) {
    problems.add(label("storage.nfs"), value.nfs, `NFS settings only apply to storage nfs, not ${kind}`);
  }
  if (kind === "openebs-hostpath") {
    if (!value.basePath) problems.missing(label("storage.basePath"), "storage openebs-hostpath needs the directory on each node (--base-path)");
    else spec.basePath = str(problems, label("storage.basePath"), value.basePath, checkAbsolutePath);
  } else if (value.basePath !== undefined) {
    problems.add(label("storage.basePath"), value.basePath, `a base path only applies to storage openebs-hostpath, not ${kind}`);
  }
  if (kind === "local") {
    const volumes = Array.isArray(value.volumes) ? value.volumes : [];
    if (volumes.length === 0) problems.missing(label("storage.volumes"), "storage local needs one --node host=path per Redis pod");
    spec.volumes = volumes.map((volume: unknown, i: number) => {
      const v = isPlainObject(volume) ? volume : {};
      return {
        node: str(problems, label(`storage.volumes[${i}].node`), v.node, checkHostname),
        path: str(problems, label(`storage.volumes[${i}].path`), v.path, checkAbsolutePath),
      };
    });
  } else if (value.volumes !== undefined) {
    problems.add(label("storage.volumes"), value.volumes, `node volumes only apply to storage local, not ${kind}`);
  }
  return spec;
}

function checkHostOrIp(value: string): string | undefined {
  return /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/.test(value) ? undefined : "expected a host name or IP address";
}

function exposure(problems: Problems, label: string, raw: unknown): Exposure {
  const value = isPlainObject(raw) ? raw : {};
  const type = oneOf(problems, `${label}.type`, value.type, ["ClusterIP", "NodePort", "LoadBalancer"] as const);
  if (type === "NodePort") {
    const port = value.nodePort;
    const problem = typeof port === "number" ? checkNodePort(port) : "expected a number";
    if (problem) problems.add(`${label}.nodePort`, port, problem);
    return { type, nodePort: Number(port) };
  }
  if (value.nodePort !== undefined) problems.add(`${label}.nodePort`, value.nodePort, `a node port needs type NodePort, not ${type}`);
  return { type: type ?? "ClusterIP" } as Exposure;
}

/**
 * The one setting whose meaning depends on the controller: Argo CD deploys to a destination server (a URL), each
 * Flux cluster reconciles its own folder clusters/<name>/ (a DNS-1123 label).
 */
export const CLUSTER_RULES: Record<Controller, { default: string; check: (value: string) => string | undefined }> = {
  argocd: { default: IN_CLUSTER, check: checkClusterUrl },
  flux: { default: DEFAULT_FLUX_CLUSTER, check: checkFluxClusterName },
};

/**
 * Validates one environment; `label` decides whether messages speak of config paths or of flags, `controller`
 * how the cluster setting reads.
 */
export function parseEnvironment(
  name: string,
  raw: unknown,
  problems: Problems,
  label: FieldLabel = configLabel(name),
  controller: Controller = "argocd",
): EnvironmentSpec {
  const clusterRule = CLUSTER_RULES[controller];
  const nameProblem = checkEnvName(name);
  if (nameProblem) problems.add("environment name", name, nameProblem);
  const value = isPlainObject(raw) ? raw : {};
  if (!isPlainObject(raw)) problems.add(label("").replace(/\.$/, ""), raw, "expected a mapping of settings");

  const topology = oneOf(problems, label("topology"), value.topology ?? "replication", TOPOLOGIES) ?? "replication";
  const replicas = int(problems, label("replicas"), value.replicas, 0, MAX_REPLICAS);
  if (topology === "standalone" && replicas !== 0) {
    problems.add(label("replicas"), replicas, "a standalone topology has no replicas; use 0 or --topology replication");
  }
  const size = isPlainObject(value.size) ? value.size : {};
  const spec: EnvironmentSpec = {
    name,
    namespace: str(problems, label("namespace"), value.namespace, checkNamespace),
    cluster: str(problems, label("cluster"), value.cluster ?? clusterRule.default, clusterRule.check),
    topology,
    replicas,
    size: {
      master: str(problems, label("size.master"), size.master, checkStorageQuantity),
      replica: str(problems, label("size.replica"), size.replica, checkStorageQuantity),
    },
    storage: storage(problems, label, value.storage),
    expose: exposure(problems, label("expose"), value.expose ?? { type: "ClusterIP" }),
    auth: {
      existingSecret: str(problems, label("auth.existingSecret"), (value.auth as Record<string, unknown> | undefined)?.existingSecret, checkResourceName),
      passwordKey: str(problems, label("auth.passwordKey"), (value.auth as Record<string, unknown> | undefined)?.passwordKey ?? "redis-password", checkSecretKey),
    },
    resources: {
      master: resources(problems, label("resources.master"), (value.resources as Record<string, unknown> | undefined)?.master),
      replica: resources(problems, label("resources.replica"), (value.resources as Record<string, unknown> | undefined)?.replica),
    },
    syncPolicy: parseSyncPolicy(problems, label("syncPolicy"), value.syncPolicy),
  };
  if (value.preset !== undefined) spec.preset = str(problems, label("preset"), value.preset);
  if (value.imageRegistry !== undefined) spec.imageRegistry = str(problems, label("imageRegistry"), value.imageRegistry, checkRegistry);
  checkLocalVolumeCount(problems, label, spec);
  return spec;
}

function parseSyncPolicy(problems: Problems, label: string, raw: unknown): EnvironmentSpec["syncPolicy"] {
  const value = isPlainObject(raw) ? raw : { automated: true, prune: false, selfHeal: true };
  return {
    automated: bool(problems, `${label}.automated`, value.automated ?? true),
    prune: bool(problems, `${label}.prune`, value.prune ?? false),
    selfHeal: bool(problems, `${label}.selfHeal`, value.selfHeal ?? true),
  };
}

export function redisPodCount(env: Pick<EnvironmentSpec, "topology" | "replicas">): number {
  return env.topology === "standalone" ? 1 : 1 + env.replicas;
}

function checkLocalVolumeCount(problems: Problems, label: FieldLabel, env: EnvironmentSpec): void {
  if (env.storage.kind !== "local" || !env.storage.volumes?.length) return;
  const pods = redisPodCount(env);
  if (env.storage.volumes.length < pods) {
    problems.add(
      label("storage.volumes"),
      env.storage.volumes.map((v) => `${v.node}=${v.path}`).join(","),
      `${env.storage.volumes.length} local volume(s) for ${pods} Redis pods (1 master + ${env.replicas} replicas); give one --node host=path per pod`,
    );
  }
}

function checkClusterUrl(value: string): string | undefined {
  return /^https:\/\/[^\s/]+/.test(value) ? undefined : `expected the Argo CD destination server URL, e.g. ${IN_CLUSTER}`;
}

function checkFluxClusterName(value: string): string | undefined {
  return checkNamespace(value) === undefined
    ? undefined
    : `expected a Flux cluster name, the folder clusters/<name>/ its Flux reconciles: lowercase letters, digits and '-' (DNS-1123 label), e.g. ${DEFAULT_FLUX_CLUSTER}`;
}

function checkRegistry(value: string): string | undefined {
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([-._a-z0-9]*[a-z0-9])?)*$/.test(value)
    ? undefined
    : "expected a registry host with optional path, e.g. myharbor.com/bigdata (no scheme)";
}

function checkSecretKey(value: string): string | undefined {
  return /^[-._a-zA-Z0-9]+$/.test(value) ? undefined : "expected a Secret data key (letters, digits, '-', '_', '.')";
}

/** Checks that span environments: NodePorts and (cluster, namespace) pairs must not collide. */
export function checkAcrossEnvironments(
  envs: readonly EnvironmentSpec[],
  problems: Problems,
  labelFor: (env: string) => FieldLabel = configLabel,
): void {
  const ports = new Map<string, string>();
  const namespaces = new Map<string, string>();
  const classes = new Map<string, string>();
  for (const env of envs) {
    const label = labelFor(env.name);
    if (env.expose.type === "NodePort") {
      const key = `${env.cluster} ${env.expose.nodePort}`;
      const owner = ports.get(key);
      if (owner) problems.add(label("expose.nodePort"), env.expose.nodePort, `already used by environment ${owner} on cluster ${env.cluster}; pick a free port`);
      else ports.set(key, env.name);
    }
    const nsKey = `${env.cluster} ${env.namespace}`;
    const nsOwner = namespaces.get(nsKey);
    if (nsOwner) problems.add(label("namespace"), env.namespace, `already used by environment ${nsOwner} on cluster ${env.cluster}; each environment needs its own namespace`);
    else namespaces.set(nsKey, env.name);
    if (env.storage.kind !== "existing") {
      const scKey = `${env.cluster} ${env.storage.className}`;
      const scOwner = classes.get(scKey);
      if (scOwner) problems.add(label("storage.className"), env.storage.className, `already generated by environment ${scOwner} on cluster ${env.cluster}; StorageClasses are cluster-wide`);
      else classes.set(scKey, env.name);
    }
  }
}

/** Validates the whole config file. */
export function parseConfig(raw: unknown): { config?: RepoConfig; problems: string[] } {
  const problems = new Problems();
  if (!isPlainObject(raw)) {
    problems.raw("gitops-redis.yaml: expected a mapping with controller, repo, chart and environments");
    return { problems: problems.list };
  }
  if (raw.apiVersion !== "gitops-redis.io/v1") problems.add("apiVersion", raw.apiVersion, "expected gitops-redis.io/v1");
  const repo = isPlainObject(raw.repo) ? raw.repo : {};
  const chart = isPlainObject(raw.chart) ? raw.chart : {};
  const argocd = isPlainObject(raw.argocd) ? raw.argocd : {};
  const controller = oneOf(problems, "controller", raw.controller, CONTROLLERS) ?? "argocd";
  const config: RepoConfig = {
    controller,
    repoUrl: str(problems, "repo.url", repo.url),
    defaultBranch: str(problems, "repo.defaultBranch", repo.defaultBranch ?? "main"),
    chart: {
      repository: str(problems, "chart.repository", chart.repository ?? DEFAULT_CHART_REPOSITORY, checkChartRepository),
      name: str(problems, "chart.name", chart.name ?? "redis"),
      version: str(problems, "chart.version", chart.version, checkChartVersion),
    },
    argocd: {
      namespace: str(problems, "argocd.namespace", argocd.namespace ?? "argocd", checkNamespace),
      project: str(problems, "argocd.project", argocd.project ?? "default", checkResourceName),
    },
    environments: {},
  };
  if (raw.github !== undefined) config.github = str(problems, "github", raw.github);
  const envs = raw.environments ?? {};
  if (!isPlainObject(envs)) problems.add("environments", envs, "expected a mapping of environment name to settings");
  else {
    for (const [name, value] of Object.entries(envs)) config.environments[name] = parseEnvironment(name, value, problems, configLabel(name), controller);
    checkAcrossEnvironments(Object.values(config.environments), problems);
  }
  return problems.list.length ? { problems: problems.list } : { config, problems: [] };
}

export function checkChartRepository(value: string): string | undefined {
  return /^(oci|https?):\/\/[^\s]+[^/]$/.test(value)
    ? undefined
    : "expected oci://registry/namespace (e.g. oci://registry-1.docker.io/bitnamicharts) or an https Helm repository URL";
}

export function checkChartVersion(value: string): string | undefined {
  return /^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(value) ? undefined : "expected a pinned chart version such as 23.1.1 (no ranges)";
}
