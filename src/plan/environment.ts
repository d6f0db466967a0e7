/**
 * Plans the files of one environment: values overlay, storage manifests, the controller's objects (Argo CD
 * Application or Flux Kustomizations + HelmRelease), config entry. Pure.
 */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import {
  CLUSTER_BASE_VALUES_FILE,
  CONFIG_FILE,
  ENV_MANIFEST_NAMES,
  SEED_MANIFEST_NAMES,
  FLUX_RELEASE_FILE_NAMES,
  argocdApplicationFile,
  envManifestFile,
  envManifestsKustomization,
  envValuesFile,
  fluxClusterEnvFile,
  fluxClusterOfPath,
  fluxReleaseFile,
  fluxSyncFile,
  releaseName,
  type EnvManifestName,
} from "../layout.js";
import { chartToData, environmentToData } from "../config/serialize.js";
import { nodePortRanges, formatRange } from "../config/ports.js";
import { baseValuesFileFor, chartFor, chartKindOf } from "./charts.js";
import { clusterBaseValues } from "./init.js";
import { renderBlueprint } from "../render/blueprints.js";
import { toYaml, toYamlDocuments } from "../yaml.js";
import { environmentApplication } from "./argocd.js";
import {
  chartSource,
  clusterSync,
  environmentKustomizations,
  helmRelease,
  kustomizeNameReference,
  manifestsKustomization,
  releaseKustomization,
  withoutSyncWave,
} from "./flux.js";
import { environmentManifests } from "./manifests.js";
import { MANAGED_VALUE_KEYS, environmentValues } from "./values.js";
import { setSubtree, setTopLevelAfter, updateManagedKeys, type FileChanges, type FileContents } from "./files.js";

export function generatedFile(body: string, env: string): string {
  return renderBlueprint("generated.yaml.ejs", { body, regenerate: `gitops-redis set ${env} --help` });
}

/** The files an environment owns and their desired content; files it no longer needs map to null. */
export function planEnvironmentFiles(config: RepoConfig, env: EnvironmentSpec, current: FileContents): FileChanges {
  const changes: FileChanges = new Map();
  const flux = config.controller === "flux";
  const manifests = environmentManifests(env, config.controller);
  for (const name of ENV_MANIFEST_NAMES) {
    const path = envManifestFile(env.name, name);
    const objects = manifests.get(name)?.map((o) => (flux ? withoutSyncWave(o) : o));
    if (!objects) changes.set(path, null);
    else if (!SEED_MANIFEST_NAMES.includes(name)) changes.set(path, generatedFile(toYamlDocuments(objects), env.name));
    // A seed the user has filled in (kubeseal) is theirs: written once, kept as long as it is needed.
    else if (!current.has(path)) changes.set(path, sealedSecretSeed(env, path, toYamlDocuments(objects)));
  }
  if (flux) planFluxFiles(config, env, [...manifests.keys()], current, changes);
  else {
    changes.set(
      argocdApplicationFile(env.name),
      generatedFile(toYaml(environmentApplication(config, env, manifests.size > 0)), env.name),
    );
  }

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

/**
 * The Flux rendering of the same environment. An environment that moved to another cluster loses its file in the
 * old cluster folder, and a cluster folder no environment uses any more loses its sync file.
 */
function planFluxFiles(
  config: RepoConfig,
  env: EnvironmentSpec,
  manifestNames: readonly EnvManifestName[],
  current: FileContents,
  changes: FileChanges,
): void {
  const file = (objects: readonly Record<string, unknown>[]) => generatedFile(toYamlDocuments(objects), env.name);
  changes.set(envManifestsKustomization(env.name), manifestNames.length ? file([manifestsKustomization(env, manifestNames)]) : null);
  changes.set(fluxReleaseFile(env.name, "kustomization"), file([releaseKustomization(env)]));
  changes.set(fluxReleaseFile(env.name, "kustomizeconfig"), file([kustomizeNameReference()]));
  changes.set(fluxReleaseFile(env.name, "source"), file([chartSource(config, env)]));
  changes.set(fluxReleaseFile(env.name, "helmrelease"), file([helmRelease(config, env)]));

  // Leaving a cluster removes the environment's file there. The cluster's sync file stays, even with no environment
  // left: Flux on that cluster keeps reconciling the folder, so it prunes what the environment ran there.
  for (const path of current.keys()) {
    if (fluxClusterOfPath(path, env.name) !== undefined) changes.set(path, null);
  }
  changes.set(fluxClusterEnvFile(env.cluster, env.name), file(environmentKustomizations(env, manifestNames.length > 0)));
  const sync = renderBlueprint("generated.yaml.ejs", {
    body: toYamlDocuments(clusterSync(config, env.cluster)),
    regenerate: `gitops-redis add-env or set of any environment on cluster ${env.cluster}`,
  });
  changes.set(fluxSyncFile(env.cluster), sync);
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

/**
 * Paths a plan for `env` may read from the repository. `config` is the repository as it is (before the change),
 * so for Flux the files in the cluster folder the environment may be leaving are among them.
 */
export function environmentInputPaths(config: RepoConfig, env: EnvironmentSpec): string[] {
  const shared = [
    CONFIG_FILE,
    CLUSTER_BASE_VALUES_FILE,
    envValuesFile(env.name),
    ...ENV_MANIFEST_NAMES.map((n) => envManifestFile(env.name, n)),
  ];
  if (config.controller !== "flux") return [...shared, argocdApplicationFile(env.name)];
  const clusters = [...new Set([env.cluster, ...Object.values(config.environments).map((e) => e.cluster)])].sort();
  return [
    ...shared,
    envManifestsKustomization(env.name),
    ...FLUX_RELEASE_FILE_NAMES.map((n) => fluxReleaseFile(env.name, n)),
    ...clusters.flatMap((c) => [fluxClusterEnvFile(c, env.name), fluxSyncFile(c)]),
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
