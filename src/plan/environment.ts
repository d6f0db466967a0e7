/** Plans the files of one environment: values overlay, storage manifests, Argo CD Application, config entry. Pure. */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import {
  CONFIG_FILE,
  ENV_MANIFEST_NAMES,
  argocdApplicationFile,
  envManifestFile,
  envValuesFile,
  releaseName,
} from "../layout.js";
import { environmentToData } from "../config/serialize.js";
import { renderBlueprint } from "../render/blueprints.js";
import { toYaml, toYamlDocuments } from "../yaml.js";
import { environmentApplication } from "./argocd.js";
import { environmentManifests } from "./manifests.js";
import { MANAGED_VALUE_KEYS, environmentValues } from "./values.js";
import { setSubtree, updateManagedKeys, type FileChanges, type FileContents } from "./files.js";

export function generatedFile(body: string, env: string): string {
  return renderBlueprint("generated.yaml.ejs", { body, regenerate: `gitops-redis set ${env} --help` });
}

/** The files an environment owns and their desired content; files it no longer needs map to null. */
export function planEnvironmentFiles(config: RepoConfig, env: EnvironmentSpec, current: FileContents): FileChanges {
  const changes: FileChanges = new Map();
  const manifests = environmentManifests(env);
  for (const name of ENV_MANIFEST_NAMES) {
    const objects = manifests.get(name);
    changes.set(envManifestFile(env.name, name), objects ? generatedFile(toYamlDocuments(objects), env.name) : null);
  }
  changes.set(
    argocdApplicationFile(env.name),
    generatedFile(toYaml(environmentApplication(config, env, manifests.size > 0)), env.name),
  );

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
  return [CONFIG_FILE, envValuesFile(env), argocdApplicationFile(env), ...ENV_MANIFEST_NAMES.map((n) => envManifestFile(env, n))];
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
