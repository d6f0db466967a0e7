import { describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git, MAINTENANCE_RULE_KNOWN, repoState, sandbox, tempDir, type Sandbox } from "./support/repo.js";

async function initialized(withRemote = true): Promise<Sandbox> {
  const box = sandbox();
  const args = withRemote ? ["--remote", box.remoteUrl] : ["--repo-url", "https://github.com/acme/redis-gitops.git"];
  const init = await box.cli(["init", box.repo, ...args], box.root);
  expect(init.code, init.stderr).toBe(0);
  return box;
}

const PROD = ["add-env", "prod", "--namespace", "redis", "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--replicas", "2", "--expose", "nodeport:31379"];
const BRANCH = "gitops-redis/add-env-prod";

function merge(box: Sandbox, branch: string): void {
  git(box.repo, ["merge", "--quiet", "--ff-only", branch], box.env);
  git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
}

describe("add-env on real git", () => {
  it("runs only at the top of a repository: a subdirectory or a plain directory is refused with exit 2", async () => {
    const box = await initialized();
    const state = repoState(box.repo, box.remote);
    const inside = await box.cli(PROD, join(box.repo, "values"));
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain(`error: ${join(box.repo, "values")} is not the top of a git repository`);
    const outside = await box.cli(PROD, box.root);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`error: ${box.root} is not the top of a git repository`);
    // A stray, empty .git folder does not make one.
    mkdirSync(join(box.root, ".git"));
    const stray = await box.cli(PROD, box.root);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain(`error: ${box.root} is not the top of a git repository`);
    expect(repoState(box.repo, box.remote)).toBe(state);
  });

  it("commits on its own branch from main, pushes it, and leaves the working tree alone", async () => {
    const box = await initialized();
    const main = git(box.repo, ["rev-parse", "main"], box.env);
    const result = await box.cli(PROD);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Created branch ${BRANCH} from main`);
    expect(git(box.repo, ["rev-parse", `${BRANCH}^`], box.env)).toBe(main);
    expect(git(box.repo, ["log", "-1", "--format=%s", BRANCH], box.env)).toBe(
      "feat(prod): add Redis environment prod (replication, 2 replicas, openebs-hostpath, nodeport 31379)",
    );
    expect(git(box.remote, ["rev-parse", BRANCH], box.env)).toBe(git(box.repo, ["rev-parse", BRANCH], box.env));
    expect(git(box.repo, ["branch", "--show-current"], box.env)).toBe("main");
    expect(git(box.repo, ["status", "--porcelain"], box.env)).toBe("");
    expect(git(box.repo, ["diff", "--name-only", "main", BRANCH], box.env).split("\n")).toEqual([
      "argocd/environments/prod.yaml",
      "envs/prod/manifests/storageclass.yaml",
      "envs/prod/values.yaml",
      "gitops-redis.yaml",
    ]);
  });

  it("re-running with the same settings makes no commit and says nothing to change", async () => {
    const box = await initialized();
    await box.cli(PROD);
    const before = repoState(box.repo, box.remote);
    const again = await box.cli(PROD);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to change/);
    expect(repoState(box.repo, box.remote)).toBe(before);
  });

  it("re-running with other settings rebuilds the unmerged branch as one commit on main", async () => {
    const box = await initialized();
    await box.cli(PROD);
    const first = git(box.repo, ["rev-parse", BRANCH], box.env);
    const changed = await box.cli([...PROD.slice(0, -2), "--expose", "nodeport:31380"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain(`Rebuilt branch ${BRANCH}`);
    const second = git(box.repo, ["rev-parse", BRANCH], box.env);
    expect(second).not.toBe(first);
    expect(git(box.repo, ["rev-list", "--count", `main..${BRANCH}`], box.env)).toBe("1");
    expect(git(box.remote, ["rev-parse", BRANCH], box.env)).toBe(second);
    expect(git(box.repo, ["show", `${BRANCH}:envs/prod/values.yaml`], box.env)).toContain('redis: "31380"');
  });

  it("plans on origin's main as the fetch finds it, not as the last fetch left it", async () => {
    const box = await initialized();
    // A colleague merges environments from a clone of their own; here main and origin/main stay as they were.
    const clone = join(box.root, "colleague");
    git(box.root, ["clone", "--quiet", box.remoteUrl, clone], box.env);
    const colleagueMerges = async (env: string, port: number): Promise<string> => {
      const added = await box.cli(["add-env", env, "--storage", "existing:nfs", "--expose", `nodeport:${port}`, "--no-push"], clone);
      expect(added.code, added.stderr).toBe(0);
      merge({ ...box, repo: clone }, `gitops-redis/add-env-${env}`);
      return git(clone, ["rev-parse", "main"], box.env);
    };

    const withDev = await colleagueMerges("dev", 31379);
    const prod = await box.cli([...PROD.slice(0, -1), "nodeport:31380"]);
    expect(prod.code, prod.stderr).toBe(0);
    expect(git(box.repo, ["rev-parse", `${BRANCH}^`], box.env)).toBe(withDev);
    expect(git(box.repo, ["show", `${BRANCH}:gitops-redis.yaml`], box.env)).toMatch(/dev:[\s\S]*prod:/);

    // The fetched main's environments are what a new one is checked against.
    await colleagueMerges("qa", 31390);
    const trackingOf = (state: string) => state.replace(/^refs\/remotes\/origin\/main .*$/m, "");
    const before = repoState(box.repo, box.remote);
    const clash = await box.cli(["add-env", "edge", "--storage", "existing:nfs", "--expose", "nodeport:31390"]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/31390.*qa|qa.*31390/);
    expect(trackingOf(repoState(box.repo, box.remote))).toBe(trackingOf(before));
  });

  it("builds the commit once, while the fetch runs, unless the fetch moves main: then once more on what it brought", async () => {
    const trace = join(tempDir(), "git-trace");
    const box = sandbox({ GIT_TRACE: trace });
    expect((await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root)).code).toBe(0);
    const commitsBuilt = async (args: string[]): Promise<number> => {
      writeFileSync(trace, "");
      const result = await box.cli(args);
      expect(result.code, result.stderr).toBe(0);
      const traced = readFileSync(trace, "utf8");
      // Each commit built is one pack of its new objects, stored by `index-pack --stdin` (the remote's index-pack, for
      // a push of 100 objects or more, has more options).
      return (traced.match(/trace: built-in: git index-pack --stdin$/gm) ?? []).length;
    };
    expect(await commitsBuilt(["add-env", "dev", "--storage", "existing:nfs", "--expose", "nodeport:31379"])).toBe(1);
    // Main moves on origin (a merge elsewhere) after this clone's last fetch.
    const clone = join(box.root, "colleague");
    git(box.root, ["clone", "--quiet", box.remoteUrl, clone], box.env);
    git(clone, ["commit", "--quiet", "--allow-empty", "-m", "elsewhere"], box.env);
    git(clone, ["push", "--quiet", "origin", "main"], box.env);
    expect(await commitsBuilt(["add-env", "qa", "--storage", "existing:nfs", "--expose", "nodeport:31380"])).toBe(2);
    expect(git(box.repo, ["rev-parse", "gitops-redis/add-env-qa^"], box.env)).toBe(git(clone, ["rev-parse", "main"], box.env));
  });

  it("runs git's auto maintenance once it has pushed, when the packs it stores pass gc.autoPackLimit", async () => {
    const trace = join(tempDir(), "git-trace");
    const box = sandbox({ GIT_TRACE: trace });
    expect((await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root)).code).toBe(0);
    git(box.repo, ["config", "gc.autoPackLimit", "1"], box.env);
    git(box.repo, ["config", "gc.autoDetach", "false"], box.env);
    // git 2.47 and later run maintenance on the remote after a push, with the same trace.
    git(box.remote, ["config", "receive.autoGC", "false"], box.env);
    // The first run's pack is the only one (at the limit): no process, where gitops-redis knows git's rule (to git
    // 2.53). The second's is one too many, and git repacks both.
    for (const [name, port, maintained] of [["dev", "31379", MAINTENANCE_RULE_KNOWN ? 0 : 1], ["qa", "31380", 1]] as const) {
      writeFileSync(trace, "");
      const result = await box.cli(["add-env", name, "--storage", "existing:nfs", "--expose", `nodeport:${port}`]);
      expect(result.code, result.stderr).toBe(0);
      const traced = readFileSync(trace, "utf8");
      expect(traced.match(/trace: built-in: git maintenance run --auto --quiet$/gm) ?? [], name).toHaveLength(maintained);
      // After the push, as after a git commit.
      if (maintained) expect(traced.indexOf("built-in: git maintenance")).toBeGreaterThan(traced.indexOf("built-in: git push"));
    }
    const packs = readdirSync(join(box.repo, ".git", "objects", "pack")).filter((file) => file.endsWith(".pack"));
    expect(packs).toHaveLength(1);
    expect(() => git(box.repo, ["fsck", "--strict"], box.env)).not.toThrow();
  });

  it("after the merge: same settings is a no-op, other settings stop with a conflict naming set", async () => {
    const box = await initialized();
    await box.cli(PROD);
    merge(box, BRANCH);
    const same = await box.cli(PROD);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/already exists on main with these settings; nothing to change/);
    const before = repoState(box.repo, box.remote);
    const other = await box.cli([...PROD.slice(0, -4), "--replicas", "3", "--expose", "nodeport:31379"]);
    expect(other.code).toBe(3);
    expect(other.stderr).toContain("environment prod already exists on main with other settings");
    expect(other.stderr).toContain("gitops-redis set prod");
    expect(repoState(box.repo, box.remote)).toBe(before);
  });

  it("a file of the user's where an environment's folder goes stops the run and its dry run alike (exit 3)", async () => {
    const box = await initialized();
    writeFileSync(join(box.repo, "envs"), "notes\n");
    git(box.repo, ["add", "envs"], box.env);
    git(box.repo, ["commit", "--quiet", "-m", "notes"], box.env);
    git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
    const before = repoState(box.repo, box.remote);
    for (const extra of [["--dry-run"], []]) {
      const result = await box.cli([...PROD, ...extra]);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/^error: cannot write envs: [0-9a-f]{12} has a file there, which gitops-redis would have to replace\n/);
    }
    expect(repoState(box.repo, box.remote)).toBe(before);
  });

  it("a values file broken by hand stops set with its line and column (exit 2), nothing written", async () => {
    const box = await initialized();
    await box.cli(PROD);
    merge(box, BRANCH);
    const values = join(box.repo, "envs", "prod", "values.yaml");
    writeFileSync(values, `${readFileSync(values, "utf8")}extra: [unclosed\n`);
    git(box.repo, ["commit", "--quiet", "-am", "hand edit"], box.env);
    git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
    const before = repoState(box.repo, box.remote);

    const result = await box.cli(["set", "prod", "--replicas", "3"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: envs\/prod\/values\.yaml:\d+:\d+: .+\nhint: fix the YAML in that file, then re-run\n$/);
    expect(repoState(box.repo, box.remote)).toBe(before);
  });

  it("set changes only what it is told and keeps hand edits and comments", async () => {
    const box = await initialized();
    await box.cli(PROD);
    merge(box, BRANCH);
    const valuesPath = join(box.repo, "envs/prod/values.yaml");
    const edited = `${readFileSync(valuesPath, "utf8")}# our tuning, keep it\ncommonConfiguration: |-\n  maxmemory-policy allkeys-lru\n`;
    writeFileSync(valuesPath, edited.replace("replicaCount: 2", "replicaCount: 2 # sized for the Q3 load test"));
    const configPath = join(box.repo, "gitops-redis.yaml");
    writeFileSync(configPath, readFileSync(configPath, "utf8").replace("environments:", "# owned by team cache\nenvironments:"));
    git(box.repo, ["commit", "-qam", "tune prod by hand"], box.env);

    const result = await box.cli(["set", "prod", "--replicas", "3"]);
    expect(result.code, result.stderr).toBe(0);
    const values = git(box.repo, ["show", "gitops-redis/set-prod:envs/prod/values.yaml"], box.env);
    expect(values).toContain("replicaCount: 3 # sized for the Q3 load test");
    expect(values).toContain("# our tuning, keep it\ncommonConfiguration: |-\n  maxmemory-policy allkeys-lru");
    const config = git(box.repo, ["show", "gitops-redis/set-prod:gitops-redis.yaml"], box.env);
    expect(config).toContain("# owned by team cache\nenvironments:");
    expect(config).toMatch(/replicas: 3/);
    expect(git(box.repo, ["diff", "--stat", "main", "gitops-redis/set-prod"], box.env)).toMatch(/2 files changed/);
  });

  it("--dry-run prints the plan and a diff and writes nothing", async () => {
    const box = await initialized();
    const before = repoState(box.repo, box.remote);
    const result = await box.cli([...PROD, "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Dry run: add-env prod`);
    expect(result.stdout).toContain("+++ b/envs/prod/values.yaml");
    expect(result.stdout).toContain('+      redis: "31379"');
    expect(repoState(box.repo, box.remote)).toBe(before);
  });

  it("--json prints exactly one JSON document on stdout and the words on stderr", async () => {
    const box = await initialized();
    const result = await box.cli([...PROD, "--json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(doc).toEqual({
      action: "created",
      env: "prod",
      branch: BRANCH,
      commit: git(box.repo, ["rev-parse", BRANCH], box.env),
      files: expect.arrayContaining(["envs/prod/values.yaml", "gitops-redis.yaml"]),
      pr: null,
    });
    expect(result.stderr).toContain("Created branch");
  });

  it("works without a remote and says how to push", async () => {
    const box = await initialized(false);
    const result = await box.cli(PROD);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Not pushed (no remote origin). Push with: git push -u origin ${BRANCH}`);
    expect(git(box.repo, ["rev-list", "--count", BRANCH], box.env)).toBe("2");
  });

  it("keeps a checked-out environment branch's working tree in step when it rebuilds it", async () => {
    const box = await initialized();
    await box.cli(PROD);
    git(box.repo, ["switch", "--quiet", BRANCH], box.env);
    const result = await box.cli([...PROD.slice(0, -2), "--expose", "clusterip"]);
    expect(result.code, result.stderr).toBe(0);
    expect(git(box.repo, ["status", "--porcelain"], box.env)).toBe("");
    expect(readFileSync(join(box.repo, "envs/prod/values.yaml"), "utf8")).not.toContain("NodePort");
  });

  it("refuses to run outside an initialized repository", async () => {
    const box = sandbox();
    git(box.root, ["init", "--quiet", "--initial-branch=main", box.repo], box.env);
    git(box.repo, ["commit", "--quiet", "--allow-empty", "-m", "empty"], box.env);
    const result = await box.cli(PROD);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("gitops-redis.yaml not found on the default branch main");
    expect(result.stderr).toContain("hint: run gitops-redis init first");
  });
});
