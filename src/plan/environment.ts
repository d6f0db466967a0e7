/**
 * Plans the files of one environment: values overlay, storage manifests, the controller's objects (Argo CD
 * Application or Flux Kustomizations + HelmRelease), config entry. Pure.
 */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import {
  CONFIG_FILE,
  ENV_MANIFEST_NAMES,
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
import { environmentToData } from "../config/serialize.js";
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
import { setSubtree, updateManagedKeys, type FileChanges, type FileContents } from "./files.js";

export function generatedFile(body: string, env: string): string {
  return renderBlueprint("generated.yaml.ejs", { body, regenerate: `gitops-redis set ${env} --help` });
}

/** The files an environment owns and their desired content; files it no longer needs map to null. */
export function planEnvironmentFiles(config: RepoConfig, env: EnvironmentSpec, current: FileContents): FileChanges {
  const changes: FileChanges = new Map();
  const flux = config.controller === "flux";
  const manifests = environmentManifests(env);
  for (const name of ENV_MANIFEST_NAMES) {
    const objects = manifests.get(name)?.map((o) => (flux ? withoutSyncWave(o) : o));
    changes.set(envManifestFile(env.name, name), objects ? generatedFile(toYamlDocuments(objects), env.name) : null);
  }
  if (flux) planFluxFiles(config, env, [...manifests.keys()], current, changes);
  else {
    changes.set(
      argocdApplicationFile(env.name),
      generatedFile(toYaml(environmentApplication(config, env, manifests.size > 0)), env.name),
    );
  }

  const values = environmentValues(env, config.chart);
  const overlayPath = envValuesFile(env.name);
  const existingOverlay = current.get(overlayPath);
  changes.set(
    overlayPath,
    existingOverlay === undefined
      ? renderBlueprint("values-overlay.yaml.ejs", { env: env.name, body: toYaml(values) })
      : updateManagedKeys(existingOverlay, overlayPath, values, MANAGED_VALUE_KEYS),
  );

  const configText = current.get(CONFIG_FILE);
  if (configText === undefined) throw new Error(`${CONFIG_FILE} is missing from the plan input`);
  changes.set(CONFIG_FILE, setSubtree(configText, CONFIG_FILE, ["environments", env.name], environmentToData(env)));
  return dropUnchanged(changes, current);
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

  const used = new Set(Object.values(config.environments).map((e) => e.cluster));
  for (const path of current.keys()) {
    if (fluxClusterOfPath(path, env.name) !== undefined) changes.set(path, null);
    const cluster = fluxClusterOfPath(path);
    if (cluster !== undefined && !used.has(cluster)) changes.set(path, null);
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
  const shared = [CONFIG_FILE, envValuesFile(env.name), ...ENV_MANIFEST_NAMES.map((n) => envManifestFile(env.name, n))];
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
  const parts = [env.topology, `${env.replicas} replica${env.replicas === 1 ? "" : "s"}`, env.storage.kind];
  if (env.expose.type === "NodePort") parts.push(`nodeport ${env.expose.nodePort}`);
  return parts.join(", ");
}

export function connectionNotes(env: EnvironmentSpec): string[] {
  const fullname = releaseName(env.name);
  const notes = [`${fullname}-master.${env.namespace}.svc.cluster.local:6379 (read/write)`];
  if (env.topology === "replication") notes.push(`${fullname}-replicas.${env.namespace}.svc.cluster.local:6379 (read-only)`);
  if (env.expose.type === "NodePort") notes.push(`<node-ip>:${env.expose.nodePort} (master, NodePort)`);
  return notes;
}
