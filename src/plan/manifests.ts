/** The plain Kubernetes manifests of one environment, by file name; both controllers apply them before the chart. Pure. */
import type { Controller, EnvironmentSpec } from "../model.js";
import type { EnvManifestName } from "../layout.js";
import { externalSecret, sealedSecret } from "./secrets.js";
import { persistentVolumes, storageClass } from "./storage.js";

/**
 * Flux applies the manifests (Kustomization `<release>-storage`) before the HelmRelease that would create the
 * namespace, so a namespaced manifest needs the Namespace with it. Never pruned: removing the environment must not
 * delete the namespace and the PersistentVolumeClaims in it. (Argo CD creates it: CreateNamespace=true.)
 */
function namespace(env: EnvironmentSpec): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: env.namespace, annotations: { "kustomize.toolkit.fluxcd.io/prune": "disabled" } },
  };
}

export function environmentManifests(env: EnvironmentSpec, controller: Controller): Map<EnvManifestName, Record<string, unknown>[]> {
  const manifests = new Map<EnvManifestName, Record<string, unknown>[]>();
  const sealed = sealedSecret(env);
  const external = externalSecret(env);
  if (controller === "flux" && (sealed || external)) manifests.set("namespace", [namespace(env)]);
  const sc = storageClass(env);
  if (sc) manifests.set("storageclass", [sc]);
  const pvs = persistentVolumes(env);
  if (pvs.length) manifests.set("persistentvolumes", pvs);
  if (sealed) manifests.set("sealedsecret", [sealed]);
  if (external) manifests.set("externalsecret", [external]);
  return manifests;
}
