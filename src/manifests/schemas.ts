/**
 * apiVersion/kind -> schema model, in one table. The models (kubernetes-models, @kubernetes-models/argo-cd,
 * @kubernetes-models/flux-cd) carry precompiled validators; each module is imported only when a repository
 * holds that kind, and once per process.
 */
import { importExternal } from "../external-import.js";
import type { ObjectValidator, SchemaLookup } from "../validate/types.js";

interface ModelClass {
  new (data: never): { validate(): void };
}
type Loader = () => Promise<ModelClass>;

const model =
  (specifier: string, name: string): Loader =>
  async () => {
    const Model = ((await importExternal(specifier)) as Record<string, ModelClass | undefined>)[name];
    if (!Model) throw new Error(`${specifier} has no export ${name}`);
    return Model;
  };

const MODELS: Record<string, Loader> = {
  "v1/ConfigMap": model("kubernetes-models/v1/ConfigMap", "ConfigMap"),
  "v1/Namespace": model("kubernetes-models/v1/Namespace", "Namespace"),
  "v1/PersistentVolume": model("kubernetes-models/v1/PersistentVolume", "PersistentVolume"),
  "v1/PersistentVolumeClaim": model("kubernetes-models/v1/PersistentVolumeClaim", "PersistentVolumeClaim"),
  "v1/Secret": model("kubernetes-models/v1/Secret", "Secret"),
  "v1/Service": model("kubernetes-models/v1/Service", "Service"),
  "apps/v1/StatefulSet": model("kubernetes-models/apps/v1/StatefulSet", "StatefulSet"),
  "storage.k8s.io/v1/StorageClass": model("kubernetes-models/storage.k8s.io/v1/StorageClass", "StorageClass"),
  "argoproj.io/v1alpha1/Application": model("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application", "Application"),
  "argoproj.io/v1alpha1/ApplicationSet": model("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet", "ApplicationSet"),
  "argoproj.io/v1alpha1/AppProject": model("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject", "AppProject"),
  "helm.toolkit.fluxcd.io/v2/HelmRelease": model("@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2/HelmRelease", "HelmRelease"),
  "source.toolkit.fluxcd.io/v1/OCIRepository": model("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository", "OCIRepository"),
  "source.toolkit.fluxcd.io/v1/HelmRepository": model("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/HelmRepository", "HelmRepository"),
  "source.toolkit.fluxcd.io/v1/GitRepository": model("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository", "GitRepository"),
  "kustomize.toolkit.fluxcd.io/v1/Kustomization": model("@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization", "Kustomization"),
};

/** Kinds we know and deliberately do not check (kustomize's own config has no server-side schema). */
const NO_SCHEMA = new Set(["kustomize.config.k8s.io/v1beta1/Kustomization", "bitnami.com/v1alpha1/SealedSecret", "external-secrets.io/v1beta1/ExternalSecret", "external-secrets.io/v1/ExternalSecret"]);

const loaded = new Map<string, ObjectValidator>();

function validatorFor(Model: ModelClass): ObjectValidator {
  return (object) => {
    try {
      new Model(object as never).validate();
      return [];
    } catch (error) {
      const errors = (error as { errors?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[] }).errors;
      if (!errors) return [{ pointer: "", message: error instanceof Error ? error.message : String(error) }];
      return errors.map((e) => ({ pointer: e.instancePath ?? "", message: describeError(e) }));
    }
  };
}

function describeError(error: { message?: string; params?: Record<string, unknown> }): string {
  const allowed = error.params?.allowedValues;
  if (Array.isArray(allowed)) return `${error.message ?? "invalid"}: ${allowed.join(", ")}`;
  if (typeof error.params?.missingProperty === "string") return `missing required field ${error.params.missingProperty}`;
  return error.message ?? "invalid";
}

/** Loads the models of the given apiVersion/kind pairs (once) and returns the lookup the pure core uses. */
export async function loadSchemas(kinds: Iterable<{ apiVersion: string; kind: string }>): Promise<SchemaLookup> {
  const wanted = new Set<string>();
  for (const { apiVersion, kind } of kinds) wanted.add(`${apiVersion}/${kind}`);
  await Promise.all(
    [...wanted]
      .filter((key) => MODELS[key] && !loaded.has(key))
      .map(async (key) => loaded.set(key, validatorFor(await MODELS[key]!()))),
  );
  return (apiVersion, kind) => {
    const key = `${apiVersion}/${kind}`;
    return loaded.get(key) ?? (NO_SCHEMA.has(key) ? "no-schema" : undefined);
  };
}

export const knownSchemaKeys = (): string[] => Object.keys(MODELS);
