/**
 * The repository as the rules see it: config, environments with their values (base + overlay) and every
 * Kubernetes object, each with where it came from. Built once from the parsed files. Pure.
 */
import { BASE_VALUES_FILE, CLUSTER_BASE_VALUES_FILE, CONFIG_FILE, ENV_VALUES_PATH, envValuesFile, isNonObjectYaml } from "../layout.js";
import { DEFAULT_CHART_VERSION, DEFAULT_CLUSTER_CHART_NAME, DEFAULT_CLUSTER_CHART_VERSION, IN_CLUSTER } from "../model.js";
import { isPlainObject } from "../yaml.js";
import { findingAt, type KeyPath, type ParsedFile } from "./parse.js";
import type { Finding, RuleName, Severity } from "./types.js";

export interface K8sObject {
  file: ParsedFile;
  docIndex: number;
  apiVersion: string;
  kind: string;
  name: string;
  value: Record<string, unknown>;
}

export interface ChartRef {
  name: string;
  version: string;
}

export interface EnvView {
  name: string;
  /** From gitops-redis.yaml, else the Argo CD Application's destination, else in-cluster. */
  cluster: string;
  /** bitnami/redis-cluster for topology cluster (clusterChart), else bitnami/redis (chart). */
  chart: ChartRef;
  /** The shared values file of that chart: values/base.yaml or values/base-redis-cluster.yaml, when present. */
  base?: ParsedFile;
  /** envs/<env>/values.yaml, when present. */
  overlay?: ParsedFile;
  /** base + overlay, merged as Helm merges value files. */
  values: Record<string, unknown>;
  /** Raw config entry of the environment (unvalidated), if any. */
  config?: Record<string, unknown>;
}

export interface RepoView {
  files: ReadonlyMap<string, ParsedFile>;
  config?: ParsedFile;
  configValue?: Record<string, unknown>;
  chart: ChartRef;
  clusterChart: ChartRef;
  base?: ParsedFile;
  clusterBase?: ParsedFile;
  envs: EnvView[];
  objects: K8sObject[];
}


/** Helm's merge of value files: maps merge key by key, anything else replaces, null deletes. */
export function mergeValues(base: unknown, overlay: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  if (!isPlainObject(overlay)) return out;
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeValues(out[key], value);
    else out[key] = value;
  }
  return out;
}

export function getIn(value: unknown, path: KeyPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const firstValue = (file: ParsedFile | undefined): unknown => file?.docs[0]?.value;

export function buildRepoView(files: ReadonlyMap<string, ParsedFile>): RepoView {
  const config = files.get(CONFIG_FILE);
  const configValue = isPlainObject(firstValue(config)) ? (firstValue(config) as Record<string, unknown>) : undefined;
  const chart = chartRef(configValue?.chart, "redis", DEFAULT_CHART_VERSION);
  const clusterChart = chartRef(configValue?.clusterChart, DEFAULT_CLUSTER_CHART_NAME, DEFAULT_CLUSTER_CHART_VERSION);
  const base = files.get(BASE_VALUES_FILE);
  const clusterBase = files.get(CLUSTER_BASE_VALUES_FILE);
  const objects: K8sObject[] = [];
  const overlays = new Map<string, ParsedFile>();
  for (const file of files.values()) {
    const envMatch = ENV_VALUES_PATH.exec(file.path);
    if (envMatch?.[1]) overlays.set(envMatch[1], file);
    if (isNonObjectYaml(file.path)) continue;
    file.docs.forEach((doc, docIndex) => {
      const value = doc.value;
      if (!isPlainObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return;
      const metadata = isPlainObject(value.metadata) ? value.metadata : {};
      objects.push({
        file,
        docIndex,
        apiVersion: value.apiVersion,
        kind: value.kind,
        name: typeof metadata.name === "string" ? metadata.name : "",
        value,
      });
    });
  }

  const configEnvs = isPlainObject(configValue?.environments) ? configValue.environments : {};
  const destinations = argoDestinations(objects);
  const names = new Set([...Object.keys(configEnvs), ...overlays.keys()]);
  const envs = [...names].sort().map((name): EnvView => {
    const entry = isPlainObject(configEnvs[name]) ? configEnvs[name] : undefined;
    const overlay = overlays.get(name) ?? files.get(envValuesFile(name));
    const cluster = typeof entry?.cluster === "string" ? entry.cluster : (destinations.get(name) ?? IN_CLUSTER);
    const isRedisCluster = entry?.topology === "cluster";
    const envBase = isRedisCluster ? clusterBase : base;
    const values = mergeValues(firstValue(envBase), firstValue(overlay));
    return { name, cluster, chart: isRedisCluster ? clusterChart : chart, base: envBase, overlay, values, config: entry };
  });
  return { files, config, configValue, chart, clusterChart, base, clusterBase, envs, objects };
}

function chartRef(raw: unknown, name: string, version: string): ChartRef {
  const fields = isPlainObject(raw) ? raw : {};
  return {
    name: typeof fields.name === "string" ? fields.name : name,
    version: typeof fields.version === "string" ? fields.version : version,
  };
}

/** env -> destination server, from Applications whose value files name envs/<env>/values.yaml. */
function argoDestinations(objects: readonly K8sObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const object of objects) {
    if (object.kind !== "Application") continue;
    const spec = isPlainObject(object.value.spec) ? object.value.spec : {};
    const server = getIn(spec, ["destination", "server"]);
    const text = JSON.stringify(spec.sources ?? spec.source ?? "");
    const env = /envs\/([^/"]+)\/values\.ya?ml/.exec(text)?.[1];
    if (env && typeof server === "string") out.set(env, server);
  }
  return out;
}

/** Where a values key of an environment is set: the overlay if it sets it, else the base file. */
export function valuesFinding(
  view: RepoView,
  env: EnvView,
  path: KeyPath,
  rule: RuleName,
  severity: Severity,
  message: string,
): Finding {
  const file =
    env.overlay && getIn(firstValue(env.overlay), path) !== undefined
      ? env.overlay
      : env.base && getIn(firstValue(env.base), path) !== undefined
        ? env.base
        : (env.overlay ?? view.config ?? env.base);
  if (!file) return { path: envValuesFile(env.name), line: 0, col: 0, rule, severity, message };
  if (file === view.config) return findingAt(file, 0, ["environments", env.name], rule, severity, message);
  return findingAt(file, 0, path, rule, severity, message);
}

export function objectFinding(object: K8sObject, path: KeyPath, rule: RuleName, severity: Severity, message: string): Finding {
  return findingAt(object.file, object.docIndex, path, rule, severity, message);
}

/** `invalid <field> <value>: <allowed>`, the message style of every rule. */
export function invalid(field: string, value: unknown, allowed: string): string {
  return `invalid ${field} ${typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))}: ${allowed}`;
}

export const dotted = (path: KeyPath): string => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
