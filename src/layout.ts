/** Every path and label of a generated repository, in one place. Pure. */

export const CONFIG_FILE = "gitops-redis.yaml";
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
export const ENV_MANIFEST_NAMES = ["storageclass", "persistentvolumes", "sealedsecret", "externalsecret"] as const;
/** Manifests the user completes (kubeseal output); written once, then never overwritten while still needed. */
export const SEED_MANIFEST_NAMES: readonly EnvManifestName[] = ["sealedsecret"];
export type EnvManifestName = (typeof ENV_MANIFEST_NAMES)[number];
export const argocdApplicationFile = (env: string): string => `${ARGOCD_APPS_DIR}/environments/${env}.yaml`;

/** Helm release and Argo CD Application name of an environment; the release name prefixes every Service. */
export const releaseName = (env: string): string => `${env}-redis`;
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
