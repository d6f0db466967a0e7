/**
 * validate's data-safety rule on real changes made with add-env and set: what a sync cannot do in place names the
 * StatefulSets the chart really renders, and a move to another chart, namespace or cluster says the data stays behind.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, sandbox, type Sandbox } from "./support/repo.js";
import { REPO_URL } from "./support/scenarios.js";

async function merged(flags: string[]): Promise<Sandbox> {
  const box = sandbox();
  expect((await box.cli(["init", box.repo, "--repo-url", REPO_URL, "--no-push"], box.root)).code).toBe(0);
  const added = await box.cli(["add-env", "db", "--storage", "existing:nfs", ...flags, "--no-push"]);
  expect(added.code, added.stderr).toBe(0);
  git(box.repo, ["merge", "--quiet", "--ff-only", "gitops-redis/add-env-db"], box.env);
  return box;
}

/** The data-safety messages of validate on the branch `set db <flags>` makes, compared with main. */
async function risksOfSet(box: Sandbox, flags: string[]): Promise<string[]> {
  const changed = await box.cli(["set", "db", ...flags, "--no-push"]);
  expect(changed.code, changed.stderr).toBe(0);
  git(box.repo, ["switch", "-q", "gitops-redis/set-db"], box.env);
  const result = await box.cli(["validate", "--json"]);
  const report = JSON.parse(result.stdout) as { findings: { rule: string; message: string }[] };
  return report.findings.filter((f) => f.rule === "data-safety").map((f) => f.message);
}

describe("data-safety names what really changes", () => {
  it("a new size on sentinel names the <release>-node StatefulSet, the only one it has", async () => {
    const box = await merged(["--topology", "sentinel"]);
    const risks = await risksOfSet(box, ["--size", "16Gi"]);
    expect(risks.length).toBeGreaterThan(0);
    for (const risk of risks) expect(risk).toMatch(/StatefulSet db-redis-node are immutable/);
    expect(risks.join("\n")).not.toMatch(/db-redis-(master|replicas)/);
  });

  it("standalone to cluster is a move to another chart, not a list of immutable fields", async () => {
    const box = await merged(["--topology", "standalone"]);
    const risks = await risksOfSet(box, ["--topology", "cluster"]);
    expect(risks).toEqual([
      "environment db moves from bitnami/redis to bitnami/redis-cluster: a new release with new StatefulSets and empty volumes replaces the old one; back up the data and restore it after the sync",
    ]);
  });

  it("resizing a Redis Cluster says how new nodes join and what removing nodes takes", async () => {
    const grow = await merged(["--topology", "cluster"]);
    expect(await risksOfSet(grow, ["--cluster-nodes", "9", "--cluster-replicas", "2"])).toEqual([
      "cluster.nodes 6 x 1 replica(s) becomes 9 x 2: new pods join the Redis Cluster only when the upgrade runs the chart's post-upgrade Job: for that one sync set cluster.update.addNodes=true, cluster.update.currentNumberOfNodes=6 and cluster.update.currentNumberOfReplicas=1 in envs/db/values.yaml, then remove them",
    ]);
    const shrink = await merged(["--topology", "cluster"]);
    const risks = await risksOfSet(shrink, ["--cluster-nodes", "3", "--cluster-replicas", "0"]);
    expect(risks).toHaveLength(1);
    expect(risks[0]).toMatch(/^cluster\.nodes 6 x 1 replica\(s\) becomes 3 x 0: the pods removed hold hash slots/);
  });

  it("another namespace or cluster leaves the data behind", async () => {
    const box = await merged([]);
    expect(await risksOfSet(box, ["--namespace", "cache"])).toEqual([
      "environment db moves from namespace redis-db to cache: Redis starts there with empty volumes, and the old one is removed (its PersistentVolumeClaims stay); back up the data and restore it after the sync",
    ]);
  });
});

describe("set says what it risks, with or without a pull request", () => {
  it("prints the data-safety risk on a dry run and on a run that opens no pull request", async () => {
    const box = await merged([]);
    const risk = /^warning: data-safety: master\.persistence\.size changes from "8Gi" to "16Gi": volumeClaimTemplates of StatefulSet db-redis-master are immutable/m;
    const dry = await box.cli(["set", "db", "--size", "16Gi", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(risk);
    const run = await box.cli(["set", "db", "--size", "16Gi", "--no-push"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(risk);
    // add-env has nothing running to risk.
    const added = await box.cli(["add-env", "other", "--storage", "existing:nfs", "--no-push"]);
    expect(added.stderr).not.toContain("data-safety");
  });
});

describe("set takes a mirror away", () => {
  it("an empty --image-registry or --image-repository-prefix goes back to the chart's images", async () => {
    const box = await merged(["--image-registry", "harbor.example.com/mirror", "--image-repository-prefix", "mirror/bitnami"]);
    const refused = await box.cli(["set", "db", "--bitnami-legacy", "--no-push"]);
    expect(refused.code).toBe(2);
    const cleared = await box.cli(["set", "db", "--image-registry", "", "--image-repository-prefix", "", "--bitnami-legacy", "--no-push"]);
    expect(cleared.code, cleared.stderr).toBe(0);
    git(box.repo, ["switch", "-q", "gitops-redis/set-db"], box.env);
    const config = readFileSync(join(box.repo, "gitops-redis.yaml"), "utf8");
    const entry = config.slice(config.indexOf("  db:"));
    expect(entry).not.toMatch(/registry:|repositoryPrefix:/);
    expect(entry).toMatch(/bitnamiLegacy: true/);
    expect((await box.cli(["validate"])).code).toBe(0);
  });
});

describe("a second set before the first is merged", () => {
  it("says which of the first set's changes the rebuilt branch drops", async () => {
    const box = await merged(["--replicas", "2"]);
    expect((await box.cli(["set", "db", "--replicas", "4", "--no-push"])).code).toBe(0);
    const second = await box.cli(["set", "db", "--metrics", "on", "--no-push"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(
      "warning: the unmerged gitops-redis/set-db also changed replicas; it is rebuilt from main with the flags of this run only, so pass those again to keep them",
    );
    const both = await box.cli(["set", "db", "--metrics", "on", "--replicas", "4", "--no-push"]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stderr).not.toContain("also changed");
  });

  it("a set back to the default branch's settings says the unmerged one still changes the environment", async () => {
    const box = await merged(["--replicas", "2"]);
    expect((await box.cli(["set", "db", "--replicas", "4", "--no-push"])).code).toBe(0);
    const back = await box.cli(["set", "db", "--replicas", "2", "--no-push"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain("already has these settings; nothing to change");
    expect(back.stderr).toContain("warning: the unmerged gitops-redis/set-db still changes db; to drop that change, delete the branch (and close its pull request)");
    // Once merged, even squashed (the branch is then no ancestor of main), there is nothing pending to speak of.
    git(box.repo, ["merge", "--quiet", "--squash", "gitops-redis/set-db"], box.env);
    git(box.repo, ["commit", "--quiet", "-m", "squashed"], box.env);
    const same = await box.cli(["set", "db", "--replicas", "4", "--no-push"]);
    expect(same.stdout).toContain("nothing to change");
    expect(same.stderr).not.toContain("still changes");
  });

  it("refuses to move the branch under another worktree that has it checked out", async () => {
    const box = await merged(["--replicas", "2"]);
    expect((await box.cli(["set", "db", "--replicas", "4", "--no-push"])).code).toBe(0);
    const worktree = join(box.root, "review");
    git(box.repo, ["worktree", "add", "--quiet", worktree, "gitops-redis/set-db"], box.env);
    const before = git(box.repo, ["rev-parse", "gitops-redis/set-db"], box.env);

    const second = await box.cli(["set", "db", "--metrics", "on", "--no-push"]);

    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`error: gitops-redis/set-db is checked out in the worktree ${worktree}`);
    expect(git(box.repo, ["rev-parse", "gitops-redis/set-db"], box.env)).toBe(before);
    expect(git(worktree, ["status", "--porcelain"], box.env)).toBe("");
  });
});

