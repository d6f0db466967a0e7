/**
 * Validation of gitops-redis.yaml and of environment settings. Pure: takes parsed data, returns the model or
 * every problem at once, each as one line naming the field, the bad value and what is allowed.
 */
import { posix } from "node:path";
import {
  DEFAULT_CHART_REPOSITORY,
  DEFAULT_CLUSTER_CHART_NAME,
  DEFAULT_CLUSTER_CHART_VERSION,
  DEFAULT_FLUX_CLUSTER,
  IN_CLUSTER,
  type AuthSpec,
  type ClusterSpec,
  type Controller,
  type EnvironmentSpec,
  type Exposure,
  type ImageSpec,
  type MetricsSpec,
  type RepoConfig,
  type Resources,
  type SentinelSpec,
  type StorageSpec,
  type Topology,
  type TlsSpec,
} from "../model.js";
import { formatRange, nodePortRanges, overlaps, type PortRange } from "./ports.js";
import {
  checkAbsolutePath,
  checkCpuQuantity,
  checkEnvName,
  checkHostname,
  checkNamespace,
  checkNodePort,
  checkResourceName,
  checkStorageQuantity,
  NODE_PORT_MAX,
} from "./rules.js";
import { isPlainObject } from "../yaml.js";

export const MAX_REPLICAS = 50;
export const STORAGE_KINDS = ["existing", "nfs", "openebs-hostpath", "local"] as const;
export const TOPOLOGIES = ["standalone", "replication", "sentinel", "cluster"] as const;
export const AUTH_MODES = ["existing-secret", "sealed-secret", "external-secret", "none"] as const;
export const TLS_MODES = ["off", "existing-secret", "auto"] as const;
export const MAX_CLUSTER_NODES = 100;
export const MAX_CLUSTER_REPLICAS = 5;
export const DEFAULT_SENTINEL = { quorum: 2, masterSet: "mymaster" } as const;
export const DEFAULT_CLUSTER = { nodes: 6, replicas: 1 } as const;
export const DEFAULT_SENTINEL_NODES = 3;
export const RECLAIM_POLICIES = ["Retain", "Delete"] as const;
export const NFS_PROVISIONERS = ["csi-driver-nfs", "nfs-subdir-external-provisioner"] as const;
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

function exposure(problems: Problems, fieldLabel: FieldLabel, raw: unknown, topology: Topology): Exposure {
  const value = isPlainObject(raw) ? raw : {};
  const label = (key: string): string => fieldLabel(`expose.${key}`);
  const type = oneOf(problems, label("type"), value.type, ["ClusterIP", "NodePort", "LoadBalancer"] as const);
  const only = (key: string, needs: string, allowed: boolean): boolean => {
    if (value[key] === undefined) return false;
    if (!allowed) problems.add(label(key), value[key], `${needs}, not ${type ?? "ClusterIP"}`);
    return allowed;
  };
  const port = (key: string): number => {
    const raw = value[key];
    const problem = typeof raw === "number" ? checkNodePort(raw) : "expected a number";
    if (problem) problems.add(label(key), raw, problem);
    return Number(raw);
  };
  if (type === "NodePort") {
    const spec: Exposure = { type, nodePort: port("nodePort") };
    if (only("sentinelNodePort", "a sentinel node port needs --topology sentinel", topology === "sentinel")) {
      spec.sentinelNodePort = port("sentinelNodePort");
    }
    only("loadBalancerIP", "a load balancer IP needs type LoadBalancer", false);
    only("annotations", "service annotations need type LoadBalancer", false);
    return spec;
  }
  only("nodePort", "a node port needs type NodePort", false);
  only("sentinelNodePort", "a node port needs type NodePort", false);
  if (type === "LoadBalancer") {
    const spec: Exposure = { type };
    if (value.loadBalancerIP !== undefined) spec.loadBalancerIP = str(problems, label("loadBalancerIP"), value.loadBalancerIP, checkIp);
    if (value.annotations !== undefined) spec.annotations = annotations(problems, label("annotations"), value.annotations);
    return spec;
  }
  only("loadBalancerIP", "a load balancer IP needs type LoadBalancer", false);
  only("annotations", "service annotations need type LoadBalancer", false);
  return { type: "ClusterIP" };
}

function checkIp(value: string): string | undefined {
  const v4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;
  return v4.test(value) || (/^[0-9a-fA-F:]+$/.test(value) && value.includes(":")) ? undefined : "expected an IPv4 or IPv6 address";
}

/** Kubernetes annotation keys: optional DNS-subdomain prefix, then a name of up to 63 characters. */
function annotations(problems: Problems, label: string, raw: unknown): Record<string, string> {
  if (!isPlainObject(raw)) {
    problems.add(label, raw, "expected a mapping of annotation key to string value");
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const [prefix, name] = key.includes("/") ? [key.slice(0, key.lastIndexOf("/")), key.slice(key.lastIndexOf("/") + 1)] : [undefined, key];
    if ((prefix !== undefined && checkResourceName(prefix)) || !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(name)) {
      problems.add(`${label}.${key}`, key, "expected an annotation key such as service.beta.kubernetes.io/aws-load-balancer-internal");
    } else if (typeof value !== "string") problems.add(`${label}.${key}`, value, "expected a string value (quote numbers and booleans)");
    else out[key] = value;
  }
  return out;
}

function sentinelSpec(problems: Problems, label: FieldLabel, raw: unknown, topology: Topology, replicas: number): SentinelSpec | undefined {
  if (topology !== "sentinel") {
    if (raw !== undefined) {
      problems.add(label("sentinel"), raw, `sentinel settings need --topology sentinel, not ${topology} (Using redis sentinel on standalone mode is not supported)`);
    }
    return undefined;
  }
  const value = isPlainObject(raw) ? raw : {};
  if (raw !== undefined && !isPlainObject(raw)) problems.add(label("sentinel"), raw, "expected {quorum, masterSet}");
  const quorum = int(problems, label("sentinel.quorum"), value.quorum ?? DEFAULT_SENTINEL.quorum, 1, MAX_REPLICAS);
  if (quorum > replicas && replicas >= 2) {
    problems.add(label("sentinel.quorum"), quorum, `at most the number of sentinels (${replicas}, one per Redis node), or failover can never be agreed`);
  }
  return {
    quorum,
    masterSet: str(problems, label("sentinel.masterSet"), value.masterSet ?? DEFAULT_SENTINEL.masterSet, checkMasterSet),
  };
}

function checkMasterSet(value: string): string | undefined {
  return /^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$/.test(value) ? undefined : "expected a sentinel master set name such as mymaster (letters, digits, '-', '_', '.')";
}

function clusterSpec(problems: Problems, label: FieldLabel, raw: unknown, topology: Topology): ClusterSpec | undefined {
  if (topology !== "cluster") {
    if (raw !== undefined) problems.add(label("redisCluster"), raw, `Redis Cluster settings need --topology cluster, not ${topology}`);
    return undefined;
  }
  const value = isPlainObject(raw) ? raw : {};
  const replicas = int(problems, label("redisCluster.replicas"), value.replicas ?? DEFAULT_CLUSTER.replicas, 0, MAX_CLUSTER_REPLICAS);
  const nodes = int(problems, label("redisCluster.nodes"), value.nodes ?? DEFAULT_CLUSTER.nodes, 1, MAX_CLUSTER_NODES);
  const needed = 3 * (replicas + 1);
  if (nodes < needed) {
    // The words redis-cli --cluster create prints (redis/redis src/redis-cli.c, FACTS §4); the chart does not check.
    problems.add(
      label("redisCluster.nodes"),
      nodes,
      `Redis Cluster requires at least 3 master nodes. This is not possible with ${nodes} nodes and ${replicas} replicas per node. At least ${needed} nodes are required.`,
    );
  }
  return { nodes, replicas };
}

function images(problems: Problems, label: FieldLabel, value: Record<string, unknown>): ImageSpec {
  const raw = isPlainObject(value.images) ? value.images : {};
  if (value.images !== undefined && !isPlainObject(value.images)) problems.add(label("images"), value.images, "expected {registry, repositoryPrefix, bitnamiLegacy}");
  const out: ImageSpec = {};
  // imageRegistry: the key before images existed.
  const registry = raw.registry ?? value.imageRegistry;
  if (registry !== undefined) out.registry = str(problems, label("images.registry"), registry, checkRegistry);
  if (raw.repositoryPrefix !== undefined) out.repositoryPrefix = str(problems, label("images.repositoryPrefix"), raw.repositoryPrefix, checkRepositoryPrefix);
  if (raw.bitnamiLegacy !== undefined && bool(problems, label("images.bitnamiLegacy"), raw.bitnamiLegacy)) {
    out.bitnamiLegacy = true;
    if (out.registry !== undefined || out.repositoryPrefix !== undefined) {
      problems.add(label("images.bitnamiLegacy"), true, "pins docker.io/bitnamilegacy; it cannot be combined with an image registry or repository prefix (use --image-repository-prefix bitnamilegacy with a mirror; --image-registry '' and --image-repository-prefix '' take stored ones away)");
    }
  }
  return out;
}

function checkRepositoryPrefix(value: string): string | undefined {
  return /^[a-z0-9]([-._a-z0-9]*[a-z0-9])?(\/[a-z0-9]([-._a-z0-9]*[a-z0-9])?)*$/.test(value)
    ? undefined
    : "expected a repository path such as mirror/bitnami (lowercase, no registry host, no trailing '/')";
}

function auth(problems: Problems, label: FieldLabel, raw: unknown, name: string): AuthSpec {
  const value = isPlainObject(raw) ? raw : {};
  if (!isPlainObject(raw)) problems.add(label("auth"), raw, "expected {mode, existingSecret, passwordKey}");
  const mode = oneOf(problems, label("auth.mode"), value.mode ?? "existing-secret", AUTH_MODES) ?? "existing-secret";
  if (mode === "none") {
    for (const key of ["existingSecret", "passwordKey", "store", "remoteKey"]) {
      if (value[key] !== undefined) problems.add(label(`auth.${key}`), value[key], "auth none has no password Secret");
    }
    return { mode };
  }
  const existingSecret = str(problems, label("auth.existingSecret"), value.existingSecret, checkResourceName);
  const passwordKey = str(problems, label("auth.passwordKey"), value.passwordKey ?? "redis-password", checkSecretKey);
  if (mode === "external-secret") {
    return {
      mode,
      existingSecret,
      passwordKey,
      store: str(problems, label("auth.store"), value.store, checkResourceName),
      remoteKey: str(problems, label("auth.remoteKey"), value.remoteKey ?? `${name}-redis-auth`, checkRemoteKey),
    };
  }
  for (const key of ["store", "remoteKey"]) {
    if (value[key] !== undefined) problems.add(label(`auth.${key}`), value[key], `only auth external-secret reads from a secret store, not ${mode}`);
  }
  return { mode, existingSecret, passwordKey };
}

function checkRemoteKey(value: string): string | undefined {
  return /^[^\s]+$/.test(value) ? undefined : "expected the key of the password in the secret store (no spaces)";
}

function tls(problems: Problems, label: FieldLabel, raw: unknown): TlsSpec {
  if (raw === undefined) return { mode: "off" };
  const value = isPlainObject(raw) ? raw : {};
  const mode = oneOf(problems, label("tls.mode"), value.mode, TLS_MODES) ?? "off";
  if (mode === "existing-secret") {
    if (!value.secret) {
      problems.missing(label("tls.secret"), "TLS from an existing Secret needs its name: --tls existing-secret:<name> (keys tls.crt, tls.key, ca.crt)");
      return { mode, secret: "" };
    }
    return { mode, secret: str(problems, label("tls.secret"), value.secret, checkResourceName) };
  }
  if (value.secret !== undefined) problems.add(label("tls.secret"), value.secret, `a TLS Secret only applies to tls existing-secret, not ${mode}`);
  return { mode };
}

function metrics(problems: Problems, label: FieldLabel, raw: unknown): MetricsSpec {
  const value = isPlainObject(raw) ? raw : {};
  if (raw !== undefined && !isPlainObject(raw)) problems.add(label("metrics"), raw, "expected {enabled, serviceMonitor}");
  const enabled = bool(problems, label("metrics.enabled"), value.enabled ?? false);
  const serviceMonitor = bool(problems, label("metrics.serviceMonitor"), value.serviceMonitor ?? false);
  if (serviceMonitor && !enabled) problems.add(label("metrics.serviceMonitor"), true, "a ServiceMonitor needs metrics enabled");
  return { enabled, serviceMonitor };
}

/** Sentinel and cluster nodes are alike: one volume size for all of them. */
function checkUniformSize(problems: Problems, label: FieldLabel, env: EnvironmentSpec): void {
  if ((env.topology === "sentinel" || env.topology === "cluster") && env.size.master !== env.size.replica) {
    problems.add(
      label("size.master"),
      env.size.master,
      `topology ${env.topology} gives every Redis node the same volume; use --size (replica size is ${env.size.replica})`,
    );
  }
}

function checkReplicas(problems: Problems, label: FieldLabel, topology: Topology, replicas: number): void {
  if (topology === "standalone" && replicas !== 0) {
    problems.add(label("replicas"), replicas, "a standalone topology has no replicas; use 0 or --topology replication");
  } else if (topology === "cluster" && replicas !== 0) {
    problems.add(label("replicas"), replicas, "a Redis Cluster is sized with --cluster-nodes and --cluster-replicas; leave --replicas out");
  } else if (topology === "sentinel" && replicas < 2) {
    problems.add(label("replicas"), replicas, "sentinel needs at least 2 Redis nodes (replica.replicaCount, master included) to fail over; use 3 or more");
  }
}

function checkOwnNodePorts(problems: Problems, label: FieldLabel, env: EnvironmentSpec): void {
  const ranges = nodePortRanges(env);
  for (const range of ranges) {
    // An explicit port outside the range is reported by exposure(); here: blocks that run past the end.
    const derived = range.field === "expose.sentinelNodePort" && env.expose.type === "NodePort" && env.expose.sentinelNodePort === undefined;
    if (range.to > NODE_PORT_MAX && (derived || range.from <= NODE_PORT_MAX)) {
      problems.add(
        label(range.field),
        range.from,
        `${range.what} ports ${formatRange(range)} run past the NodePort range end ${NODE_PORT_MAX}` +
          (derived ? "; give both blocks: nodeport:<redis-port>:<sentinel-port>" : ""),
      );
    }
  }
  const [redis, sentinel] = ranges;
  if (redis && sentinel && overlaps(redis, sentinel)) {
    problems.add(
      label("expose.sentinelNodePort"),
      sentinel.from,
      `sentinel ports ${formatRange(sentinel)} overlap the redis ports ${formatRange(redis)}; each block takes ${redis.to - redis.from + 1} consecutive ports (replicas + 1), so move the sentinel block: --expose nodeport:${redis.from}:<sentinel-port>`,
    );
  }
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
  checkReplicas(problems, label, topology, replicas);
  const size = isPlainObject(value.size) ? value.size : {};
  const roles = isPlainObject(value.resources) ? value.resources : {};
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
    expose: exposure(problems, label, value.expose ?? { type: "ClusterIP" }, topology),
    images: images(problems, label, value),
    auth: auth(problems, label, value.auth, name),
    tls: tls(problems, label, value.tls),
    metrics: metrics(problems, label, value.metrics),
    resources: {
      master: resources(problems, label("resources.master"), roles.master),
      replica: resources(problems, label("resources.replica"), roles.replica),
      sentinel: resources(problems, label("resources.sentinel"), roles.sentinel),
      metrics: resources(problems, label("resources.metrics"), roles.metrics),
    },
    syncPolicy: parseSyncPolicy(problems, label("syncPolicy"), value.syncPolicy),
  };
  const sentinel = sentinelSpec(problems, label, value.sentinel, topology, replicas);
  if (sentinel) spec.sentinel = sentinel;
  const redisCluster = clusterSpec(problems, label, value.redisCluster, topology);
  if (redisCluster) spec.redisCluster = redisCluster;
  if (value.preset !== undefined) spec.preset = str(problems, label("preset"), value.preset);
  checkUniformSize(problems, label, spec);
  checkOwnNodePorts(problems, label, spec);
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

export function redisPodCount(env: Pick<EnvironmentSpec, "topology" | "replicas" | "redisCluster">): number {
  switch (env.topology) {
    case "standalone":
      return 1;
    case "sentinel":
      return env.replicas;
    case "cluster":
      return env.redisCluster?.nodes ?? DEFAULT_CLUSTER.nodes;
    default:
      return 1 + env.replicas;
  }
}

function describePods(env: EnvironmentSpec): string {
  switch (env.topology) {
    case "standalone":
      return "1 master";
    case "sentinel":
      return `${env.replicas} sentinel nodes`;
    case "cluster":
      return `${redisPodCount(env)} cluster nodes`;
    default:
      return `1 master + ${env.replicas} replicas`;
  }
}

function checkLocalVolumeCount(problems: Problems, label: FieldLabel, env: EnvironmentSpec): void {
  if (env.storage.kind !== "local" || !env.storage.volumes?.length) return;
  const pods = redisPodCount(env);
  if (env.storage.volumes.length < pods) {
    problems.add(
      label("storage.volumes"),
      env.storage.volumes.map((v) => `${v.node}=${v.path}`).join(","),
      `${env.storage.volumes.length} local volume(s) for ${pods} Redis pods (${describePods(env)}); give one --node host=path per pod`,
    );
  }
}

/** One spelling per cluster (no trailing '/', no spaces), so NodePort, namespace and volume checks see one cluster. */
function checkClusterUrl(value: string): string | undefined {
  return /^https:\/\/[^\s/]+(\/[^\s]*[^\s/])?$/.test(value) ? undefined : `expected the Argo CD destination server URL without a trailing '/', e.g. ${IN_CLUSTER}`;
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
  const taken: { env: string; cluster: string; range: PortRange }[] = [];
  const namespaces = new Map<string, string>();
  const classes = new Map<string, string>();
  const directories = new Map<string, string>();
  for (const env of envs) {
    const label = labelFor(env.name);
    for (const range of nodePortRanges(env)) {
      const clash = taken.find((t) => t.cluster === env.cluster && overlaps(t.range, range));
      if (clash) {
        const ports = range.from === range.to ? `port ${range.from}` : `${range.what} ports ${formatRange(range)}`;
        const theirs = clash.range.from === clash.range.to ? `port ${clash.range.from}` : `${clash.range.what} ports ${formatRange(clash.range)}`;
        problems.add(
          label(range.field),
          range.from,
          `${ports} ${range.from === range.to ? "collides" : "collide"} with ${theirs} of environment ${clash.env} on cluster ${env.cluster}; pick a free ${range.from === range.to ? "port" : "range"}`,
        );
      }
    }
    for (const range of nodePortRanges(env)) taken.push({ env: env.name, cluster: env.cluster, range });
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
    for (const volume of env.storage.volumes ?? []) {
      // Two Redis pods writing one directory would share (and overwrite) each other's dump.rdb and AOF.
      const dirKey = `${env.cluster} ${volume.node} ${posix.normalize(volume.path).replace(/(.)\/+$/, "$1")}`;
      const dirOwner = directories.get(dirKey);
      const who = dirOwner === env.name ? "another volume of this environment" : `environment ${dirOwner}`;
      if (dirOwner) problems.add(label("storage.volumes"), `${volume.node}=${volume.path}`, `already used by ${who} on cluster ${env.cluster}; each Redis pod needs its own directory`);
      else directories.set(dirKey, env.name);
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
  const clusterChart = isPlainObject(raw.clusterChart) ? raw.clusterChart : {};
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
    // Pinned in the file when the first cluster environment is added; until then these defaults apply.
    clusterChart: {
      repository: str(problems, "clusterChart.repository", clusterChart.repository ?? chart.repository ?? DEFAULT_CHART_REPOSITORY, checkChartRepository),
      name: str(problems, "clusterChart.name", clusterChart.name ?? DEFAULT_CLUSTER_CHART_NAME),
      version: str(problems, "clusterChart.version", clusterChart.version ?? DEFAULT_CLUSTER_CHART_VERSION, checkChartVersion),
    },
    argocd: {
      namespace: str(problems, "argocd.namespace", argocd.namespace ?? "argocd", checkNamespace),
      project: str(problems, "argocd.project", argocd.project ?? "default", checkResourceName),
    },
    environments: {},
  };
  if (raw.github !== undefined) {
    const github = isPlainObject(raw.github) ? raw.github : {};
    if (!isPlainObject(raw.github)) problems.add("github", raw.github, "expected {repository: owner/repo, apiUrl?}");
    config.github = { repository: str(problems, "github.repository", github.repository, checkRepoSlug) };
    if (github.apiUrl !== undefined) config.github.apiUrl = str(problems, "github.apiUrl", github.apiUrl, checkApiUrl);
  }
  const envs = raw.environments ?? {};
  if (!isPlainObject(envs)) problems.add("environments", envs, "expected a mapping of environment name to settings");
  else {
    for (const [name, value] of Object.entries(envs)) config.environments[name] = parseEnvironment(name, value, problems, configLabel(name), controller);
    checkAcrossEnvironments(Object.values(config.environments), problems);
  }
  return problems.list.length ? { problems: problems.list } : { config, problems: [] };
}

export function checkRepoSlug(value: string): string | undefined {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(value) ? undefined : "expected owner/repo, e.g. acme/redis-gitops";
}

export function checkApiUrl(value: string): string | undefined {
  return /^https?:\/\/[^\s/]+(\/\S*)?$/.test(value) ? undefined : "expected the GitHub API URL, e.g. https://ghe.example.com/api/v3";
}

export function checkChartRepository(value: string): string | undefined {
  return /^(oci|https?):\/\/[^\s]+[^/]$/.test(value)
    ? undefined
    : "expected oci://registry/namespace (e.g. oci://registry-1.docker.io/bitnamicharts) or an https Helm repository URL";
}

export function checkChartVersion(value: string): string | undefined {
  return /^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(value) ? undefined : "expected a pinned chart version such as 23.1.1 (no ranges)";
}
