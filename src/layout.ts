/** Every path and label of a generated repository, in one place. Pure. */

export const CONFIG_FILE = "gitops-redis.yaml";
/** The JSON Schema of CONFIG_FILE, in the package's schema/ folder. */
export const CONFIG_SCHEMA_FILE = "gitops-redis.schema.json";
/** Where editors fetch the schema of a given gitops-redis version (the published package ships schema/). */
export const configSchemaUrl = (version: string): string => `https://unpkg.com/gitops-redis@${version}/schema/${CONFIG_SCHEMA_FILE}`;
export const BASE_VALUES_FILE = "values/base.yaml";
/** Shared values of bitnami/redis-cluster environments (its keys differ from bitnami/redis); seeded by the first one. */
export const CLUSTER_BASE_VALUES_FILE = "values/base-redis-cluster.yaml";
export const REPO_README = "README.md";
export const GITIGNORE = ".gitignore";
export const VALIDATE_WORKFLOW = ".github/workflows/validate.yaml";
export const RENOVATE_CONFIG = "renovate.json";

/** Folder the Argo CD root Application syncs: every Application and repository Secret lives below it. */
export const ARGOCD_APPS_DIR = "argocd";
export const ARGOCD_ROOT_APP = "bootstrap/root-app.yaml";
export const ARGOCD_CHART_REPO_SECRET = `${ARGOCD_APPS_DIR}/repositories/chart-repository.yaml`;
export const ROOT_APP_NAME = "gitops-redis";

export const envDir = (env: string): string => `envs/${env}`;
export const envValuesFile = (env: string): string => `${envDir(env)}/values.yaml`;
/** Plain manifests of an environment (storage, secret references) that sync before the chart. */
export const envManifestsDir = (env: string): string => `${envDir(env)}/manifests`;
export const envManifestFile = (env: string, name: string): string => `${envManifestsDir(env)}/${name}.yaml`;
/** Every manifest file name an environment may have; a plan deletes the ones it no longer needs. */
export const ENV_MANIFEST_NAMES = ["namespace", "storageclass", "persistentvolumes", "sealedsecret", "externalsecret"] as const;
/** Manifests the user completes (kubeseal output); written once, then never overwritten while still needed. */
export const SEED_MANIFEST_NAMES: readonly EnvManifestName[] = ["sealedsecret"];
export type EnvManifestName = (typeof ENV_MANIFEST_NAMES)[number];
export const argocdApplicationFile = (env: string): string => `${ARGOCD_APPS_DIR}/environments/${env}.yaml`;

/**
 * Flux: one folder per cluster. Without a kustomization.yaml in it, kustomize-controller builds every manifest below
 * the folder, so a new environment is one new file and never an edit of a shared list.
 */
export const FLUX_CLUSTERS_DIR = "clusters";
export const fluxClusterDir = (cluster: string): string => `${FLUX_CLUSTERS_DIR}/${cluster}`;
/** The GitRepository of this repository and the Kustomization that applies the cluster folder: applied once by hand. */
export const fluxSyncFile = (cluster: string): string => `${fluxClusterDir(cluster)}/gitops-redis-sync.yaml`;
/** The Flux Kustomizations of one environment on its cluster: storage, then the release. */
export const fluxClusterEnvFile = (cluster: string, env: string): string => `${fluxClusterDir(cluster)}/${applicationName(env)}.yaml`;
/** The cluster a path below clusters/ belongs to, when it is a sync file or (with `env`) that environment's file. */
export function fluxClusterOfPath(path: string, env?: string): string | undefined {
  const match = /^clusters\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const [, cluster, file] = match;
  if (cluster === undefined) return undefined;
  const expected = env === undefined ? fluxSyncFile(cluster) : fluxClusterEnvFile(cluster, env);
  return `${FLUX_CLUSTERS_DIR}/${cluster}/${file}` === expected ? cluster : undefined;
}
/** Kustomize root of an environment's Flux release: source, HelmRelease, values ConfigMaps. */
export const fluxReleaseDir = (env: string): string => `${envDir(env)}/flux`;
export const FLUX_RELEASE_FILE_NAMES = ["kustomization", "kustomizeconfig", "source", "helmrelease"] as const;
export type FluxReleaseFileName = (typeof FLUX_RELEASE_FILE_NAMES)[number];
export const fluxReleaseFile = (env: string, name: FluxReleaseFileName): string => `${fluxReleaseDir(env)}/${name}.yaml`;
/** Lists the storage manifests for Flux; Argo CD repositories have none (Argo CD reads the folder as plain files). */
export const envManifestsKustomization = (env: string): string => `${envManifestsDir(env)}/kustomization.yaml`;
/** Namespace of every Flux object gitops-redis generates; `flux install` and `flux bootstrap` create it. */
export const FLUX_NAMESPACE = "flux-system";
/** GitRepository of this repository and the cluster's entry Kustomization. */
export const FLUX_SOURCE_NAME = "gitops-redis";
export const fluxStorageKustomizationName = (env: string): string => `${applicationName(env)}-storage`;
export const fluxBaseValuesName = (env: string): string => `${applicationName(env)}-base-values`;
export const fluxValuesName = (env: string): string => `${applicationName(env)}-values`;

/** Helm release name of an environment; it prefixes every Service. */
export const releaseName = (env: string): string => `${env}-redis`;
/** Argo CD Application name; also the Flux Kustomization, HelmRelease and chart source name. */
export const applicationName = (env: string): string => `redis-${env}`;
export const defaultNamespace = (env: string): string => `redis-${env}`;
export const defaultStorageClassName = (env: string, kind: string): string => `redis-${env}-${kind}`;
export const defaultPasswordSecret = (env: string): string => `${releaseName(env)}-auth`;

export const branchFor = (action: "add-env" | "set", env: string): string => `gitops-redis/${action}-${env}`;

export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_ENVIRONMENT = "gitops-redis.io/environment";
export const MANAGED_BY = "gitops-redis";
export const SYNC_WAVE = "argocd.argoproj.io/sync-wave";
/** Storage objects sync before the chart (wave 0) so PVCs find their class and volumes. */
export const STORAGE_SYNC_WAVE = "-1";
/** The password Secret must exist before the chart's pods start. */
export const SECRET_SYNC_WAVE = "-1";

/** envs/<env>/values.yaml (or .yml); the first group is the environment. */
export const ENV_VALUES_PATH = /^envs\/([^/]+)\/values\.ya?ml$/;

/** The environment a generated file belongs to, by its path: envs/<env>/, its Argo CD Application, its Flux file. */
export function environmentOfPath(path: string): string | undefined {
  return (
    /^envs\/([^/]+)\//.exec(path)?.[1] ??
    new RegExp(`^${ARGOCD_APPS_DIR}/environments/([^/]+)\\.ya?ml$`).exec(path)?.[1] ??
    new RegExp(`^${FLUX_CLUSTERS_DIR}/[^/]+/${applicationName("([^/]+)")}\\.ya?ml$`).exec(path)?.[1]
  );
}

/** YAML files that hold no Kubernetes objects: the config, Helm values, CI workflows, kustomize name-reference config. */
export function isNonObjectYaml(path: string): boolean {
  return (
    path === CONFIG_FILE ||
    path === BASE_VALUES_FILE ||
    path === CLUSTER_BASE_VALUES_FILE ||
    ENV_VALUES_PATH.test(path) ||
    path.startsWith(".github/") ||
    /(^|\/)kustomizeconfig\.ya?ml$/.test(path)
  );
}

/** A kustomize build file: Flux (or kustomize) reads it to build what it applies; it is never applied itself. */
export const isKustomization = (path: string): boolean => /(^|\/)kustomization\.ya?ml$/.test(path);

