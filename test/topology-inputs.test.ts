/** Several bad flags at once, NodePort blocks across environments, and settings a rerun must keep. */
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

/** Bad flags of one kind each are in the shared table of test/bad-inputs.test.ts (run on both controllers). */
const BAD: Array<[string, string[], string[]]> = [
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

describe("Argo CD destination servers", () => {
  it("one spelling per cluster: a trailing '/' or a space is refused, so collisions cannot hide behind it", async () => {
    const box = await initialized();
    await merged(box, "a", ["--storage", "existing:nfs", "--expose", "nodeport:31379"]);
    const before = repoState(box.repo, box.remote);
    for (const server of ["https://kubernetes.default.svc/", "https://x y"]) {
      const result = await box.cli(["add-env", "b", "--storage", "existing:nfs", "--cluster", server, "--expose", "nodeport:31379"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: invalid --cluster ${JSON.stringify(server)}: expected the Argo CD destination server URL without a trailing '/'`);
    }
    expect(repoState(box.repo, box.remote)).toBe(before);
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
