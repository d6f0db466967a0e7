import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startGitHubStandin, type GitHubStandin } from "./support/github-standin.js";
import { git, repoState, runCli, sandbox, type Sandbox } from "./support/repo.js";

// Token-shaped, made at test time so no committed file looks like a leaked token.
const TOKEN = ["ghp", "FlowTestToken_0123456789abcdefABCDEF"].join("_");
const PROD = ["add-env", "prod", "--namespace", "redis", "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--replicas", "2", "--expose", "nodeport:31379"];
const BRANCH = "gitops-redis/add-env-prod";

let gh: GitHubStandin;
beforeEach(async () => {
  gh = await startGitHubStandin({ token: TOKEN });
  gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
});

async function initialized(token: string | null = TOKEN): Promise<Sandbox> {
  const box = sandbox(token ? { GITHUB_TOKEN: token } : {});
  const init = await box.cli(["init", box.repo, "--remote", box.remoteUrl, "--github", "acme/redis-gitops", "--api-url", gh.baseUrl], box.root);
  expect(init.code, init.stderr).toBe(0);
  return box;
}

const opened = () => gh.pullRequests("acme", "redis-gitops");

/** Every file under .git, as text, to prove the token was never written there. */
function filesText(dir: string): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else parts.push(readFileSync(full).toString("latin1"));
    }
  };
  walk(dir);
  return parts.join("\n");
}

describe("add-env opens or updates one pull request", () => {
  it("opens exactly one PR; an identical re-run makes no commit, no push and no write call; a changed run updates it", async () => {
    const box = await initialized();
    const first = await box.cli([...PROD, "--reviewer", "alice", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as { action: string; pr: { number: number; url: string; action: string } };
    expect(doc.action).toBe("created");
    expect(doc.pr).toMatchObject({ number: 1, action: "created" });
    // The branch was new on the remote, so no pull request could exist for it: no search before the create.
    expect(gh.requests.map((r) => r.operationId)).toEqual(["pulls/create", "issues/add-labels", "pulls/request-reviewers"]);
    expect(opened()).toHaveLength(1);
    const pr = opened()[0]!;
    expect(pr.title).toBe("feat(prod): add Redis environment prod (replication, 2 replicas, openebs-hostpath, nodeport 31379)");
    expect(pr.head).toBe(BRANCH);
    expect(pr.base).toBe("main");
    expect(pr.labels).toEqual(["gitops-redis", "env:prod"]);
    expect(pr.body).toContain("| namespace | `redis` |");
    expect(pr.body).toContain("prod-redis-master.redis.svc.cluster.local:6379");
    expect(pr.body).toContain("kubectl create secret generic prod-redis-auth -n redis");
    expect(pr.body).toContain('base64 -d');
    expect(pr.body).toContain(`<!-- gitops-redis:branch=${BRANCH} -->`);
    expect(pr.body).toContain("### What changes");
    expect(pr.body).toContain("#### Effective values of `prod` (new environment)");
    expect(pr.body).toContain('| `master.service.nodePorts.redis` |  | `"31379"` |');

    const writesBefore = gh.writes().length;
    const state = repoState(box.repo, box.remote);
    const again = await box.cli(PROD);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to change/);
    expect(again.stdout).toContain("Pull request is up to date: #1");
    expect(gh.writes().length).toBe(writesBefore);
    expect(repoState(box.repo, box.remote)).toBe(state);

    const changed = await box.cli([...PROD.slice(0, -2), "--expose", "nodeport:31390"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain("Updated pull request #1");
    expect(opened()).toHaveLength(1);
    expect(opened()[0]!.body).toContain("NodePort `31390`");
    expect(git(box.remote, ["show", `${BRANCH}:envs/prod/values.yaml`], box.env)).toContain('redis: "31390"');
  });

  it("checks the files of the environment for the PR body, not the whole repository (CI validates that)", async () => {
    const box = await initialized();
    mkdirSync(join(box.repo, "envs", "legacy"), { recursive: true });
    writeFileSync(join(box.repo, "envs", "legacy", "values.yaml"), "replica: [unclosed\n");
    git(box.repo, ["add", "envs/legacy/values.yaml"], box.env);
    git(box.repo, ["commit", "--quiet", "-m", "legacy"], box.env);
    git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
    const result = await box.cli(PROD);
    expect(result.code, result.stderr).toBe(0);
    const body = opened()[0]!.body ?? "";
    expect(body).toMatch(/#### Risks\n\n(`gitops-redis validate` found nothing to report in|What `gitops-redis validate` finds in) the files of `prod`, gitops-redis.yaml and the base values/);
    expect(body).not.toContain("envs/legacy");
    expect(body).toContain("#### Effective values of `prod` (new environment)");
  });

  it("compares a cluster environment with redis-cluster's base values on both sides", async () => {
    const box = await initialized();
    const added = await box.cli(["add-env", "shards", "--topology", "cluster", "--storage", "existing:nfs"]);
    expect(added.code, added.stderr).toBe(0);
    git(box.repo, ["merge", "--quiet", "--ff-only", "gitops-redis/add-env-shards"], box.env);
    // A setting of the redis chart's shared values, which a redis-cluster environment never sees.
    writeFileSync(join(box.repo, "values", "base.yaml"), `${readFileSync(join(box.repo, "values", "base.yaml"), "utf8")}global:\n  storageClass: fast\n`);
    git(box.repo, ["commit", "--quiet", "-am", "shared storage class for redis"], box.env);
    git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
    const result = await box.cli(["set", "shards", "--metrics", "on"]);
    expect(result.code, result.stderr).toBe(0);
    const body = opened().find((pr) => pr.head === "gitops-redis/set-shards")!.body ?? "";
    expect(body).toContain("| `metrics.enabled` |  | `true` |");
    expect(body).not.toContain("Destructive");
    expect(body).not.toMatch(/auth\.enabled|storageClass/);
  });

  it("flags a destructive change (volume size of a StatefulSet) at the top of the PR body", async () => {
    const box = await initialized();
    await box.cli(PROD);
    git(box.repo, ["merge", "--quiet", "--ff-only", BRANCH], box.env);
    git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
    const result = await box.cli(["set", "prod", "--size", "16Gi"]);
    expect(result.code, result.stderr).toBe(0);
    const body = opened().find((pr) => pr.head === "gitops-redis/set-prod")!.body ?? "";
    const whatChanges = body.indexOf("### What changes");
    const destructive = body.indexOf("**Destructive or manual-migration changes: read before merging**");
    expect(whatChanges).toBeGreaterThan(0);
    expect(destructive).toBeGreaterThan(whatChanges);
    expect(destructive).toBeLessThan(body.indexOf("### Settings"));
    expect(body).toMatch(/data-safety: .*master\.persistence\.size/);
  });

  it("names in What changes what validate finds of this environment, not what it would wrongly say of the others", async () => {
    const box = await initialized();
    for (const name of ["dev", "qa"]) {
      const added = await box.cli(["add-env", name, "--storage", "existing:standard", "--expose", "clusterip"]);
      expect(added.code, added.stderr).toBe(0);
      git(box.repo, ["merge", "--quiet", "--ff-only", `gitops-redis/add-env-${name}`], box.env);
      git(box.repo, ["push", "--quiet", "origin", "main"], box.env);
    }
    // dev and qa run Bitnami's default images too, but their values files are not among the files read here: what
    // the images rule would say of them from the base values alone is not this pull request's to report.
    expect((await box.cli(PROD)).code).toBe(0);
    const body = opened().find((pr) => pr.head === BRANCH)!.body ?? "";
    const risks = body.slice(body.indexOf("#### Risks"), body.indexOf("### Settings"));
    expect(risks.match(/^- .* images: /gm)).toEqual([expect.stringMatching(/^- `envs\/prod\/values\.yaml:\d+` images: /)]);
  });

  it("without a token commits and pushes, then says how to open the PR (exit 0), or fails with --require-pr", async () => {
    const box = await initialized(null);
    const result = await box.cli(PROD);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("warning: no pull request opened: GITHUB_TOKEN and GH_TOKEN are not set");
    expect(result.stdout).toContain(`gh pr create --base main --head ${BRANCH}`);
    expect(git(box.remote, ["rev-parse", BRANCH], box.env)).toBe(git(box.repo, ["rev-parse", BRANCH], box.env));
    expect(gh.requests).toHaveLength(0);

    const required = await box.cli([...PROD, "--require-pr"]);
    expect(required.code).toBe(4);
    expect(required.stderr).toContain("cannot open the pull request: GITHUB_TOKEN and GH_TOKEN are not set");
  });

  it("retries 5xx answers and a secondary rate limit, then succeeds", async () => {
    const box = await initialized();
    gh.fault({ kind: "secondary-rate-limit", retryAfter: 2 }, { route: "pulls/create" });
    gh.fault({ kind: "server-error", status: 502 }, { route: "issues/add-labels", times: 2 });
    const result = await box.cli(PROD);
    expect(result.code, result.stderr).toBe(0);
    expect(opened()).toHaveLength(1);
    expect(opened()[0]!.labels).toEqual(["gitops-redis", "env:prod"]);
    const statuses = (operationId: string) => gh.requests.filter((r) => r.operationId === operationId).map((r) => r.status);
    expect(statuses("pulls/create")).toEqual([403, 201]);
    expect(statuses("issues/add-labels")).toEqual([502, 502, 200]);

    // A re-run with other settings searches for the open pull request, and retries the search too.
    gh.fault({ kind: "server-error", status: 503 }, { route: "pulls/list", times: 2 });
    const changed = await box.cli([...PROD.slice(0, -2), "--expose", "nodeport:31390"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain("Updated pull request #1");
    expect(statuses("pulls/list")).toEqual([503, 503, 200]);
  });

  it("a rejected token ends in one line naming the permissions, with the token nowhere", async () => {
    const box = await initialized(["ghp", "WrongToken_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"].join("_"));
    const result = await box.cli(PROD);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/401.*contents: write.*pull_requests: write/);
    expect(result.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain("ghp_WrongToken");
    // The branch is pushed and kept: fixing the token and re-running resumes.
    expect(git(box.remote, ["rev-parse", BRANCH], box.env)).toBeTruthy();
  });

  it("a GITHUB_API_URL that is not a URL is refused before anything is committed or pushed", async () => {
    const box = await initialized();
    const state = repoState(box.repo, box.remote);
    const result = await runCli(PROD, { cwd: box.repo, env: { ...box.env, GITHUB_API_URL: "ghe.example.com/api/v3" } });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n").filter(Boolean)[0]).toBe(
      'error: invalid GITHUB_API_URL "ghe.example.com/api/v3": expected the GitHub API URL, e.g. https://ghe.example.com/api/v3',
    );
    expect(repoState(box.repo, box.remote)).toBe(state);
    expect(gh.requests).toHaveLength(0);
  });

  it("a repository GitHub does not know is named in the error", async () => {
    const box = sandbox({ GITHUB_TOKEN: TOKEN });
    await box.cli(["init", box.repo, "--remote", box.remoteUrl, "--github", "acme/nope", "--api-url", gh.baseUrl], box.root);
    const result = await box.cli(PROD);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("acme/nope");
  });

  it("network down: branch and commit stay; re-running resumes without a second commit or PR", async () => {
    const box = await initialized();
    gh.fault({ kind: "network" }, { times: Infinity });
    const down = await box.cli(PROD);
    expect(down.code).toBe(4);
    const commit = git(box.repo, ["rev-parse", BRANCH], box.env);
    expect(git(box.remote, ["rev-parse", BRANCH], box.env)).toBe(commit);
    gh.clearFaults();
    const up = await box.cli(PROD);
    expect(up.code, up.stderr).toBe(0);
    expect(git(box.repo, ["rev-parse", BRANCH], box.env)).toBe(commit);
    expect(opened()).toHaveLength(1);
    expect(up.stdout).toContain("Opened pull request #1");
  });

  it("a push the remote rejects once is rebuilt on the current default branch and pushed again", async () => {
    const box = await initialized();
    const hook = join(box.remote, "hooks", "pre-receive");
    writeFileSync(hook, `#!/bin/sh\nif [ ! -f "${box.root}/rejected-once" ]; then touch "${box.root}/rejected-once"; echo "busy" >&2; exit 1; fi\n`);
    chmodSync(hook, 0o755);
    const result = await box.cli(PROD);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("rejected the push");
    expect(git(box.remote, ["rev-parse", BRANCH], box.env)).toBe(git(box.repo, ["rev-parse", BRANCH], box.env));
    expect(opened()).toHaveLength(1);
    // The review of the rebuilt commit, started by the second push, is in the body.
    expect(opened()[0]?.body).toContain("### What changes");
    // The run created the branch: it says so, with the notes that come with a new environment.
    expect(result.stdout).toContain(`Created branch ${BRANCH}`);
    expect(result.stdout).toContain("Password: create Secret");
    expect(result.stdout).not.toContain("nothing to change");
  });

  it("the token never reaches output, .git or a commit", async () => {
    const box = await initialized();
    const result = await box.cli(PROD);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(filesText(join(box.repo, ".git"))).not.toContain(TOKEN);
    expect(filesText(box.remote)).not.toContain(TOKEN);
    expect(git(box.repo, ["log", "--all", "-p"], box.env)).not.toContain(TOKEN);
  });
});
