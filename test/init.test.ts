import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { git, repoState, sandbox, treeAt } from "./support/repo.js";

describe("init", () => {
  it("creates a repository, commits the scaffold and pushes the default branch", async () => {
    const box = sandbox();
    const result = await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root);
    expect(result.code, result.stderr).toBe(0);
    expect(git(box.repo, ["log", "--format=%s"], box.env)).toBe("chore: initialize gitops-redis repository");
    expect(git(box.repo, ["status", "--porcelain"], box.env)).toBe("");
    expect(git(box.remote, ["rev-parse", "main"], box.env)).toBe(git(box.repo, ["rev-parse", "main"], box.env));
    expect(Object.keys(treeAt(box.repo, "HEAD")).sort()).toEqual([
      ".github/workflows/validate.yaml",
      ".gitignore",
      "README.md",
      "argocd/repositories/chart-repository.yaml",
      "bootstrap/root-app.yaml",
      "gitops-redis.yaml",
      "renovate.json",
      "values/base.yaml",
    ]);
  });

  it("says what to push next: with --no-push the remote is there, without --remote there is none", async () => {
    const box = sandbox();
    const noPush = await box.cli(["init", box.repo, "--remote", box.remoteUrl, "--no-push"], box.root);
    expect(noPush.code, noPush.stderr).toBe(0);
    expect(noPush.stdout).toContain("Not pushed (--no-push). Push with: git push -u origin main");
    expect(git(box.remote, ["branch", "--list"], box.env)).toBe("");
    const other = sandbox();
    const noRemote = await other.cli(["init", other.repo, "--repo-url", "https://github.com/acme/redis-gitops.git"], other.root);
    expect(noRemote.stdout).toContain("No push (no remote origin): add one with git remote add origin <url> && git push -u origin main");
  });

  it("counts a folder where a file goes, or a file where a folder goes, as in the way (exit 3, nothing written)", async () => {
    const box = sandbox();
    mkdirSync(join(box.repo, "README.md"), { recursive: true });
    writeFileSync(join(box.repo, "README.md", "notes.txt"), "mine\n");
    writeFileSync(join(box.repo, "values"), "a file\n");
    const result = await box.cli(["init", box.repo, "--repo-url", "https://github.com/acme/redis-gitops.git"], box.root);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("error: refusing to overwrite files gitops-redis would generate: values, README.md");
    expect(readdirSync(box.repo).sort()).toEqual(["README.md", "values"]);

    // In a repository too, a folder named gitops-redis.yaml is in the way, not a config.
    const repo = sandbox();
    git(repo.root, ["init", "--quiet", "--initial-branch=main", repo.repo], repo.env);
    mkdirSync(join(repo.repo, "gitops-redis.yaml"));
    writeFileSync(join(repo.repo, "gitops-redis.yaml", "x"), "");
    git(repo.repo, ["add", "-A"], repo.env);
    git(repo.repo, ["commit", "--quiet", "-m", "folder"], repo.env);
    const inRepo = await repo.cli(["init", repo.repo, "--repo-url", "https://github.com/acme/redis-gitops.git"], repo.root);
    expect(inRepo.code, inRepo.stderr).toBe(3);
    expect(inRepo.stderr).toContain("error: refusing to overwrite files gitops-redis would generate: gitops-redis.yaml");
  });

  it("re-running with a --remote the repository does not have is refused, saying how to add it (exit 3)", async () => {
    const box = sandbox();
    expect((await box.cli(["init", box.repo, "--repo-url", "https://github.com/acme/redis-gitops.git"], box.root)).code).toBe(0);
    const again = await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe(
      `error: already a gitops-redis repository; init does not change it: --remote ${box.remoteUrl} (it has no remote origin)\nhint: add it yourself: git remote add origin ${box.remoteUrl} && git push -u origin main\n`,
    );
    git(box.repo, ["remote", "add", "origin", box.remoteUrl], box.env);
    expect((await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root)).code).toBe(0);
    // The same remote spelled otherwise: a final slash, or the name url.<base>.insteadOf rewrites.
    expect((await box.cli(["init", box.repo, "--remote", `${box.remoteUrl}/`], box.root)).code).toBe(0);
    git(box.repo, ["config", `url.${box.remoteUrl.replace(/[^/]*$/, "")}.insteadOf`, "https://git.example.com/"], box.env);
    git(box.repo, ["remote", "set-url", "origin", `https://git.example.com/${box.remoteUrl.replace(/^.*\//, "")}`], box.env);
    const alias = git(box.repo, ["config", "--get", "remote.origin.url"], box.env);
    expect((await box.cli(["init", box.repo, "--remote", alias], box.root)).code).toBe(0);
    expect((await box.cli(["init", box.repo, "--remote", "https://elsewhere.example.com/x.git"], box.root)).code).toBe(3);
  });

  it("re-running on an initialized repository changes nothing and says so", async () => {
    const box = sandbox();
    await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root);
    const before = repoState(box.repo, box.remote);
    const again = await box.cli(["init"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already a gitops-redis repository.*nothing to change/);
    expect(repoState(box.repo, box.remote)).toBe(before);
    // Flags that agree with the repository change nothing either; one that disagrees is refused, not ignored.
    expect((await box.cli(["init", "--controller", "argocd", "--default-branch", "main"])).code).toBe(0);
    const other = await box.cli(["init", "--controller", "flux", "--chart-version", "19.6.1"]);
    expect(other.code).toBe(3);
    expect(other.stderr).toContain("error: already a gitops-redis repository; init does not change it: --controller flux (it has argocd), --chart-version 19.6.1 (it has 23.1.1)");
    expect(repoState(box.repo, box.remote)).toBe(before);
    const json = await box.cli(["init", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ action: "unchanged", dir: box.repo, branch: "main", commit: git(box.repo, ["rev-parse", "HEAD"], box.env), files: [] });
  });

  it("--json writes one document on stdout when a command fails too", async () => {
    const box = sandbox();
    await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root);
    const bad = await box.cli(["add-env", "Prod", "--storage", "existing:nfs", "--json"]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({ ok: false, error: { exitCode: 2, message: [expect.stringMatching(/^invalid environment name "Prod": /)] } });
    expect(bad.stderr).toMatch(/^error: invalid environment name "Prod"/);
    const refused = await box.cli(["init", join(box.root, "other"), "--json", "--chart-version", "^23"], box.root);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { exitCode: 2, message: [expect.stringMatching(/^invalid --chart-version "\^23"/)] } });
  });

  it("refuses a dirty tree and foreign files it would overwrite, before writing anything", async () => {
    const box = sandbox();
    git(box.root, ["init", "--quiet", "--initial-branch=main", box.repo], box.env);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${box.repo}/README.md`, "mine\n");
    git(box.repo, ["add", "."], box.env);
    git(box.repo, ["commit", "-qm", "mine"], box.env);
    const before = repoState(box.repo);
    const foreign = await box.cli(["init", "--repo-url", "https://example.invalid/r.git"]);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr).toContain("refusing to overwrite files gitops-redis would generate: README.md");
    expect(repoState(box.repo)).toBe(before);

    writeFileSync(`${box.repo}/notes.txt`, "wip\n");
    const dirtyBefore = repoState(box.repo);
    const dirty = await box.cli(["init", "--repo-url", "https://example.invalid/r.git"]);
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toContain("uncommitted changes: notes.txt");
    expect(repoState(box.repo)).toBe(dirtyBefore);

    // A modified tracked file's status starts with a space; a rename names two paths.
    git(box.repo, ["add", "notes.txt"], box.env);
    git(box.repo, ["commit", "-qm", "notes"], box.env);
    writeFileSync(`${box.repo}/notes.txt`, "changed\n");
    git(box.repo, ["mv", "README.md", "READ.md"], box.env);
    const modified = await box.cli(["init", "--repo-url", "https://example.invalid/r.git"]);
    expect(modified.code).toBe(3);
    expect(modified.stderr).toContain("uncommitted changes: READ.md, notes.txt\n");
  });
});
