/** The in-memory model of a gitops-redis repository: what gitops-redis.yaml says, after validation. */

export type Controller = "argocd" | "flux";
export type Topology = "standalone" | "replication";
export type StorageKind = "existing" | "nfs" | "openebs-hostpath" | "local";
export type ReclaimPolicy = "Retain" | "Delete";
export type NfsProvisioner = "csi-driver-nfs" | "nfs-subdir-external-provisioner";

export interface ChartSource {
  /** `oci://registry/namespace` or an https Helm repository URL. */
  repository: string;
  name: string;
  version: string;
}

export interface LocalVolume {
  node: string;
  path: string;
}

export interface StorageSpec {
  kind: StorageKind;
  /** StorageClass the values reference; generated unless kind is `existing`. */
  className: string;
  reclaimPolicy: ReclaimPolicy;
  nfs?: { server: string; path: string; provisioner: NfsProvisioner };
  basePath?: string;
  volumes?: LocalVolume[];
}

export type Exposure =
  | { type: "ClusterIP" }
  | { type: "NodePort"; nodePort: number }
  | { type: "LoadBalancer" };

export interface ResourceList {
  cpu?: string;
  memory?: string;
}
export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface SyncPolicy {
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
}

export interface EnvironmentSpec {
  name: string;
  preset?: string;
  namespace: string;
  /**
   * Where the environment runs. Argo CD: the destination server URL. Flux: the cluster's name, i.e. the folder
   * clusters/<name>/ that the cluster's Flux reconciles (each cluster runs its own Flux).
   */
  cluster: string;
  topology: Topology;
  replicas: number;
  size: { master: string; replica: string };
  storage: StorageSpec;
  expose: Exposure;
  imageRegistry?: string;
  auth: { existingSecret: string; passwordKey: string };
  resources: { master: Resources; replica: Resources };
  syncPolicy: SyncPolicy;
}

export interface RepoConfig {
  controller: Controller;
  /** URL the GitOps controller clones this repository from. */
  repoUrl: string;
  defaultBranch: string;
  github?: string;
  chart: ChartSource;
  /** Argo CD settings; written to gitops-redis.yaml only when controller is argocd. */
  argocd: { namespace: string; project: string };
  environments: Record<string, EnvironmentSpec>;
}

export const IN_CLUSTER = "https://kubernetes.default.svc";
/** Flux cluster folder of environments that name none. */
export const DEFAULT_FLUX_CLUSTER = "default";
export const DEFAULT_CHART_REPOSITORY = "oci://registry-1.docker.io/bitnamicharts";
export const DEFAULT_CHART_VERSION = "23.1.1";
export const SUPPORTED_CHART_VERSIONS = ["17.3.7", "19.6.1", "23.1.1"] as const;

export const CONTROLLER_TITLES: Record<Controller, string> = { argocd: "Argo CD", flux: "Flux" };
