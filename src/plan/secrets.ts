/**
 * The password Secret's source objects: a SealedSecret seed (filled with kubeseal) or an ExternalSecret (External
 * Secrets Operator). Neither ever holds a plaintext password. Both sync before the chart. Pure.
 */
import type { EnvironmentSpec } from "../model.js";
import { LABEL_ENVIRONMENT, LABEL_MANAGED_BY, MANAGED_BY, SECRET_SYNC_WAVE, SYNC_WAVE } from "../layout.js";

export const SEALED_SECRET_API = "bitnami.com/v1alpha1";
/** external-secrets.io/v1 is served since External Secrets Operator 0.17 (v1beta1 is deprecated). */
export const EXTERNAL_SECRET_API = "external-secrets.io/v1";
export const EXTERNAL_SECRET_REFRESH = "1h";

function metadata(env: EnvironmentSpec, name: string): Record<string, unknown> {
  return {
    name,
    namespace: env.namespace,
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_ENVIRONMENT]: env.name },
    annotations: { [SYNC_WAVE]: SECRET_SYNC_WAVE },
  };
}

/** A skeleton whose encrypted value is empty until `kubeseal --merge-into` fills it in. */
export function sealedSecret(env: EnvironmentSpec): Record<string, unknown> | undefined {
  if (env.auth.mode !== "sealed-secret") return undefined;
  const { existingSecret, passwordKey } = env.auth;
  return {
    apiVersion: SEALED_SECRET_API,
    kind: "SealedSecret",
    metadata: metadata(env, existingSecret),
    spec: {
      encryptedData: { [passwordKey]: "" },
      template: {
        metadata: { name: existingSecret, namespace: env.namespace, labels: { [LABEL_ENVIRONMENT]: env.name } },
        type: "Opaque",
      },
    },
  };
}

export function externalSecret(env: EnvironmentSpec): Record<string, unknown> | undefined {
  if (env.auth.mode !== "external-secret") return undefined;
  const { existingSecret, passwordKey, store, remoteKey } = env.auth;
  return {
    apiVersion: EXTERNAL_SECRET_API,
    kind: "ExternalSecret",
    metadata: metadata(env, existingSecret),
    spec: {
      refreshInterval: EXTERNAL_SECRET_REFRESH,
      // Cluster-wide: the namespace is created by the sync, so a namespaced SecretStore could not be there first.
      secretStoreRef: { kind: "ClusterSecretStore", name: store },
      target: { name: existingSecret, creationPolicy: "Owner" },
      data: [{ secretKey: passwordKey, remoteRef: { key: remoteKey } }],
    },
  };
}
