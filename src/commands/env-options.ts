/** add-env / set flags -> a validated EnvironmentSpec. Pure apart from reading the built-in presets. */
import type { Controller, EnvironmentSpec } from "../model.js";
import { DEFAULT_SENTINEL_NODES, Problems, STORAGE_KINDS, parseEnvironment, type FieldLabel } from "../config/schema.js";
import { environmentToData } from "../config/serialize.js";
import { NODE_PORT_MAX } from "../config/rules.js";
import { defaultNamespace, defaultPasswordSecret, defaultStorageClassName } from "../layout.js";
import { loadPreset, presetNames } from "../presets.js";
import { isPlainObject } from "../yaml.js";
import { checkEnvName } from "../config/rules.js";

export interface EnvFlags {
  preset?: string;
  namespace?: string;
  cluster?: string;
  topology?: string;
  replicas?: string;
  size?: string;
  masterSize?: string;
  replicaSize?: string;
  storage?: string;
  storageClass?: string;
  reclaimPolicy?: string;
  nfsServer?: string;
  nfsPath?: string;
  nfsProvisioner?: string;
  basePath?: string;
  node?: string[];
  expose?: string;
  serviceAnnotation?: string[];
  sentinelQuorum?: string;
  sentinelMasterSet?: string;
  clusterNodes?: string;
  clusterReplicas?: string;
  imageRegistry?: string;
  imageRepositoryPrefix?: string;
  bitnamiLegacy?: boolean;
  auth?: string;
  insecureNoAuth?: boolean;
  tls?: string;
  metrics?: string;
}

const FLAG_FOR_FIELD: ReadonlyArray<readonly [string, string]> = [
  ["size.master", "--master-size"],
  ["size.replica", "--replica-size"],
  ["storage.kind", "--storage"],
  ["storage.className", "--storage-class"],
  ["storage.reclaimPolicy", "--reclaim-policy"],
  ["storage.nfs.server", "--nfs-server"],
  ["storage.nfs.path", "--nfs-path"],
  ["storage.nfs.provisioner", "--nfs-provisioner"],
  ["storage.nfs", "--storage"],
  ["storage.basePath", "--base-path"],
  ["storage.volumes", "--node"],
  ["storage", "--storage"],
  ["expose.annotations", "--service-annotation"],
  ["expose", "--expose"],
  ["sentinel.quorum", "--sentinel-quorum"],
  ["sentinel.masterSet", "--sentinel-master-set"],
  ["sentinel", "--topology"],
  ["redisCluster.nodes", "--cluster-nodes"],
  ["redisCluster.replicas", "--cluster-replicas"],
  ["redisCluster", "--topology"],
  ["images.registry", "--image-registry"],
  ["images.repositoryPrefix", "--image-repository-prefix"],
  ["images.bitnamiLegacy", "--bitnami-legacy"],
  ["auth", "--auth"],
  ["tls", "--tls"],
  ["metrics", "--metrics"],
  ["namespace", "--namespace"],
  ["cluster", "--cluster"],
  ["topology", "--topology"],
  ["replicas", "--replicas"],
  ["preset", "--preset"],
];

/** Speaks of flags, not config paths, since that is what the user typed. */
export function flagLabel(env: string, flags: EnvFlags = {}): FieldLabel {
  return (field) => {
    if (field === "size.master" && flags.masterSize === undefined && flags.size !== undefined) return "--size";
    if (field === "size.replica" && flags.replicaSize === undefined && flags.size !== undefined) return "--size";
    const match = FLAG_FOR_FIELD.find(([prefix]) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`));
    return match ? match[1] : `environments.${env}.${field} (from the preset)`;
  };
}

function parseNumber(value: string): number | string {
  return /^[0-9]+$/.test(value) ? Number(value) : value;
}

function parseExpose(value: string, problems: Problems): Record<string, unknown> | undefined {
  const lower = value.toLowerCase();
  if (lower === "clusterip") return { type: "ClusterIP" };
  const lb = /^loadbalancer(?::(.+))?$/.exec(value.replace(/^loadbalancer/i, "loadbalancer"));
  if (lb) return lb[1] ? { type: "LoadBalancer", loadBalancerIP: lb[1] } : { type: "LoadBalancer" };
  const match = /^nodeport(?::([^:]*))?(?::([^:]*))?$/.exec(lower);
  if (match) {
    if (!match[1]) {
      problems.add("--expose", value, "a NodePort needs a fixed port: nodeport:<30000-32767>, e.g. nodeport:31379");
      return undefined;
    }
    const expose: Record<string, unknown> = { type: "NodePort", nodePort: parseNumber(match[1]) };
    if (match[2] !== undefined) expose.sentinelNodePort = parseNumber(match[2]);
    return expose;
  }
  problems.add("--expose", value, "expected clusterip, nodeport:<port>[:<sentinel-port>] or loadbalancer[:<ip>]");
  return undefined;
}

function parseAnnotations(values: readonly string[], problems: Problems): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf("=");
    if (at <= 0) problems.add("--service-annotation", value, "expected <key>=<value>, e.g. metallb.universe.tf/address-pool=redis");
    else out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

function parseStorageKind(value: string, problems: Problems): { kind: string; className?: string } | undefined {
  const [kind, ...rest] = value.split(":");
  const className = rest.join(":");
  if (kind === "existing") {
    if (!className) {
      problems.add("--storage", value, "name the StorageClass that already exists in the cluster: existing:<class>, e.g. existing:nfs");
      return undefined;
    }
    return { kind, className };
  }
  if (kind && (STORAGE_KINDS as readonly string[]).includes(kind) && !className) return { kind };
  problems.add("--storage", value, "expected one of existing:<class>, nfs, openebs-hostpath, local");
  return undefined;
}

function parseNodes(values: readonly string[], problems: Problems): Record<string, string>[] {
  return values.flatMap((value) => {
    const at = value.indexOf("=");
    if (at <= 0 || at === value.length - 1) {
      problems.add("--node", value, "expected <node-name>=<absolute path>, e.g. node1=/data/redis");
      return [];
    }
    return [{ node: value.slice(0, at), path: value.slice(at + 1) }];
  });
}

const AUTH_FORMS =
  "expected existing-secret:<name>[:<key>], sealed-secret[:<name>[:<key>]], external-secret:<store>[:<remote-key>] or none (with --insecure-no-auth); the password is never written to Git";

function parseAuth(name: string, value: string, insecureNoAuth: boolean, problems: Problems): Record<string, unknown> | undefined {
  const [mode, ...rest] = value.split(":");
  const secret = defaultPasswordSecret(name);
  if (mode === "none" && rest.length === 0) {
    if (!insecureNoAuth) {
      problems.add("--auth", value, "turning Redis authentication off needs --insecure-no-auth as well; anyone who reaches the Service can read and write");
      return undefined;
    }
    return { mode };
  }
  if (rest.some((part) => part === "") || rest.length > 2) {
    problems.add("--auth", value, AUTH_FORMS);
    return undefined;
  }
  if (mode === "existing-secret" && rest[0]) return { mode, existingSecret: rest[0], passwordKey: rest[1] ?? "redis-password" };
  if (mode === "sealed-secret") return { mode, existingSecret: rest[0] ?? secret, passwordKey: rest[1] ?? "redis-password" };
  if (mode === "external-secret" && rest[0]) {
    return { mode, existingSecret: secret, passwordKey: "redis-password", store: rest[0], remoteKey: rest[1] ?? secret };
  }
  problems.add("--auth", value, mode === "existing-secret" || mode === "external-secret" ? `${mode} needs a name: ${AUTH_FORMS}` : AUTH_FORMS);
  return undefined;
}

function parseTls(value: string, problems: Problems): Record<string, unknown> | undefined {
  if (value === "off" || value === "auto") return { mode: value };
  const match = /^existing-secret(?::(.*))?$/.exec(value);
  if (match && !match[1]) {
    problems.add("--tls", value, "TLS from an existing Secret needs its name: existing-secret:<name> (keys tls.crt, tls.key, ca.crt, e.g. from cert-manager)");
    return undefined;
  }
  if (match) return { mode: "existing-secret", secret: match[1] };
  problems.add("--tls", value, "expected off, auto or existing-secret:<name>");
  return undefined;
}

function parseMetrics(value: string, problems: Problems): Record<string, unknown> | undefined {
  if (value === "off") return { enabled: false, serviceMonitor: false };
  if (value === "on") return { enabled: true, serviceMonitor: false };
  if (value === "servicemonitor") return { enabled: true, serviceMonitor: true };
  problems.add("--metrics", value, "expected off, on or servicemonitor (on plus a Prometheus Operator ServiceMonitor)");
  return undefined;
}

/** Sentinel and cluster settings: kept only for their topology; flags for another topology are an error. */
function topologySettings(data: Record<string, unknown>, flags: EnvFlags, previousTopology: unknown, problems: Problems): void {
  const topology = data.topology;
  const group = (
    key: "sentinel" | "redisCluster",
    wanted: string,
    entries: ReadonlyArray<readonly [string, string, string | undefined]>,
  ): void => {
    const given = entries.filter(([, , value]) => value !== undefined);
    if (topology !== wanted) {
      for (const [flag, field, value] of given) {
        problems.add(flag, field === "masterSet" ? value : parseNumber(value!), `needs --topology ${wanted}, not ${String(topology)}`);
      }
      delete data[key];
      return;
    }
    const settings = isPlainObject(data[key]) ? { ...data[key] } : {};
    for (const [, field, value] of given) settings[field] = field === "masterSet" ? value : parseNumber(value!);
    data[key] = settings;
  };
  group("sentinel", "sentinel", [
    ["--sentinel-quorum", "quorum", flags.sentinelQuorum],
    ["--sentinel-master-set", "masterSet", flags.sentinelMasterSet],
  ]);
  group("redisCluster", "cluster", [
    ["--cluster-nodes", "nodes", flags.clusterNodes],
    ["--cluster-replicas", "replicas", flags.clusterReplicas],
  ]);
  if (flags.replicas === undefined) {
    if (topology === "standalone" || topology === "cluster") data.replicas = 0;
    // The chart's own default: three nodes, each with a sentinel, quorum 2.
    else if (topology === "sentinel" && previousTopology !== "sentinel") data.replicas = DEFAULT_SENTINEL_NODES;
  }
}

/**
 * Sentinel's second port block is pinned in the config when first chosen (right after the redis block), so a
 * later --replicas change cannot move the port clients use; other topologies have no sentinel port.
 */
function pinSentinelNodePort(data: Record<string, unknown>): void {
  if (!isPlainObject(data.expose) || data.expose.type !== "NodePort") return;
  const expose = { ...data.expose };
  if (data.topology !== "sentinel") delete expose.sentinelNodePort;
  else if (expose.sentinelNodePort === undefined && typeof expose.nodePort === "number" && typeof data.replicas === "number") {
    const port = expose.nodePort + data.replicas + 1;
    // Out of range it stays derived, and validation says the block runs past the end.
    if (port + data.replicas <= NODE_PORT_MAX) expose.sentinelNodePort = port;
  }
  data.expose = expose;
}

function imageSettings(data: Record<string, unknown>, flags: EnvFlags): void {
  // Old configs kept the registry at the top level.
  const images: Record<string, unknown> = isPlainObject(data.images) ? { ...data.images } : {};
  if (data.imageRegistry !== undefined) images.registry ??= data.imageRegistry;
  delete data.imageRegistry;
  // An empty value takes a stored mirror away: back to the chart's own registry and repositories.
  if (flags.imageRegistry === "") delete images.registry;
  else if (flags.imageRegistry !== undefined) images.registry = flags.imageRegistry;
  if (flags.imageRepositoryPrefix === "") delete images.repositoryPrefix;
  else if (flags.imageRepositoryPrefix !== undefined) images.repositoryPrefix = flags.imageRepositoryPrefix.replace(/\/+$/, "");
  if (flags.bitnamiLegacy === true) images.bitnamiLegacy = true;
  if (flags.bitnamiLegacy === false) delete images.bitnamiLegacy;
  data.images = images;
}

export function defaultPresetFor(env: string): string {
  return presetNames().includes(env) ? env : "prod";
}

/** The env's settings before flags: a preset's data, or (for set) the environment as it is now. */
function startingPoint(
  name: string,
  flags: EnvFlags,
  existing: EnvironmentSpec | undefined,
  problems: Problems,
): Record<string, unknown> {
  const base: Record<string, unknown> = existing ? environmentToData(existing) : {};
  const presetName = flags.preset ?? (existing ? undefined : defaultPresetFor(name));
  if (presetName === undefined) return base;
  if (!presetNames().includes(presetName)) {
    problems.add("--preset", presetName, `expected one of ${presetNames().join(", ")}`);
    return base;
  }
  const preset = loadPreset(presetName).values;
  const { size, reclaimPolicy, ...rest } = preset;
  const storage = isPlainObject(base.storage) ? { ...base.storage } : {};
  if (reclaimPolicy !== undefined) storage.reclaimPolicy = reclaimPolicy;
  return { ...base, ...rest, preset: presetName, size: { master: size, replica: size }, storage };
}

export function environmentFromFlags(
  name: string,
  flags: EnvFlags,
  existing?: EnvironmentSpec,
  controller: Controller = "argocd",
): { spec: EnvironmentSpec | undefined; problems: string[] } {
  const problems = new Problems();
  const nameProblem = checkEnvName(name);
  // Every default (namespace, class, secret) derives from the name: one message is enough.
  if (nameProblem) problems.add("environment name", name, nameProblem);
  const data = startingPoint(name, flags, existing, problems);
  if (problems.list.length) return { spec: undefined, problems: problems.list };
  data.namespace = flags.namespace ?? data.namespace ?? defaultNamespace(name);
  if (flags.cluster !== undefined) data.cluster = flags.cluster;
  const previousTopology = data.topology;
  if (flags.topology !== undefined) data.topology = flags.topology;
  if (flags.replicas !== undefined) data.replicas = parseNumber(flags.replicas);
  topologySettings(data, flags, previousTopology, problems);
  const size = isPlainObject(data.size) ? { ...data.size } : {};
  if (flags.size !== undefined) size.master = size.replica = flags.size;
  if (flags.masterSize !== undefined) size.master = flags.masterSize;
  if (flags.replicaSize !== undefined) size.replica = flags.replicaSize;
  data.size = size;

  let storage: Record<string, unknown> = isPlainObject(data.storage) ? { ...data.storage } : {};
  let badKind = false;
  if (flags.storage !== undefined) {
    const parsed = parseStorageKind(flags.storage, problems);
    badKind = parsed === undefined;
    // A new kind starts clean: settings of the old kind must not leak into it.
    storage = { reclaimPolicy: storage.reclaimPolicy ?? "Retain", ...(parsed ?? { kind: flags.storage }) };
  } else if (storage.kind === undefined) {
    problems.missing("--storage", "choose existing:<class>, nfs, openebs-hostpath or local");
    return { spec: undefined, problems: problems.list };
  }
  if (flags.storageClass !== undefined) storage.className = flags.storageClass;
  if (storage.className === undefined && typeof storage.kind === "string") {
    // A refused kind ("existing:", "ceph") would give a class name refused too: one problem is enough.
    storage.className = defaultStorageClassName(name, badKind ? "unset" : storage.kind);
  }
  if (flags.reclaimPolicy !== undefined) storage.reclaimPolicy = flags.reclaimPolicy;
  if (flags.nfsServer !== undefined || flags.nfsPath !== undefined || flags.nfsProvisioner !== undefined) {
    const nfs = isPlainObject(storage.nfs) ? { ...storage.nfs } : {};
    if (flags.nfsServer !== undefined) nfs.server = flags.nfsServer;
    if (flags.nfsPath !== undefined) nfs.path = flags.nfsPath;
    if (flags.nfsProvisioner !== undefined) nfs.provisioner = flags.nfsProvisioner;
    storage.nfs = nfs;
  }
  if (flags.basePath !== undefined) storage.basePath = flags.basePath;
  if (flags.node !== undefined) storage.volumes = parseNodes(flags.node, problems);
  data.storage = storage;

  if (flags.expose !== undefined) data.expose = parseExpose(flags.expose, problems) ?? data.expose;
  data.expose ??= { type: "ClusterIP" };
  if (flags.serviceAnnotation !== undefined) {
    data.expose = { ...(data.expose as Record<string, unknown>), annotations: parseAnnotations(flags.serviceAnnotation, problems) };
  }
  const exposed = isPlainObject(data.expose) ? data.expose : {};
  if (flags.expose !== undefined && exposed.sentinelNodePort !== undefined && data.topology !== "sentinel") {
    problems.add("--expose", flags.expose, `a sentinel port needs --topology sentinel, not ${String(data.topology)}`);
  }
  pinSentinelNodePort(data);
  imageSettings(data, flags);
  if (flags.insecureNoAuth && flags.auth !== "none") {
    problems.add("--insecure-no-auth", true, "only goes with --auth none");
  }
  if (flags.auth !== undefined) data.auth = parseAuth(name, flags.auth, flags.insecureNoAuth === true, problems) ?? data.auth;
  data.auth ??= { existingSecret: defaultPasswordSecret(name), passwordKey: "redis-password" };
  if (flags.tls !== undefined) data.tls = parseTls(flags.tls, problems) ?? data.tls;
  if (flags.metrics !== undefined) data.metrics = parseMetrics(flags.metrics, problems) ?? data.metrics;

  const spec = parseEnvironment(name, data, problems, flagLabel(name, flags), controller);
  return { spec, problems: firstPerField(problems.list) };
}

/** A bad flag value is reported once, by the check that understood it first. */
function firstPerField(messages: readonly string[]): string[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const field = (message.split(" ")[1] ?? message).replace(/:$/, "");
    if (seen.has(field)) return false;
    seen.add(field);
    return true;
  });
}
