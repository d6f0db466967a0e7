/** add-env / set flags -> a validated EnvironmentSpec. Pure apart from reading the built-in presets. */
import type { Controller, EnvironmentSpec } from "../model.js";
import { Problems, STORAGE_KINDS, parseEnvironment, type FieldLabel } from "../config/schema.js";
import { environmentToData } from "../config/serialize.js";
import { defaultNamespace, defaultPasswordSecret, defaultStorageClassName } from "../layout.js";
import { loadPreset, presetNames } from "../presets.js";
import { isPlainObject } from "../yaml.js";

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
  imageRegistry?: string;
  auth?: string;
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
  ["expose", "--expose"],
  ["imageRegistry", "--image-registry"],
  ["auth", "--auth"],
  ["namespace", "--namespace"],
  ["cluster", "--cluster"],
  ["topology", "--topology"],
  ["replicas", "--replicas"],
  ["preset", "--preset"],
];

/** Speaks of flags, not config paths, since that is what the user typed. */
export function flagLabel(env: string): FieldLabel {
  return (field) => {
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
  if (lower === "loadbalancer") return { type: "LoadBalancer" };
  const match = /^nodeport(?::(.*))?$/.exec(lower);
  if (match) {
    if (!match[1]) {
      problems.add("--expose", value, "a NodePort needs a fixed port: nodeport:<30000-32767>, e.g. nodeport:31379");
      return undefined;
    }
    return { type: "NodePort", nodePort: parseNumber(match[1]) };
  }
  problems.add("--expose", value, "expected clusterip, nodeport:<port> or loadbalancer");
  return undefined;
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

function parseAuth(value: string, problems: Problems): Record<string, unknown> | undefined {
  const match = /^existing-secret:([^:]+)(?::([^:]+))?$/.exec(value);
  if (!match) {
    problems.add("--auth", value, "expected existing-secret:<secret-name>[:<key>]; the password is never written to Git");
    return undefined;
  }
  return { existingSecret: match[1], passwordKey: match[2] ?? "redis-password" };
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
): { spec: EnvironmentSpec; problems: string[] } {
  const problems = new Problems();
  const data = startingPoint(name, flags, existing, problems);
  data.namespace = flags.namespace ?? data.namespace ?? defaultNamespace(name);
  if (flags.cluster !== undefined) data.cluster = flags.cluster;
  if (flags.topology !== undefined) data.topology = flags.topology;
  if (flags.replicas !== undefined) data.replicas = parseNumber(flags.replicas);
  if (data.topology === "standalone" && flags.replicas === undefined) data.replicas = 0;
  const size = isPlainObject(data.size) ? { ...data.size } : {};
  if (flags.size !== undefined) size.master = size.replica = flags.size;
  if (flags.masterSize !== undefined) size.master = flags.masterSize;
  if (flags.replicaSize !== undefined) size.replica = flags.replicaSize;
  data.size = size;

  let storage: Record<string, unknown> = isPlainObject(data.storage) ? { ...data.storage } : {};
  if (flags.storage !== undefined) {
    const parsed = parseStorageKind(flags.storage, problems);
    // A new kind starts clean: settings of the old kind must not leak into it.
    storage = { reclaimPolicy: storage.reclaimPolicy ?? "Retain", ...(parsed ?? { kind: flags.storage }) };
  } else if (storage.kind === undefined) {
    problems.missing("--storage", "choose existing:<class>, nfs, openebs-hostpath or local");
  }
  if (flags.storageClass !== undefined) storage.className = flags.storageClass;
  if (storage.className === undefined && typeof storage.kind === "string") {
    storage.className = defaultStorageClassName(name, storage.kind);
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
  if (flags.imageRegistry !== undefined) data.imageRegistry = flags.imageRegistry;
  if (flags.auth !== undefined) data.auth = parseAuth(flags.auth, problems) ?? data.auth;
  data.auth ??= { existingSecret: defaultPasswordSecret(name), passwordKey: "redis-password" };

  const spec = parseEnvironment(name, data, problems, flagLabel(name), controller);
  return { spec, problems: firstPerField(problems.list) };
}

/** A bad flag value is reported once, by the check that understood it first. */
function firstPerField(messages: readonly string[]): string[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    const field = message.split(" ")[1] ?? message;
    if (seen.has(field)) return false;
    seen.add(field);
    return true;
  });
}
