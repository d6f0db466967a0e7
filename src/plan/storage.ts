/** StorageClass and PersistentVolume objects an environment's storage needs. Pure. */
import type { EnvironmentSpec } from "../model.js";
import { LABEL_ENVIRONMENT, LABEL_MANAGED_BY, MANAGED_BY, STORAGE_SYNC_WAVE, SYNC_WAVE } from "../layout.js";
import { quantityToBytes } from "../config/rules.js";
import { toYaml } from "../yaml.js";

function metadata(env: EnvironmentSpec, name: string, annotations: Record<string, string> = {}): Record<string, unknown> {
  return {
    name,
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_ENVIRONMENT]: env.name },
    annotations: { [SYNC_WAVE]: STORAGE_SYNC_WAVE, ...annotations },
  };
}

export function storageClass(env: EnvironmentSpec): Record<string, unknown> | undefined {
  const { storage } = env;
  const base = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" };
  switch (storage.kind) {
    case "existing":
      return undefined;
    case "openebs-hostpath":
      return {
        ...base,
        metadata: metadata(env, storage.className, {
          "openebs.io/cas-type": "local",
          "cas.openebs.io/config": toYaml([
            { name: "StorageType", value: "hostpath" },
            { name: "BasePath", value: storage.basePath ?? "" },
          ]),
        }),
        provisioner: "openebs.io/local",
        reclaimPolicy: storage.reclaimPolicy,
        // OpenEBS hostpath needs the pod's node before it can pick the directory.
        volumeBindingMode: "WaitForFirstConsumer",
      };
    case "local":
      return {
        ...base,
        metadata: metadata(env, storage.className),
        provisioner: "kubernetes.io/no-provisioner",
        reclaimPolicy: storage.reclaimPolicy,
        volumeBindingMode: "WaitForFirstConsumer",
      };
    case "nfs": {
      const nfs = storage.nfs!;
      if (nfs.provisioner === "csi-driver-nfs") {
        return {
          ...base,
          metadata: metadata(env, storage.className),
          provisioner: "nfs.csi.k8s.io",
          parameters: { server: nfs.server, share: nfs.path, subDir: "${pvc.metadata.namespace}/${pvc.metadata.name}" },
          reclaimPolicy: storage.reclaimPolicy,
          volumeBindingMode: "Immediate",
          mountOptions: ["nfsvers=4.1"],
        };
      }
      return {
        ...base,
        metadata: metadata(env, storage.className),
        // Must equal the provisioner's PROVISIONER_NAME: the Helm chart's default for release nfs-subdir-external-provisioner.
        provisioner: "cluster.local/nfs-subdir-external-provisioner",
        parameters: { archiveOnDelete: "true", pathPattern: "${.PVC.namespace}/${.PVC.name}" },
        reclaimPolicy: storage.reclaimPolicy,
        volumeBindingMode: "Immediate",
      };
    }
  }
}

/** One static volume per `--node host=path`, each pinned to its node; capacity fits the larger role size. */
export function persistentVolumes(env: EnvironmentSpec): Record<string, unknown>[] {
  if (env.storage.kind !== "local") return [];
  const capacity =
    quantityToBytes(env.size.master) >= quantityToBytes(env.size.replica) ? env.size.master : env.size.replica;
  return (env.storage.volumes ?? []).map((volume, index) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: metadata(env, `${env.storage.className}-${index}`),
    spec: {
      capacity: { storage: capacity },
      volumeMode: "Filesystem",
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: env.storage.reclaimPolicy,
      storageClassName: env.storage.className,
      local: { path: volume.path },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [volume.node] }] },
          ],
        },
      },
    },
  }));
}
