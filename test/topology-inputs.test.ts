/** Bad topology, exposure, auth, TLS, metrics and image flags: exit 2, one line per problem, repository unchanged. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, repoState, sandbox, type Sandbox } from "./support/repo.js";

async function initialized(): Promise<Sandbox> {
  const box = sandbox();
  const init = await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root);
  expect(init.code, init.stderr).toBe(0);
  return box;
}

/** Adds an environment and merges its branch, as a merged pull request would. */
async function merged(box: Sandbox, env: string, flags: string[]): Promise<void> {
  const result = await box.cli(["add-env", env, ...flags, "--no-push"]);
  expect(result.code, result.stderr).toBe(0);
  git(box.repo, ["merge", "--quiet", "--ff-only", `gitops-redis/add-env-${env}`], box.env);
  git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
}

const BAD: Array<[string, string[], string[]]> = [
  [
    "a Redis Cluster too small for its replicas",
    ["--topology", "cluster", "--cluster-nodes", "4", "--cluster-replicas", "1"],
    ["invalid --cluster-nodes 4: Redis Cluster requires at least 3 master nodes. This is not possible with 4 nodes and 1 replicas per node. At least 6 nodes are required."],
  ],
  [
    "sentinel settings without the sentinel topology",
    ["--topology", "standalone", "--sentinel-quorum", "2"],
    ["invalid --sentinel-quorum 2: needs --topology sentinel, not standalone"],
  ],
  [
    "sentinel with a single node",
    ["--topology", "sentinel", "--replicas", "1"],
    ["invalid --replicas 1: sentinel needs at least 2 Redis nodes (replica.replicaCount, master included) to fail over; use 3 or more"],
  ],
  [
    "a quorum larger than the sentinels",
    ["--topology", "sentinel", "--sentinel-quorum", "4"],
    ["invalid --sentinel-quorum 4: at most the number of sentinels (3, one per Redis node), or failover can never be agreed"],
  ],
  [
    "cluster flags on another topology and --replicas on a cluster",
    ["--cluster-nodes", "6", "--topology", "replication"],
    ["invalid --cluster-nodes 6: needs --topology cluster, not replication"],
  ],
  ["--replicas on a cluster", ["--topology", "cluster", "--replicas", "2"], ["invalid --replicas 2: a Redis Cluster is sized with --cluster-nodes and --cluster-replicas; leave --replicas out"]],
  [
    "sentinel port blocks that overlap each other",
    ["--topology", "sentinel", "--expose", "nodeport:31379:31381"],
    ["invalid --expose 31381: sentinel ports 31381-31384 overlap the redis ports 31379-31382; each block takes 4 consecutive ports (replicas + 1), so move the sentinel block: --expose nodeport:31379:<sentinel-port>"],
  ],
  [
    "a sentinel port block past the NodePort range",
    ["--topology", "sentinel", "--expose", "nodeport:32766"],
    ["invalid --expose 32766: sentinel redis ports 32766-32769 run past the NodePort range end 32767"],
  ],
  [
    "an unknown auth mode",
    ["--auth", "vault:redis"],
    ["invalid --auth \"vault:redis\": expected existing-secret:<name>[:<key>], sealed-secret[:<name>[:<key>]], external-secret:<store>[:<remote-key>] or none (with --insecure-no-auth); the password is never written to Git"],
  ],
  [
    "auth none without its confirmation",
    ["--auth", "none"],
    ["invalid --auth \"none\": turning Redis authentication off needs --insecure-no-auth as well; anyone who reaches the Service can read and write"],
  ],
  ["an external secret without a store", ["--auth", "external-secret"], ["invalid --auth \"external-secret\": external-secret needs a name: expected existing-secret:<name>[:<key>], sealed-secret[:<name>[:<key>]], external-secret:<store>[:<remote-key>] or none (with --insecure-no-auth); the password is never written to Git"]],
  [
    "TLS without a secret",
    ["--tls", "existing-secret"],
    ["invalid --tls \"existing-secret\": TLS from an existing Secret needs its name: existing-secret:<name> (keys tls.crt, tls.key, ca.crt, e.g. from cert-manager)"],
  ],
  ["an unknown TLS mode", ["--tls", "on"], ["invalid --tls \"on\": expected off, auto or existing-secret:<name>"]],
  ["an unknown metrics mode", ["--metrics", "yes"], ["invalid --metrics \"yes\": expected off, on or servicemonitor (on plus a Prometheus Operator ServiceMonitor)"]],
  [
    "legacy images with a registry",
    ["--bitnami-legacy", "--image-registry", "myharbor.com"],
    ["invalid --bitnami-legacy true: pins docker.io/bitnamilegacy; it cannot be combined with an image registry or repository prefix (use --image-repository-prefix bitnamilegacy with a mirror)"],
  ],
  [
    "a repository prefix with a registry host in it",
    ["--image-repository-prefix", "Harbor.io:5000/x"],
    ["invalid --image-repository-prefix \"Harbor.io:5000/x\": expected a repository path such as mirror/bitnami (lowercase, no registry host, no trailing '/')"],
  ],
  ["a load balancer IP that is no IP", ["--expose", "loadbalancer:redis.example.com"], ["invalid --expose \"redis.example.com\": expected an IPv4 or IPv6 address"]],
  [
    "annotations without a load balancer, and every problem at once",
    ["--service-annotation", "a=b", "--tls", "on", "--metrics", "yes"],
    [
      "invalid --tls \"on\": expected off, auto or existing-secret:<name>",
      "invalid --metrics \"yes\": expected off, on or servicemonitor (on plus a Prometheus Operator ServiceMonitor)",
      "invalid --service-annotation {\"a\":\"b\"}: service annotations need type LoadBalancer, not ClusterIP",
    ],
  ],
];

describe("bad topology and settings flags", () => {
  for (const [name, flags, messages] of BAD) {
    it(`${name}: exit 2, nothing written`, async () => {
      const box = await initialized();
      const before = repoState(box.repo, box.remote);
      const result = await box.cli(["add-env", "prod", "--storage", "existing:nfs", ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split("\n")).toEqual(messages.map((m) => `error: ${m}`));
      expect(repoState(box.repo, box.remote)).toBe(before);
    });
  }

  it("NodePort blocks colliding with another environment on the same cluster: exit 2, nothing written", async () => {
    const box = await initialized();
    await merged(box, "a", ["--storage", "existing:nfs", "--topology", "sentinel", "--expose", "nodeport:31379"]);
    const before = repoState(box.repo, box.remote);
    const single = await box.cli(["add-env", "b", "--storage", "existing:nfs", "--expose", "nodeport:31381"]);
    expect(single.code).toBe(2);
    expect(single.stderr).toBe(
      "error: invalid --expose 31381: port 31381 collides with sentinel redis ports 31379-31382 of environment a on cluster https://kubernetes.default.svc; pick a free port\n",
    );
    const block = await box.cli(["add-env", "b", "--storage", "existing:nfs", "--topology", "sentinel", "--expose", "nodeport:31372"]);
    expect(block.code).toBe(2);
    expect(block.stderr).toContain("sentinel ports 31376-31379 collide with sentinel redis ports 31379-31382 of environment a");
    const grown = await box.cli(["set", "a", "--replicas", "5"]);
    expect(grown.code).toBe(2);
    expect(grown.stderr).toContain("sentinel ports 31383-31388 overlap the redis ports 31379-31384");
    expect(repoState(box.repo, box.remote)).toBe(before);
    // Another cluster has its own NodePorts.
    const elsewhere = await box.cli(["add-env", "b", "--storage", "existing:nfs", "--cluster", "https://other.example.com", "--expose", "nodeport:31381", "--dry-run"]);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
  });
});

describe("settings that must survive a rerun", () => {
  it("a filled-in SealedSecret is never overwritten by set", async () => {
    const box = await initialized();
    await merged(box, "prod", ["--storage", "existing:nfs", "--auth", "sealed-secret"]);
    const file = join(box.repo, "envs/prod/manifests/sealedsecret.yaml");
    const sealed = readFileSync(file, "utf8").replace('redis-password: ""', "redis-password: AgBy3i4OJSWK+PiTySYZZA==");
    writeFileSync(file, sealed);
    git(box.repo, ["commit", "--quiet", "-am", "chore: seal the password"], box.env);
    const result = await box.cli(["set", "prod", "--replicas", "3", "--no-push"]);
    expect(result.code, result.stderr).toBe(0);
    expect(git(box.repo, ["show", "gitops-redis/set-prod:envs/prod/manifests/sealedsecret.yaml"], box.env) + "\n").toBe(sealed);
  });

  it("switching replication to sentinel rewrites managed keys and keeps the user's", async () => {
    const box = await initialized();
    await merged(box, "prod", ["--storage", "existing:nfs"]);
    const file = join(box.repo, "envs/prod/values.yaml");
    writeFileSync(file, readFileSync(file, "utf8") + "# mine\ncommonLabels:\n  team: cache\n");
    git(box.repo, ["commit", "--quiet", "-am", "chore: my labels"], box.env);
    const result = await box.cli(["set", "prod", "--topology", "sentinel", "--no-push"]);
    expect(result.code, result.stderr).toBe(0);
    const values = git(box.repo, ["show", "gitops-redis/set-prod:envs/prod/values.yaml"], box.env);
    expect(values).toContain("commonLabels:\n  team: cache");
    expect(values).toContain("sentinel:\n  enabled: true");
    expect(values).toContain("replicaCount: 3");
    expect(values).not.toContain("master:");
  });
});
