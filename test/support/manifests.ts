/** Reading generated manifests back: YAML documents of a tree, and validation against the published API models. */
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { HelmRelease } from "@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2";
import { Kustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1";
import { GitRepository, HelmRepository, OCIRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import { ConfigMap, PersistentVolume, Secret } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> };

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** Every kind gitops-redis generates, by `apiVersion/kind`. A kind missing here fails the test that meets it. */
const MODELS: Record<string, ModelClass> = {
  "helm.toolkit.fluxcd.io/v2/HelmRelease": HelmRelease,
  "kustomize.toolkit.fluxcd.io/v1/Kustomization": Kustomization,
  "source.toolkit.fluxcd.io/v1/GitRepository": GitRepository,
  "source.toolkit.fluxcd.io/v1/HelmRepository": HelmRepository,
  "source.toolkit.fluxcd.io/v1/OCIRepository": OCIRepository,
  "argoproj.io/v1alpha1/Application": Application,
  "storage.k8s.io/v1/StorageClass": StorageClass,
  "v1/PersistentVolume": PersistentVolume,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
};

/** Kustomize's own files are not Kubernetes objects. */
export const isKustomizeFile = (path: string): boolean => /(^|\/)(kustomization|kustomizeconfig)\.yaml$/.test(path);

export function parseDocuments(text: string, file: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  });
}

/** Throws with the file, object and the model's message when `object` is not valid for its kind. */
export function validateManifest(object: unknown, file: string): Manifest {
  const manifest = object as Manifest;
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`${file}: no model for ${key}`);
  try {
    new Model(manifest as never).validate();
  } catch (error) {
    throw new Error(`${file}: ${key} ${String(manifest.metadata?.name)}: ${(error as Error).message}`);
  }
  return manifest;
}
