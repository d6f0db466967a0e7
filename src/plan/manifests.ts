/** The plain Kubernetes manifests of one environment, by file name; both controllers apply them before the chart. Pure. */
import type { EnvironmentSpec } from "../model.js";
import type { EnvManifestName } from "../layout.js";
import { externalSecret, sealedSecret } from "./secrets.js";
import { persistentVolumes, storageClass } from "./storage.js";

export function environmentManifests(env: EnvironmentSpec): Map<EnvManifestName, Record<string, unknown>[]> {
  const manifests = new Map<EnvManifestName, Record<string, unknown>[]>();
  const sc = storageClass(env);
  if (sc) manifests.set("storageclass", [sc]);
  const pvs = persistentVolumes(env);
  if (pvs.length) manifests.set("persistentvolumes", pvs);
  const sealed = sealedSecret(env);
  if (sealed) manifests.set("sealedsecret", [sealed]);
  const external = externalSecret(env);
  if (external) manifests.set("externalsecret", [external]);
  return manifests;
}
