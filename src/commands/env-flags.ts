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
    .option("--topology <kind>", "standalone or replication")
    .option("--replicas <n>", "number of read replicas (replication)")
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
    .option("--expose <how>", "clusterip | nodeport:<30000-32767> | loadbalancer")
    .option("--image-registry <registry>", "pull every image from this registry (air-gapped mirrors), e.g. myharbor.com/bigdata")
    .option("--auth <mode>", "existing-secret:<name>[:<key>] (default: existing-secret:<env>-redis-auth:redis-password)");
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

