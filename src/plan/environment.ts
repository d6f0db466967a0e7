/** Plans the files of one environment: values overlay, storage manifests, Argo CD Application, config entry. Pure. */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import {
  CLUSTER_BASE_VALUES_FILE,
  CONFIG_FILE,
  ENV_MANIFEST_NAMES,
  SEED_MANIFEST_NAMES,
  argocdApplicationFile,
  envManifestFile,
  envValuesFile,
  releaseName,
} from "../layout.js";
import { chartToData, environmentToData } from "../config/serialize.js";
import { nodePortRanges, formatRange } from "../config/ports.js";
import { baseValuesFileFor, chartFor, chartKindOf } from "./charts.js";
import { clusterBaseValues } from "./init.js";
import { renderBlueprint } from "../render/blueprints.js";
import { toYaml, toYamlDocuments } from "../yaml.js";
import { environmentApplication } from "./argocd.js";
import { environmentManifests } from "./manifests.js";
import { MANAGED_VALUE_KEYS, environmentValues } from "./values.js";
import { setSubtree, setTopLevelAfter, updateManagedKeys, type FileChanges, type FileContents } from "./files.js";

export function generatedFile(body: string, env: string): string {
  return renderBlueprint("generated.yaml.ejs", { body, regenerate: `gitops-redis set ${env} --help` });
}

/** The files an environment owns and their desired content; files it no longer needs map to null. */
export function planEnvironmentFiles(config: RepoConfig, env: EnvironmentSpec, current: FileContents): FileChanges {
  const changes: FileChanges = new Map();
  const manifests = environmentManifests(env);
  for (const name of ENV_MANIFEST_NAMES) {
    const path = envManifestFile(env.name, name);
    const objects = manifests.get(name);
    if (!objects) changes.set(path, null);
    else if (!SEED_MANIFEST_NAMES.includes(name)) changes.set(path, generatedFile(toYamlDocuments(objects), env.name));
    // A seed the user has filled in (kubeseal) is theirs: written once, kept as long as it is needed.
    else if (!current.has(path)) changes.set(path, sealedSecretSeed(env, path, toYamlDocuments(objects)));
  }
  changes.set(
    argocdApplicationFile(env.name),
    generatedFile(toYaml(environmentApplication(config, env, manifests.size > 0)), env.name),
  );

  if (chartKindOf(env) === "redis-cluster" && !current.has(CLUSTER_BASE_VALUES_FILE)) {
    changes.set(
      CLUSTER_BASE_VALUES_FILE,
      renderBlueprint("base-values.yaml.ejs", {
        chart: config.clusterChart.name,
        when: "with the first cluster environment",
        body: toYaml(clusterBaseValues()),
      }),
    );
  }

  const values = environmentValues(env, chartFor(config, env));
  const overlayPath = envValuesFile(env.name);
  const existingOverlay = current.get(overlayPath);
  changes.set(
    overlayPath,
    existingOverlay === undefined
      ? renderBlueprint("values-overlay.yaml.ejs", { env: env.name, base: baseValuesFileFor(env), body: toYaml(values) })
      : updateManagedKeys(existingOverlay, overlayPath, values, MANAGED_VALUE_KEYS),
  );

  const configText = current.get(CONFIG_FILE);
  if (configText === undefined) throw new Error(`${CONFIG_FILE} is missing from the plan input`);
  let nextConfig = setSubtree(configText, CONFIG_FILE, ["environments", env.name], environmentToData(env));
  if (chartKindOf(env) === "redis-cluster") {
    // Pin bitnami/redis-cluster in the file the moment an environment depends on it.
    nextConfig = setTopLevelAfter(nextConfig, CONFIG_FILE, "chart", "clusterChart", chartToData(config.clusterChart));
  }
  changes.set(CONFIG_FILE, nextConfig);
  return dropUnchanged(changes, current);
}

function sealedSecretSeed(env: EnvironmentSpec, path: string, body: string): string {
  const auth = env.auth.mode === "sealed-secret" ? env.auth : undefined;
  return renderBlueprint("sealed-secret.yaml.ejs", {
    env: env.name,
    namespace: env.namespace,
    secret: auth?.existingSecret ?? "",
    key: auth?.passwordKey ?? "",
    path,
    body,
  });
}

/** Keeps only real changes: a write of identical bytes or a delete of a missing file is no change. */
export function dropUnchanged(changes: FileChanges, current: FileContents): FileChanges {
  const out: FileChanges = new Map();
  for (const [path, content] of changes) {
    const before = current.get(path);
    if (content === null ? before !== undefined : content !== before) out.set(path, content);
  }
  return out;
}

/** Paths a plan for `env` may read from the repository. */
export function environmentInputPaths(env: string): string[] {
  return [
    CONFIG_FILE,
    CLUSTER_BASE_VALUES_FILE,
    envValuesFile(env),
    argocdApplicationFile(env),
    ...ENV_MANIFEST_NAMES.map((n) => envManifestFile(env, n)),
  ];
}

export function describeEnvironment(env: EnvironmentSpec): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts: string[] = [env.topology];
  if (env.topology === "replication") parts.push(plural(env.replicas, "replica"));
  if (env.topology === "sentinel") parts.push(plural(env.replicas, "node"));
  if (env.topology === "cluster" && env.redisCluster) {
    parts.push(`${plural(env.redisCluster.nodes, "node")} x ${plural(env.redisCluster.replicas, "replica")}/master`);
  }
  parts.push(env.storage.kind);
  if (env.expose.type === "NodePort") parts.push(`nodeport ${nodePortRanges(env).map(formatRange).join("+")}`);
  return parts.join(", ");
}

/** How clients reach the environment: DNS names inside the cluster, ports, and what to run. */
export function connectionNotes(env: EnvironmentSpec): string[] {
  const fullname = releaseName(env.name);
  const host = (service: string): string => `${service}.${env.namespace}.svc.cluster.local`;
  const tls = env.tls.mode === "off" ? "" : " --tls --cacert ca.crt --cert tls.crt --key tls.key";
  const notes: string[] = [];
  const external = (what: string, port: number): void => {
    if (env.expose.type === "LoadBalancer") notes.push(`${env.expose.loadBalancerIP ?? "<load-balancer-ip>"}:${port} (${what}, LoadBalancer)`);
  };
  switch (env.topology) {
    case "sentinel": {
      const masterSet = env.sentinel?.masterSet ?? "mymaster";
      notes.push(`${host(fullname)}:26379 (sentinel): ask for master set "${masterSet}", e.g. redis-cli -h ${host(fullname)} -p 26379${tls} SENTINEL get-master-addr-by-name ${masterSet}`);
      notes.push(`${host(fullname)}:6379 (any node, read-only; write to the master sentinel names)`);
      notes.push(`${fullname}-node-<i>.${host(`${fullname}-headless`)} (node i = 0..${env.replicas - 1})`);
      const [redis, sentinel] = nodePortRanges(env);
      if (redis && sentinel) {
        notes.push(`<node-ip>:${redis.from} (redis) and <node-ip>:${sentinel.from} (sentinel), NodePort; node i answers on ${redis.from + 1}+i and ${sentinel.from + 1}+i`);
      }
      external("sentinel", 26379);
      break;
    }
    case "cluster":
      notes.push(`redis-cli -c -h ${host(fullname)} -p 6379${tls} (cluster mode: -c follows MOVED redirects between shards)`);
      notes.push(`${fullname}-<i>.${host(`${fullname}-headless`)} (node i = 0..${(env.redisCluster?.nodes ?? 6) - 1})`);
      if (env.expose.type === "NodePort") notes.push(`<node-ip>:${env.expose.nodePort} (NodePort; redirects name pod IPs, so clients outside the cluster cannot follow them)`);
      external("cluster, redirects name pod IPs", 6379);
      break;
    default:
      notes.push(`${host(`${fullname}-master`)}:6379 (read/write)`);
      if (env.topology === "replication") notes.push(`${host(`${fullname}-replicas`)}:6379 (read-only)`);
      if (env.expose.type === "NodePort") notes.push(`<node-ip>:${env.expose.nodePort} (master, NodePort)`);
      external("master", 6379);
  }
  if (env.auth.mode !== "none") {
    notes.push(`password: kubectl get secret ${env.auth.existingSecret} -n ${env.namespace} -o jsonpath="{.data.${env.auth.passwordKey}}" | base64 -d`);
  }
  return notes;
}
