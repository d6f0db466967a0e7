/** The in-memory model of a gitops-redis repository: what gitops-redis.yaml says, after validation. */

export type Controller = "argocd" | "flux";
/** standalone/replication/sentinel use bitnami/redis; cluster uses bitnami/redis-cluster (sharded). */
export type Topology = "standalone" | "replication" | "sentinel" | "cluster";
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
  /** Sentinel takes replicaCount + 1 consecutive ports from each of nodePort and sentinelNodePort. */
  | { type: "NodePort"; nodePort: number; sentinelNodePort?: number }
  | { type: "LoadBalancer"; loadBalancerIP?: string; annotations?: Record<string, string> };

export interface ResourceList {
  cpu?: string;
  memory?: string;
}
export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface RoleResources {
  master: Resources;
  replica: Resources;
  /** The sentinel container of each node (topology sentinel). */
  sentinel: Resources;
  /** The redis-exporter sidecar (metrics on). */
  metrics: Resources;
}

/** How the Redis password reaches the chart; never a literal in Git. */
export type AuthSpec =
  | { mode: "existing-secret"; existingSecret: string; passwordKey: string }
  /** A SealedSecret seed the user fills with kubeseal, synced before the chart. */
  | { mode: "sealed-secret"; existingSecret: string; passwordKey: string }
  /** An ExternalSecret (External Secrets Operator) reading `remoteKey` from a ClusterSecretStore. */
  | { mode: "external-secret"; existingSecret: string; passwordKey: string; store: string; remoteKey: string }
  | { mode: "none" };
export type AuthMode = AuthSpec["mode"];

export type TlsSpec = { mode: "off" } | { mode: "existing-secret"; secret: string } | { mode: "auto" };

export interface MetricsSpec {
  enabled: boolean;
  serviceMonitor: boolean;
}

export interface ImageSpec {
  /** Registry every image is pulled from (global.imageRegistry), e.g. myharbor.com/bigdata. */
  registry?: string;
  /** Replaces the `bitnami/` namespace of every image repository, e.g. `mirror/bitnami`. */
  repositoryPrefix?: string;
  /** Pull docker.io/bitnamilegacy/* (the frozen pre-2025 free catalog). */
  bitnamiLegacy?: boolean;
}

export interface SentinelSpec {
  quorum: number;
  masterSet: string;
}

export interface ClusterSpec {
  /** cluster.nodes: masters + masters * replicas. */
  nodes: number;
  /** cluster.replicas: replicas per master. */
  replicas: number;
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
  /** replication: read replicas besides the master; sentinel: Redis nodes (replica.replicaCount); 0 otherwise. */
  replicas: number;
  sentinel?: SentinelSpec;
  /** Topology cluster only (`cluster` is the Argo CD destination). */
  redisCluster?: ClusterSpec;
  size: { master: string; replica: string };
  storage: StorageSpec;
  expose: Exposure;
  images: ImageSpec;
  auth: AuthSpec;
  tls: TlsSpec;
  metrics: MetricsSpec;
  resources: RoleResources;
  syncPolicy: SyncPolicy;
}

export interface RepoConfig {
  controller: Controller;
  /** URL the GitOps controller clones this repository from. */
  repoUrl: string;
  defaultBranch: string;
  /** Where pull requests are opened; without it, the owner/repo of origin on GitHub.com. */
  github?: { repository: string; apiUrl?: string };
  chart: ChartSource;
  /** bitnami/redis-cluster pin, used by environments with topology cluster. */
  clusterChart: ChartSource;
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
export const DEFAULT_CLUSTER_CHART_NAME = "redis-cluster";
export const DEFAULT_CLUSTER_CHART_VERSION = "13.0.5";
export const SUPPORTED_CLUSTER_CHART_VERSIONS = ["13.0.5"] as const;

export const CONTROLLER_TITLES: Record<Controller, string> = { argocd: "Argo CD", flux: "Flux" };
