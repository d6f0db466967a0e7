/** The plain Kubernetes manifests of one environment, by file name; both controllers apply them before the chart. Pure. */
import type { EnvironmentSpec } from "../model.js";
import type { EnvManifestName } from "../layout.js";
import { persistentVolumes, storageClass } from "./storage.js";

export function environmentManifests(env: EnvironmentSpec): Map<EnvManifestName, Record<string, unknown>[]> {
  const manifests = new Map<EnvManifestName, Record<string, unknown>[]>();
  const sc = storageClass(env);
  if (sc) manifests.set("storageclass", [sc]);
  const pvs = persistentVolumes(env);
  if (pvs.length) manifests.set("persistentvolumes", pvs);
  return manifests;
}
