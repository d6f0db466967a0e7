/**
 * Bad input is refused the same way whatever the controller: one line naming the field, the value and what is
 * allowed; exit 2; nothing written. One table, run on an Argo CD and on a Flux repository.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLUSTER_RULES } from "../src/config/schema.js";
import type { Controller } from "../src/model.js";
import { git, gitEnv, repoState, runCli, sandbox, type Sandbox } from "./support/repo.js";
import { REPO_URL } from "./support/scenarios.js";

const CONTROLLERS: readonly Controller[] = ["argocd", "flux"];

interface BadInput {
  name: string;
  args: string[];
  /** An environment merged to the default branch first (for checks across environments). */
  existing?: string[];
  /** One line naming the field, the bad value and what is allowed. */
  message: RegExp;
}

/** prod is on the default branch first (NodePort 31379, namespace redis), so collisions can be tested. */
const PROD = ["add-env", "prod", "--namespace", "redis", "--storage", "existing:nfs", "--expose", "nodeport:31379"];
const S = ["--storage", "existing:nfs"];

const TABLE: BadInput[] = [
  { name: "name starts with a digit", existing: PROD, args: ["add-env", "1prod", ...S], message: /invalid environment name "1prod": .*starting with a letter/ },
  { name: "name with capitals", existing: PROD, args: ["add-env", "Prod", ...S], message: /invalid environment name "Prod"/ },
  { name: "name with underscore", existing: PROD, args: ["add-env", "prod_eu", ...S], message: /invalid environment name "prod_eu"/ },
  { name: "name with a path separator", existing: PROD, args: ["add-env", "eu/prod", ...S], message: /invalid environment name "eu\/prod"/ },
  { name: "name too long for a StatefulSet", existing: PROD, args: ["add-env", "a".repeat(38), ...S], message: /at most 37 characters, so the StatefulSet a{38}-redis-replicas stays within the 52 Kubernetes allows/ },
  { name: "NodePort below the range", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "nodeport:11379"], message: /invalid --expose 11379: the NodePort range is 30000-32767/ },
  { name: "NodePort above the range", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "nodeport:40000"], message: /invalid --expose 40000: the NodePort range is 30000-32767/ },
  { name: "NodePort used by another environment", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "nodeport:31379"], message: /invalid --expose 31379: port 31379 collides with port 31379 of environment prod on cluster \S+; pick a free port/ },
  { name: "NodePort without a port", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "nodeport"], message: /invalid --expose "nodeport": a NodePort needs a fixed port/ },
  { name: "NodePort not a number", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "nodeport:abc"], message: /invalid --expose "abc": expected a number/ },
  { name: "unknown exposure", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "public"], message: /invalid --expose "public": expected clusterip, nodeport:<port>\[:<sentinel-port>\] or loadbalancer\[:<ip>\]/ },
  { name: "size in GB", existing: PROD, args: ["add-env", "dev", ...S, "--size", "8GB"], message: /invalid --size "8GB": .*did you mean 8Gi\?/ },
  { name: "size not a quantity", existing: PROD, args: ["add-env", "dev", ...S, "--size", "lots"], message: /invalid --size "lots": expected a Kubernetes quantity/ },
  { name: "size zero", existing: PROD, args: ["add-env", "dev", ...S, "--size", "0Gi"], message: /invalid --size "0Gi": expected more than 0/ },
  { name: "a sentinel port without sentinel", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "nodeport:32000:32100"], message: /invalid --expose "nodeport:32000:32100": a sentinel port needs --topology sentinel, not replication/ },
  { name: "negative replica size", existing: PROD, args: ["add-env", "dev", ...S, "--replica-size", "-1Gi"], message: /invalid --replica-size "-1Gi"/ },
  { name: "negative replicas", existing: PROD, args: ["add-env", "dev", ...S, "--replicas", "-1"], message: /invalid --replicas "-1": expected a whole number from 0 to 50/ },
  { name: "replicas in words", existing: PROD, args: ["add-env", "dev", ...S, "--replicas", "two"], message: /invalid --replicas "two": expected a whole number/ },
  { name: "too many replicas", existing: PROD, args: ["add-env", "dev", ...S, "--replicas", "51"], message: /invalid --replicas 51: expected a whole number from 0 to 50/ },
  { name: "unknown storage kind", existing: PROD, args: ["add-env", "dev", "--storage", "ceph"], message: /invalid --storage "ceph": expected one of existing:<class>, nfs, openebs-hostpath, local/ },
  { name: "existing storage without a class", existing: PROD, args: ["add-env", "dev", "--storage", "existing"], message: /invalid --storage "existing": name the StorageClass/ },
  { name: "existing storage with an empty class", existing: PROD, args: ["add-env", "dev", "--storage", "existing:"], message: /invalid --storage "existing:": name the StorageClass/ },
  { name: "no storage at all", existing: PROD, args: ["add-env", "dev"], message: /missing --storage: choose existing:<class>, nfs, openebs-hostpath or local/ },
  { name: "nfs without a server", existing: PROD, args: ["add-env", "dev", "--storage", "nfs", "--nfs-path", "/export"], message: /missing --nfs-server: storage nfs needs the NFS server/ },
  { name: "nfs without a path", existing: PROD, args: ["add-env", "dev", "--storage", "nfs", "--nfs-server", "10.0.0.5"], message: /missing --nfs-path: storage nfs needs the exported path/ },
  { name: "unknown nfs provisioner", existing: PROD, args: ["add-env", "dev", "--storage", "nfs", "--nfs-server", "nas", "--nfs-path", "/x", "--nfs-provisioner", "nfs-ganesha"], message: /invalid --nfs-provisioner "nfs-ganesha": expected one of csi-driver-nfs, nfs-subdir-external-provisioner/ },
  { name: "openebs without a base path", existing: PROD, args: ["add-env", "dev", "--storage", "openebs-hostpath"], message: /missing --base-path: storage openebs-hostpath needs the directory/ },
  { name: "relative base path", existing: PROD, args: ["add-env", "dev", "--storage", "openebs-hostpath", "--base-path", "data/redis"], message: /invalid --base-path "data\/redis": expected an absolute path/ },
  { name: "base path with a non-openebs kind", existing: PROD, args: ["add-env", "dev", ...S, "--base-path", "/data"], message: /invalid --base-path "\/data": a base path only applies to storage openebs-hostpath, not existing/ },
  { name: "fewer local volumes than pods", existing: PROD, args: ["add-env", "dev", "--storage", "local", "--replicas", "2", "--node", "n1=/d", "--node", "n2=/d"], message: /2 local volume\(s\) for 3 Redis pods/ },
  { name: "one host directory for two pods", existing: PROD, args: ["add-env", "dev", "--storage", "local", "--replicas", "1", "--node", "n1=/data/redis", "--node", "n1=/data/redis"], message: /invalid --node "n1=\/data\/redis": already used by another volume of this environment on cluster \S+; each Redis pod needs its own directory/ },
  {
    name: "a host directory another environment uses, spelled another way",
    existing: ["add-env", "edge", "--storage", "local", "--replicas", "0", "--node", "n1=/data/redis"],
    args: ["add-env", "dev", "--storage", "local", "--replicas", "1", "--node", "n1=/data/./redis/", "--node", "n2=/data/redis"],
    message: /invalid --node "n1=\/data\/\.\/redis\/": already used by environment edge on cluster \S+; each Redis pod needs its own directory/,
  },
  {
    name: "a host directory another environment uses",
    existing: ["add-env", "edge", "--storage", "local", "--replicas", "0", "--node", "n1=/data/redis"],
    args: ["add-env", "dev", "--storage", "local", "--replicas", "1", "--node", "n1=/data/redis", "--node", "n2=/data/redis"],
    message: /invalid --node "n1=\/data\/redis": already used by environment edge on cluster \S+; each Redis pod needs its own directory/,
  },
  { name: "local storage without nodes", existing: PROD, args: ["add-env", "dev", "--storage", "local"], message: /missing --node: storage local needs one --node host=path per Redis pod/ },
  { name: "node without a path", existing: PROD, args: ["add-env", "dev", "--storage", "local", "--node", "n1"], message: /invalid --node "n1": expected <node-name>=<absolute path>/ },
  { name: "unknown preset", existing: PROD, args: ["add-env", "dev", ...S, "--preset", "huge"], message: /invalid --preset "huge": expected one of dev, prod, staging/ },
  { name: "namespace with capitals", existing: PROD, args: ["add-env", "dev", ...S, "--namespace", "Redis_NS"], message: /invalid --namespace "Redis_NS": .*DNS-1123 label/ },
  { name: "namespace of another environment", existing: PROD, args: ["add-env", "dev", ...S, "--namespace", "redis"], message: /invalid --namespace "redis": already used by environment prod/ },
  { name: "unknown topology", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "mesh"], message: /invalid --topology "mesh": expected one of/ },
  { name: "standalone with replicas", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "standalone", "--replicas", "2"], message: /invalid --replicas 2: a standalone topology has no replicas/ },
  { name: "unknown reclaim policy", existing: PROD, args: ["add-env", "dev", ...S, "--reclaim-policy", "Recycle"], message: /invalid --reclaim-policy "Recycle": expected one of Retain, Delete/ },
  { name: "registry with a scheme", existing: PROD, args: ["add-env", "dev", ...S, "--image-registry", "https://myharbor.com"], message: /invalid --image-registry "https:\/\/myharbor.com": expected a registry host/ },
  { name: "literal password", existing: PROD, args: ["add-env", "dev", ...S, "--auth", "password:123456"], message: /invalid --auth "password:123456": .*never written to Git/ },
  { name: "storage class with capitals", existing: PROD, args: ["add-env", "dev", "--storage", "local", "--storage-class", "Local_SC", "--node", "a=/d", "--node", "b=/d", "--node", "c=/d"], message: /invalid --storage-class "Local_SC"/ },
  { name: "unknown flag", existing: PROD, args: ["add-env", "dev", ...S, "--replica", "2"], message: /unknown option '--replica'/ },
  { name: "set on an unknown environment", existing: PROD, args: ["set", "qa", "--replicas", "1"], message: /environment qa does not exist on main/ },
  { name: "init with an unknown controller", existing: PROD, args: ["init", "--controller", "helm"], message: /invalid --controller "helm": expected one of argocd, flux/ },
  { name: "init with a version range", existing: PROD, args: ["init", "--chart-version", "^23"], message: /invalid --chart-version "\^23": expected a pinned chart version/ },
  { name: "init with an ftp chart repo", existing: PROD, args: ["init", "--chart-repo", "ftp://charts"], message: /invalid --chart-repo "ftp:\/\/charts"/ },
  { name: "init with a bad GitHub slug", existing: PROD, args: ["init", "--github", "acme"], message: /invalid --github "acme": expected owner\/repo/ },
  { name: "init with an Argo CD namespace that is no DNS label", existing: PROD, args: ["init", "--argocd-namespace", "Argo CD"], message: /invalid --argocd-namespace "Argo CD": .*\(DNS-1123 label\)/ },
  { name: "init with an Argo CD namespace for Flux", existing: PROD, args: ["init", "--controller", "flux", "--argocd-namespace", "ops"], message: /invalid --argocd-namespace "ops": only applies to --controller argocd/ },
  // Topology, exposure, auth, TLS, metrics and image flags.
  { name: "a Redis Cluster too small for its replicas", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "cluster", "--cluster-nodes", "4", "--cluster-replicas", "1"], message: /^error: invalid --cluster-nodes 4: Redis Cluster requires at least 3 master nodes\. This is not possible with 4 nodes and 1 replicas per node\. At least 6 nodes are required\.$/m },
  { name: "sentinel settings without the sentinel topology", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "standalone", "--sentinel-quorum", "2"], message: /^error: invalid --sentinel-quorum 2: needs --topology sentinel, not standalone$/m },
  { name: "sentinel with a single node", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "sentinel", "--replicas", "1"], message: /^error: invalid --replicas 1: sentinel needs at least 2 Redis nodes \(replica\.replicaCount, master included\) to fail over; use 3 or more$/m },
  { name: "a quorum larger than the sentinels", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "sentinel", "--sentinel-quorum", "4"], message: /^error: invalid --sentinel-quorum 4: at most the number of sentinels \(3, one per Redis node\), or failover can never be agreed$/m },
  { name: "cluster flags on another topology and --replicas on a cluster", existing: PROD, args: ["add-env", "dev", ...S, "--cluster-nodes", "6", "--topology", "replication"], message: /^error: invalid --cluster-nodes 6: needs --topology cluster, not replication$/m },
  { name: "--replicas on a cluster", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "cluster", "--replicas", "2"], message: /^error: invalid --replicas 2: a Redis Cluster is sized with --cluster-nodes and --cluster-replicas; leave --replicas out$/m },
  { name: "sentinel port blocks that overlap each other", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "sentinel", "--expose", "nodeport:31479:31481"], message: /^error: invalid --expose 31481: sentinel ports 31481-31484 overlap the redis ports 31479-31482; each block takes 4 consecutive ports \(replicas \+ 1\), so move the sentinel block: --expose nodeport:31479:<sentinel-port>$/m },
  { name: "a sentinel port block past the NodePort range", existing: PROD, args: ["add-env", "dev", ...S, "--topology", "sentinel", "--expose", "nodeport:32766"], message: /^error: invalid --expose 32766: sentinel redis ports 32766-32769 run past the NodePort range end 32767$/m },
  { name: "an unknown auth mode", existing: PROD, args: ["add-env", "dev", ...S, "--auth", "vault:redis"], message: /^error: invalid --auth "vault:redis": expected existing-secret:<name>\[:<key>\], sealed-secret\[:<name>\[:<key>\]\], external-secret:<store>\[:<remote-key>\] or none \(with --insecure-no-auth\); the password is never written to Git$/m },
  { name: "auth none without its confirmation", existing: PROD, args: ["add-env", "dev", ...S, "--auth", "none"], message: /^error: invalid --auth "none": turning Redis authentication off needs --insecure-no-auth as well; anyone who reaches the Service can read and write$/m },
  { name: "an external secret without a store", existing: PROD, args: ["add-env", "dev", ...S, "--auth", "external-secret"], message: /^error: invalid --auth "external-secret": external-secret needs a name: expected existing-secret:<name>\[:<key>\], sealed-secret\[:<name>\[:<key>\]\], external-secret:<store>\[:<remote-key>\] or none \(with --insecure-no-auth\); the password is never written to Git$/m },
  { name: "TLS without a secret", existing: PROD, args: ["add-env", "dev", ...S, "--tls", "existing-secret"], message: /^error: invalid --tls "existing-secret": TLS from an existing Secret needs its name: existing-secret:<name> \(keys tls\.crt, tls\.key, ca\.crt, e\.g\. from cert-manager\)$/m },
  { name: "an unknown TLS mode", existing: PROD, args: ["add-env", "dev", ...S, "--tls", "on"], message: /^error: invalid --tls "on": expected off, auto or existing-secret:<name>$/m },
  { name: "an unknown metrics mode", existing: PROD, args: ["add-env", "dev", ...S, "--metrics", "yes"], message: /^error: invalid --metrics "yes": expected off, on or servicemonitor \(on plus a Prometheus Operator ServiceMonitor\)$/m },
  { name: "legacy images with a registry", existing: PROD, args: ["add-env", "dev", ...S, "--bitnami-legacy", "--image-registry", "myharbor.com"], message: /^error: invalid --bitnami-legacy true: pins docker\.io\/bitnamilegacy; it cannot be combined with an image registry or repository prefix \(use --image-repository-prefix bitnamilegacy with a mirror; --image-registry '' and --image-repository-prefix '' take stored ones away\)$/m },
  { name: "a repository prefix with a registry host in it", existing: PROD, args: ["add-env", "dev", ...S, "--image-repository-prefix", "Harbor.io:5000/x"], message: /^error: invalid --image-repository-prefix "Harbor\.io:5000\/x": expected a repository path such as mirror\/bitnami \(lowercase, no registry host, no trailing '\/'\)$/m },
  { name: "a load balancer IP that is no IP", existing: PROD, args: ["add-env", "dev", ...S, "--expose", "loadbalancer:redis.example.com"], message: /^error: invalid --expose "redis\.example\.com": expected an IPv4 or IPv6 address$/m },
  {
    name: "StorageClass generated by another environment on the same cluster",
    existing: ["add-env", "dev", "--storage", "local", "--replicas", "0", "--node", "n1=/mnt", "--storage-class", "redis-local"],
    args: ["add-env", "prod", "--storage", "local", "--replicas", "0", "--node", "n1=/mnt/prod", "--storage-class", "redis-local"],
    message: /invalid --storage-class "redis-local": already generated by environment dev .*StorageClasses are cluster-wide/,
  },
];

/**
 * A refused command changes nothing (each test checks that), so every test may start from a copy of one repository
 * per controller and starting environment instead of running init again.
 */
const templates = new Map<string, Promise<string>>();
let templateRoot: string | undefined;
afterAll(() => {
  if (templateRoot) rmSync(templateRoot, { recursive: true, force: true });
});

function template(controller: Controller, existing?: string[]): Promise<string> {
  const key = `${controller} ${existing?.join(" ") ?? ""}`;
  let built = templates.get(key);
  if (!built) {
    templateRoot ??= mkdtempSync(join(tmpdir(), "gitops-redis-templates-"));
    const root = mkdtempSync(join(templateRoot, "t-"));
    const env = gitEnv(root);
    const repo = join(root, "repo");
    built = (async () => {
      const init = await runCli(["init", repo, "--controller", controller, "--repo-url", REPO_URL, "--no-push"], { cwd: root, env });
      expect(init.code, init.stderr).toBe(0);
      if (existing) {
        const add = await runCli(existing, { cwd: repo, env });
        expect(add.code, add.stderr).toBe(0);
        git(repo, ["merge", "--quiet", "--ff-only", `gitops-redis/add-env-${existing[1]}`], env);
      }
      return repo;
    })();
    templates.set(key, built);
  }
  return built;
}

async function repository(controller: Controller, existing?: string[]): Promise<Sandbox> {
  const box = sandbox();
  cpSync(await template(controller, existing), box.repo, { recursive: true });
  return box;
}

/** Messages across environments name the cluster, whose default differs by controller; nothing else may differ. */
const withoutDefaultCluster = (text: string): string =>
  text.replaceAll(CLUSTER_RULES.argocd.default, "<cluster>").replaceAll(`cluster ${CLUSTER_RULES.flux.default}`, "cluster <cluster>");

describe("bad add-env input, for every controller", () => {
  it.each(TABLE)("$name", async ({ args, existing, message }) => {
    const stderr = await Promise.all(
      CONTROLLERS.map(async (controller) => {
        const box = await repository(controller, existing);
        const before = repoState(box.repo);
        const result = await box.cli(args);
        expect(result.code, `${controller}: ${result.stderr}`).toBe(2);
        expect(result.stderr, controller).toMatch(message);
        expect(result.stdout, controller).toBe("");
        expect(result.stderr.split("\n").filter((l) => l.startsWith("error:")), controller).toHaveLength(1);
        expect(repoState(box.repo), `${controller} left the repository as it was`).toBe(before);
        return withoutDefaultCluster(result.stderr);
      }),
    );
    expect(stderr[1]).toBe(stderr[0]);
  });
});

describe("several problems", () => {
  it.each(CONTROLLERS)("%s: every problem of one command is reported at once", async (controller) => {
    const box = await repository(controller, PROD);
    const result = await box.cli(["add-env", "dev", "--storage", "nfs", "--replicas", "-1", "--size", "8GB"]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split("\n").filter((l) => l.startsWith("error:")).join("\n");
    expect(lines).toMatch(/--replicas/);
    expect(lines).toMatch(/--nfs-server/);
    expect(lines).toMatch(/8Gi/);
  });
});

describe("--cluster, the one setting read by controller", () => {
  it.each([
    ["argocd", "prod-eu", "expected the Argo CD destination server URL"],
    ["flux", "https://10.0.0.1:6443", "expected a Flux cluster name"],
    ["flux", "Prod_EU", "expected a Flux cluster name"],
  ] as const)("%s refuses --cluster %s", async (controller, cluster, message) => {
    const box = await repository(controller);
    const before = repoState(box.repo);
    const result = await box.cli(["add-env", "prod", "--storage", "existing:nfs", "--cluster", cluster]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid --cluster ${JSON.stringify(cluster)}: ${message}`);
    expect(repoState(box.repo)).toBe(before);
  });

  it("flux keeps NodePorts apart per cluster name, as Argo CD does per server", async () => {
    const box = await repository("flux", ["add-env", "dev", "--storage", "existing:nfs", "--expose", "nodeport:31379"]);
    const same = await box.cli(["add-env", "prod", "--storage", "existing:nfs", "--expose", "nodeport:31379", "--cluster", "default"]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("collides with port 31379 of environment dev on cluster default");
    const other = await box.cli(["add-env", "prod", "--storage", "existing:nfs", "--expose", "nodeport:31379", "--cluster", "edge"]);
    expect(other.code, other.stderr).toBe(0);
  });
});
