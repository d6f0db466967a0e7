/** The environment flags of add-env and set, registered without loading any YAML or planning code. */
import type { Command } from "commander";
import { presetNames } from "../assets.js";

/** Registers the environment flags on a command; shared by add-env and set. */
export function addEnvironmentFlags(command: Command): Command {
  return command
    .option("--preset <name>", `settings to start from: ${presetNames().join(", ")} (default: the environment's name if a preset has it, else prod)`)
    .option("--namespace <ns>", "namespace Redis runs in, created by the controller (default: redis-<env>)")
    .option(
      "--cluster <where>",
      "Argo CD: destination server URL (default: https://kubernetes.default.svc); Flux: cluster name, folder clusters/<name>/ (default: default)",
    )
    .option("--topology <kind>", "standalone | replication | sentinel | cluster (bitnami/redis-cluster, sharded)")
    .option("--replicas <n>", "replication: read replicas besides the master; sentinel: Redis nodes incl. the master (replica.replicaCount, default 3)")
    .option("--sentinel-quorum <n>", "sentinels that must agree on a failover (sentinel; default 2)")
    .option("--sentinel-master-set <name>", "name clients ask sentinel for (sentinel; default mymaster)")
    .option("--cluster-nodes <n>", "Redis Cluster nodes, masters + replicas; at least 3 x (1 + --cluster-replicas) (cluster; default 6)")
    .option("--cluster-replicas <n>", "replicas per master (cluster; default 1)")
    .option("--size <quantity>", "persistent volume size of every Redis pod, e.g. 8Gi")
    .option("--master-size <quantity>", "volume size of the master (overrides --size)")
    .option("--replica-size <quantity>", "volume size of each replica (overrides --size)")
    .option("--storage <kind>", "existing:<class> | nfs | openebs-hostpath | local")
    .option("--storage-class <name>", "name of the StorageClass to generate (default: redis-<env>-<kind>)")
    .option("--reclaim-policy <policy>", "Retain or Delete (default from the preset; prod: Retain)")
    .option("--nfs-server <host>", "NFS server (storage nfs)")
    .option("--nfs-path <path>", "exported path on the NFS server (storage nfs)")
    .option("--nfs-provisioner <name>", "csi-driver-nfs (default) or nfs-subdir-external-provisioner")
    .option("--base-path <path>", "directory on each node for OpenEBS LocalPV hostpath volumes")
    .option("--node <host=path>", "a static local volume: node name and directory (storage local; repeat once per Redis pod)", collect, undefined)
    .option(
      "--expose <how>",
      "clusterip | nodeport:<30000-32767>[:<sentinel-port>] | loadbalancer[:<ip>]; sentinel takes replicas+1 consecutive ports from each port",
    )
    .option("--service-annotation <key=value>", "annotation of the exposed Service (loadbalancer; repeat for more)", collect, undefined)
    .option("--image-registry <registry>", "pull every image from this registry (air-gapped mirrors), e.g. myharbor.com/bigdata")
    .option("--image-repository-prefix <path>", "replace the bitnami/ namespace of every image, e.g. mirror/bitnami")
    .option("--bitnami-legacy", "pull docker.io/bitnamilegacy/* (the frozen free catalog since 2025-08-28)")
    .option("--no-bitnami-legacy", "stop pulling from docker.io/bitnamilegacy")
    .option(
      "--auth <mode>",
      "existing-secret:<name>[:<key>] (default: existing-secret:<env>-redis-auth) | sealed-secret[:<name>[:<key>]] | external-secret:<store>[:<remote-key>] | none",
    )
    .option("--insecure-no-auth", "confirm --auth none: Redis without a password")
    .option("--tls <mode>", "off (default) | auto (chart-generated certificates) | existing-secret:<name> (tls.crt, tls.key, ca.crt)")
    .option("--metrics <mode>", "off (default) | on (redis-exporter) | servicemonitor (plus a Prometheus Operator ServiceMonitor)");
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

