/** The git adapter's reads and writes, against real repositories. */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { GitRepo } from "../src/git/repo.js";
import { git, gitEnv, tempDir } from "./support/repo.js";

const opened: GitRepo[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((repo) => repo.close()));
});

/** A repository with one commit on main holding `files`. */
function repository(files: Record<string, string>): { dir: string; repo: GitRepo; head: string } {
  const dir = tempDir();
  const env = gitEnv(dir);
  git(dir, ["init", "--quiet", "--initial-branch=main"], env);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, ["add", "-A"], env);
  git(dir, ["commit", "--quiet", "-m", "files"], env);
  const repo = new GitRepo(dir, env);
  opened.push(repo);
  return { dir, repo, head: git(dir, ["rev-parse", "HEAD"], env) };
}

describe("GitRepo reads objects through one cat-file process", () => {
  it("reads files by ref and path, byte for byte, and says undefined for what is not there", async () => {
    const { repo } = repository({ "a.yaml": "a: 1\n", "dir/b.yaml": "b: 2\n  \n", "dir/c.txt": "no newline" });
    expect(await repo.readFile("main", "a.yaml")).toBe("a: 1\n");
    expect(await repo.readFile("HEAD", "dir/b.yaml")).toBe("b: 2\n  \n");
    expect(await repo.readFile("main", "missing.yaml")).toBeUndefined();
    expect(await repo.readFile("no-such-branch", "a.yaml")).toBeUndefined();
    // A directory is not a file.
    expect(await repo.readFile("main", "dir")).toBeUndefined();
  });

  it("answers many reads asked at once in the order asked, a large file included", async () => {
    const large = `${"x".repeat(200_000)}\n`;
    const { repo } = repository({ "a.yaml": "a\n", "large.txt": large, "z.yaml": "z\n" });
    const files = await repo.readFiles("main", ["z.yaml", "missing", "large.txt", "a.yaml"]);
    expect([...files.keys()]).toEqual(["z.yaml", "large.txt", "a.yaml"]);
    expect(files.get("large.txt")).toBe(large);
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => repo.readFile("main", i % 2 ? "a.yaml" : "z.yaml")));
    expect(many.every((text, i) => text === (i % 2 ? "a\n" : "z\n"))).toBe(true);
  });

  it("resolves commits and trees, and keeps working after close() and after a failed read", async () => {
    const { dir, repo, head } = repository({ "a.yaml": "a\n" });
    expect(await repo.resolve("HEAD")).toBe(head);
    expect(await repo.resolve("main~5")).toBeUndefined();
    expect(await repo.treeOf(head)).toBe(git(dir, ["rev-parse", "HEAD^{tree}"]));
    await expect(repo.readFile("main", "line\nbreak")).rejects.toThrow(/line break/);
    await repo.close();
    expect(await repo.readFile("main", "a.yaml")).toBe("a\n");
  });

  it("fails a read where git cannot read (not a repository), and reads the repository once it is one", async () => {
    const dir = tempDir();
    const repo = new GitRepo(dir, gitEnv(dir));
    opened.push(repo);
    await expect(repo.resolve("HEAD")).rejects.toThrow(/not a git repository/);
    git(dir, ["init", "--quiet", "--initial-branch=main"]);
    writeFileSync(join(dir, "a.yaml"), "a\n");
    git(dir, ["add", "a.yaml"]);
    git(dir, ["commit", "--quiet", "-m", "a"]);
    expect(await repo.readFile("HEAD", "a.yaml")).toBe("a\n");
  });

  it("sees remote-tracking refs a fetch moved, without reading every ref again", async () => {
    const origin = repository({ "a.yaml": "a\n" });
    const dir = tempDir();
    const env = gitEnv(dir);
    git(dir, ["clone", "--quiet", origin.dir, "."], env);
    const repo = new GitRepo(dir, env);
    opened.push(repo);
    expect(await repo.resolve("refs/remotes/origin/main")).toBe(origin.head);
    writeFileSync(join(origin.dir, "b.yaml"), "b\n");
    git(origin.dir, ["add", "b.yaml"]);
    git(origin.dir, ["commit", "--quiet", "-m", "b"]);
    const moved = git(origin.dir, ["rev-parse", "HEAD"]);
    expect(await repo.fetch("origin", ["+refs/heads/main:refs/remotes/origin/main"])).toBe(true);
    expect(await repo.resolve("refs/remotes/origin/main")).toBe(moved);
    expect(await repo.resolve("refs/heads/main")).toBe(origin.head);
  });
});

describe("GitRepo runs git to the end", () => {
  it("a fetch settles even when a helper it started keeps git's stderr open, as an ssh ControlPersist master can", async () => {
    const origin = repository({ "a.yaml": "a\n" });
    const dir = tempDir();
    const env = gitEnv(dir);
    git(dir, ["init", "--quiet", "--initial-branch=main"], env);
    // Stands in for ssh: leaves a process holding the caller's stderr, then runs the remote command locally.
    const ssh = join(dir, "fake-ssh");
    writeFileSync(ssh, '#!/bin/sh\nshift\n(sleep 12) &\nexec sh -c "$1"\n', { mode: 0o755 });
    git(dir, ["remote", "add", "origin", `ssh://example.invalid${origin.dir}`], env);
    const repo = new GitRepo(dir, { ...env, GIT_SSH_COMMAND: ssh, GIT_SSH_VARIANT: "simple" });
    opened.push(repo);
    expect(await repo.fetch("origin", ["+refs/heads/main:refs/remotes/origin/main"])).toBe(true);
    expect(await repo.resolve("refs/remotes/origin/main")).toBe(origin.head);
  }, 9_000);
});

describe("GitRepo.commitOnto builds a commit from the parent's tree and the changes alone", () => {
  const listing = (dir: string, ref: string) => git(dir, ["ls-tree", "-r", "--format=%(objectmode) %(path)", ref]);

  it("writes new nested directories, replaces files, drops directories left empty, and keeps the rest", async () => {
    const { dir, repo, head } = repository({
      "keep/a.yaml": "keep\n",
      "keep/deep/b.yaml": "deep\n",
      "gone/only.yaml": "bye\n",
      "gone/sub/x.yaml": "bye\n",
      "config.yaml": "old\n",
      "was-a-file": "file\n",
    });
    const changes = new Map<string, string | null>([
      ["config.yaml", "new\n"],
      ["envs/prod/manifests/storageclass.yaml", "kind: StorageClass\n"],
      ["envs/prod/values.yaml", "a: 1\n"],
      ["gone/only.yaml", null],
      ["gone/sub/x.yaml", null],
      ["was-a-file", null],
      ["was-a-file/now.yaml", "dir\n"],
    ]);
    const built = await repo.commitOnto({ parent: head, changes, message: "change" });
    expect(built).toBeDefined();
    expect(listing(dir, built!.commit).split("\n")).toEqual([
      "100644 config.yaml",
      "100644 envs/prod/manifests/storageclass.yaml",
      "100644 envs/prod/values.yaml",
      "100644 keep/a.yaml",
      "100644 keep/deep/b.yaml",
      "100644 was-a-file/now.yaml",
    ]);
    expect(git(dir, ["show", `${built!.commit}:config.yaml`])).toBe("new");
    expect(git(dir, ["rev-parse", `${built!.commit}^{tree}`])).toBe(built!.tree);
    expect(git(dir, ["rev-parse", `${built!.commit}^`])).toBe(head);
    expect(git(dir, ["rev-parse", `${built!.commit}:keep`])).toBe(git(dir, ["rev-parse", `${head}:keep`]));
    // Well-formed objects, entries in git's order.
    expect(() => git(dir, ["fsck", "--strict", "--no-dangling"])).not.toThrow();
    // Nothing but objects: no branch moved, the index and work tree are as they were.
    expect(git(dir, ["rev-parse", "main"])).toBe(head);
    expect(git(dir, ["status", "--porcelain"])).toBe("");
  });

  it("gives the same tree git's own index would, and nothing when the tree would not change", async () => {
    const { dir, repo, head } = repository({ "a/b.yaml": "b\n", "a/c.yaml": "c\n", "a-b.yaml": "x\n", "a.yaml": "y\n" });
    const changes = new Map<string, string | null>([["a/b.yaml", "b2\n"], ["a.b/z.yaml", "z\n"], ["a0", "0\n"]]);
    const built = await repo.commitOnto({ parent: head, changes, message: "change" });
    const env = { ...gitEnv(dir), GIT_INDEX_FILE: join(dir, ".git", "scratch-index") };
    git(dir, ["read-tree", head], env);
    for (const [path, content] of changes) {
      const id = execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: dir, env, input: content!, encoding: "utf8" }).trim();
      git(dir, ["update-index", "--add", "--cacheinfo", `100644,${id},${path}`], env);
    }
    expect(built!.tree).toBe(git(dir, ["write-tree"], env));
    expect(await repo.commitOnto({ parent: head, changes: new Map([["a/b.yaml", "b\n"]]), message: "same" })).toBeUndefined();
  });

  it("keeps what it does not change as it was: executable files, symlinks, submodules and names that are not UTF-8", async () => {
    const { dir, repo, head } = repository({ "envs/run.sh": "#!/bin/sh\n", "envs/a.yaml": "a\n" });
    const env = gitEnv(dir);
    git(dir, ["update-index", "--chmod=+x", "envs/run.sh"], env);
    execFileSync("ln", ["-s", "a.yaml", join(dir, "envs", "link")]);
    writeFileSync(Buffer.concat([Buffer.from(join(dir, "envs") + "/caf"), Buffer.from([0xe9]), Buffer.from(".yaml")]), "latin1\n");
    git(dir, ["add", "-A"], env);
    git(dir, ["update-index", "--add", "--cacheinfo", `160000,${head},envs/vendored`], env);
    git(dir, ["commit", "--quiet", "-m", "kinds"], env);
    const parent = git(dir, ["rev-parse", "HEAD"], env);
    const entries = (commit: string) => execFileSync("git", ["ls-tree", "-z", `${commit}:envs`], { cwd: dir, env }).toString("latin1").split("\0").filter((e) => !e.endsWith("\ta.yaml"));
    const built = await repo.commitOnto({ parent, changes: new Map([["envs/a.yaml", "changed\n"]]), message: "change" });
    expect(entries(built!.commit)).toEqual(entries(parent));
    expect(entries(parent)).toHaveLength(5);
    expect(git(dir, ["show", `${built!.commit}:envs/a.yaml`])).toBe("changed");
  });

  it("refuses to replace a file of the user's with a directory, or a directory with a file, unless told to", async () => {
    const { dir, repo, head } = repository({ envs: "a file\n", "argocd/environments/dev.yaml/notes.txt": "a directory\n" });
    const conflict = (changes: [string, string | null][]) => repo.commitOnto({ parent: head, changes: new Map(changes), message: "change" });

    await expect(conflict([["envs/dev/values.yaml", "a: 1\n"]])).rejects.toThrow(/^cannot write envs: [0-9a-f]{12} has a file there/);
    await expect(conflict([["argocd/environments/dev.yaml", "kind: Application\n"]])).rejects.toMatchObject({
      message: expect.stringMatching(/^cannot write argocd\/environments\/dev\.yaml: [0-9a-f]{12} has a directory there/),
      exitCode: 3,
    });
    // A dry run meets the same refusal, with nothing written.
    const objects = git(dir, ["count-objects"]);
    await expect(repo.checkPaths(head, new Map([["envs/dev/values.yaml", "a: 1\n"]]))).rejects.toThrow(/^cannot write envs: /);
    await expect(repo.checkPaths(head, new Map([["other/values.yaml", "a: 1\n"]]))).resolves.toBeUndefined();
    expect(git(dir, ["count-objects"])).toBe(objects);
    // Deleting what is in the way first is a change like any other.
    const toDirectory = await conflict([["envs", null], ["envs/dev/values.yaml", "a: 1\n"]]);
    expect(git(dir, ["ls-tree", "-r", "--name-only", toDirectory!.commit]).split("\n")).toEqual(["argocd/environments/dev.yaml/notes.txt", "envs/dev/values.yaml"]);
    const toFile = await conflict([["argocd/environments/dev.yaml/notes.txt", null], ["argocd/environments/dev.yaml", "x\n"]]);
    expect(git(dir, ["ls-tree", "-r", "--name-only", toFile!.commit]).split("\n")).toEqual(["argocd/environments/dev.yaml", "envs"]);
    expect(git(dir, ["show", `${toFile!.commit}:argocd/environments/dev.yaml`])).toBe("x");
  });

  it("writes files of any size byte for byte: empty, a few bytes, and 300 KB of text that is not ASCII", async () => {
    const { dir, repo, head } = repository({ "keep.yaml": "k\n" });
    const big = "ключ: значение # ✓\n".repeat(12_000);
    const changes = new Map<string, string | null>([["empty.yaml", ""], ["small.yaml", "a: 1\n"], ["big/values.yaml", big]]);
    const built = await repo.commitOnto({ parent: head, changes, message: "sizes" });
    for (const [path, content] of changes) expect(git(dir, ["show", `${built!.commit}:${path}`]) + (content!.endsWith("\n") ? "\n" : "")).toBe(content);
    expect(() => git(dir, ["fsck", "--strict", "--no-dangling"])).not.toThrow();
  });

  it("writes two new directories with the same files, and deletes under a file or a directory nothing", async () => {
    const { dir, repo, head } = repository({ "run.sh": "#!/bin/sh\n", "envs/dev/values.yaml": "v\n" });
    const same = await repo.commitOnto({ parent: head, changes: new Map([["envs/a/values.yaml", "same\n"], ["envs/b/values.yaml", "same\n"]]), message: "twins" });
    expect(git(dir, ["rev-parse", `${same!.commit}:envs/a`])).toBe(git(dir, ["rev-parse", `${same!.commit}:envs/b`]));
    // A path below a file, or a path that is a directory, is not a file to delete: the tree stays as it was.
    const nothing = new Map<string, string | null>([["run.sh/x", null], ["envs/dev", null], ["gone/x.yaml", null]]);
    expect(await repo.commitOnto({ parent: head, changes: nothing, message: "nothing" })).toBeUndefined();
    expect(() => git(dir, ["fsck", "--strict", "--no-dangling"])).not.toThrow();
  });

  it("commits in a partial clone without fetching the files it leaves as they are, offline too", async () => {
    const { dir: origin } = repository(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`envs/file${i}.yaml`, `${i}\n`])));
    const env = gitEnv(origin);
    git(origin, ["config", "uploadpack.allowFilter", "true"], env);
    const clone = join(tempDir(), "clone");
    git(origin, ["clone", "--quiet", "--no-checkout", "--filter=blob:none", `file://${origin}`, clone], env);
    // The promisor remote is gone: a fetch of any left-out file would fail.
    git(clone, ["remote", "set-url", "origin", `file://${origin}-moved`], env);
    const repo = new GitRepo(clone, env);
    opened.push(repo);
    const head = git(clone, ["rev-parse", "HEAD"], env);
    const built = await repo.commitOnto({ parent: head, changes: new Map([["envs/new.yaml", "n\n"]]), message: "add" });
    expect(git(clone, ["ls-tree", "--name-only", `${built!.commit}:envs`], env).split("\n")).toHaveLength(21);
  });

  it("rewrites a tree that an old tool wrote with a zero-padded mode as git writes trees", async () => {
    const { dir, repo } = repository({ "keep.yaml": "k\n" });
    const env = gitEnv(dir);
    const object = (type: string, input: Buffer | string) =>
      execFileSync("git", ["hash-object", "-w", "--literally", "-t", type, "--stdin"], { cwd: dir, env, input }).toString().trim();
    const inner = git(dir, ["rev-parse", "HEAD^{tree}"], env);
    const blob = object("blob", "x\n");
    // "040000" where git writes "40000": git fsck calls it zero-padded, git still reads it.
    const root = object("tree", Buffer.concat([Buffer.from("040000 legacy\0"), Buffer.from(inner, "hex"), Buffer.from("100644 x.yaml\0"), Buffer.from(blob, "hex")]));
    const parent = git(dir, ["commit-tree", root, "-m", "old tool"], env);
    const built = await repo.commitOnto({ parent, changes: new Map([["x.yaml", "x2\n"]]), message: "change" });
    const listed = git(dir, ["ls-tree", built!.tree], env);
    expect(listed).toMatch(/^040000 tree \w+\tlegacy$/m);
    expect(built!.tree).toBe(execFileSync("git", ["mktree"], { cwd: dir, env, input: `${listed}\n` }).toString().trim());
  });

  it("works in a repository with SHA-256 object names", async () => {
    const dir = tempDir();
    const env = gitEnv(dir);
    git(dir, ["init", "--quiet", "--object-format=sha256", "--initial-branch=main"], env);
    mkdirSync(join(dir, "envs"));
    writeFileSync(join(dir, "envs", "a.yaml"), "a\n");
    git(dir, ["add", "-A"], env);
    git(dir, ["commit", "--quiet", "-m", "files"], env);
    const repo = new GitRepo(dir, env);
    opened.push(repo);
    const head = git(dir, ["rev-parse", "HEAD"], env);
    const built = await repo.commitOnto({ parent: head, changes: new Map([["envs/b/c.yaml", "c\n"]]), message: "change" });
    expect(built!.commit).toHaveLength(64);
    // The object format comes from the repository's objects, not from how the parent is named.
    const byName = await repo.commitOnto({ parent: "HEAD", changes: new Map([["envs/b/c.yaml", "c\n"]]), message: "change" });
    expect(byName!.tree).toBe(built!.tree);
    await repo.setBranch("gitops-redis/add-env-b", built!, undefined);
    expect(git(dir, ["rev-parse", "gitops-redis/add-env-b"])).toBe(built!.commit);
    expect(git(dir, ["ls-tree", "-r", "--name-only", built!.commit]).split("\n")).toEqual(["envs/a.yaml", "envs/b/c.yaml"]);
    expect(() => git(dir, ["fsck", "--strict", "--no-dangling"])).not.toThrow();
  });
});

describe("GitRepo.commitOnto writes the commit git would, and leaves to git the commits it cannot write plainly", () => {
  const commitText = (dir: string, id: string) => git(dir, ["cat-file", "commit", id]);
  const processes = (trace: string, command: string) => (readFileSync(trace, "utf8").match(new RegExp(`trace: built-in: git ${command} `, "g")) ?? []).length;

  it("writes, in its pack and with no commit-tree process, the commit `git commit-tree` writes, for an identity from the environment or the config", async () => {
    const { dir, head } = repository({ "keep.yaml": "k\n" });
    const trace = join(dir, ".git", "trace");
    git(dir, ["config", "user.name", "Config User"]);
    git(dir, ["config", "user.email", "config@example.invalid"]);
    git(dir, ["config", "committer.name", "Committer Name"]);
    const zone = process.env.TZ;
    // git writes the local zone's offset: here one with half hours, for this process and git alike.
    process.env.TZ = "Asia/Kolkata";
    onTestFinished(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });
    const fromEnv = gitEnv(dir, { GIT_TRACE: trace, TZ: "Asia/Kolkata" });
    const { GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, ...fromConfig } = fromEnv;
    for (const env of [fromEnv, fromConfig]) {
      writeFileSync(trace, "");
      const repo = new GitRepo(dir, env);
      opened.push(repo);
      const built = await repo.commitOnto({ parent: head, changes: new Map([["envs/a.yaml", "a\n"]]), message: "feat(a): add Redis environment a" });
      expect(processes(trace, "commit-tree")).toBe(0);
      expect(processes(trace, "index-pack")).toBe(1);
      const text = commitText(dir, built!.commit);
      const when = /^committer .* (\d+ [+-]\d{4})$/m.exec(text)![1]!;
      const byGit = git(dir, ["commit-tree", built!.tree, "-p", head, "-m", "feat(a): add Redis environment a"], { ...env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
      expect(built!.commit).toBe(byGit);
      expect(() => git(dir, ["fsck", "--strict", "--no-dangling"])).not.toThrow();
      if (env === fromConfig) {
        expect(text).toMatch(/^author Config User <config@example.invalid> \d+ \+0530$/m);
        expect(text).toMatch(/^committer Committer Name <config@example.invalid> /m);
      } else expect(text).toMatch(/^author Test User <test@example.invalid> /m);
    }
  });

  it("leaves the commit to git when it is to be re-encoded, has a date given, or has no identity given", async () => {
    const { dir, head } = repository({ "keep.yaml": "k\n" });
    const { GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, ...anonymous } = gitEnv(dir);
    const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
      ["i18n.commitEncoding", gitEnv(dir, { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "i18n.commitEncoding", GIT_CONFIG_VALUE_0: "ISO-8859-1" }), /^encoding ISO-8859-1$/m],
      ["GIT_AUTHOR_DATE", gitEnv(dir, { GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z" }), /^author Test User <test@example.invalid> 1767225600 \+0000$/m],
      ["no identity", { ...anonymous, GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.useConfigOnly", GIT_CONFIG_VALUE_0: "true" }, /^author gitops-redis <gitops-redis@users.noreply.github.com> /m],
    ];
    for (const [name, env, expected] of cases) {
      const repo = new GitRepo(dir, env);
      opened.push(repo);
      const built = await repo.commitOnto({ parent: head, changes: new Map([["envs/a.yaml", "a\n"]]), message: "add a" });
      expect(commitText(dir, built!.commit), name).toMatch(expected);
    }
  });
});

describe("GitRepo runs git in the user's environment", () => {
  it("runs with the user's command-scope config naming programs (GIT_CONFIG_*: a credential helper, gpg), as git does", async () => {
    const { dir, head } = repository({ "keep.yaml": "k\n" });
    const programs = { GIT_CONFIG_COUNT: "2", GIT_CONFIG_KEY_0: "credential.helper", GIT_CONFIG_VALUE_0: "store", GIT_CONFIG_KEY_1: "gpg.program", GIT_CONFIG_VALUE_1: "gpg2" };
    for (const env of [gitEnv(dir, programs), gitEnv(dir, { ...programs, GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z" })]) {
      const repo = new GitRepo(dir, env);
      opened.push(repo);
      const built = await repo.commitOnto({ parent: head, changes: new Map([["envs/a.yaml", "a\n"]]), message: "add a" });
      expect(git(dir, ["show", `${built!.commit}:envs/a.yaml`])).toBe("a");
    }
  });
});

describe("GitRepo.commitOnto and git commit-tree agree on the identity and the zone", () => {
  const { GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, ...anonymous } = gitEnv("/unused");
  /** Our commit, and the one `git commit-tree` writes at the same second (undefined when git refuses). */
  async function both(env: NodeJS.ProcessEnv, setup: (dir: string) => void = () => {}): Promise<{ ours: string; byGit: string | undefined }> {
    const { dir, head } = repository({ "keep.yaml": "k\n" });
    setup(dir);
    env = { ...env, HOME: dir, GIT_CONFIG_GLOBAL: join(dir, ".gitconfig-none") };
    const repo = new GitRepo(dir, env);
    opened.push(repo);
    const built = await repo.commitOnto({ parent: head, changes: new Map([["envs/a.yaml", "a\n"]]), message: "add a" });
    const ours = execFileSync("git", ["cat-file", "commit", built!.commit], { cwd: dir, env, encoding: "latin1" });
    const when = /^committer .* (\d+ [+-]\d{4})$/m.exec(ours)![1]!;
    let byGit: string | undefined;
    try {
      const id = execFileSync("git", ["commit-tree", built!.tree, "-p", head, "-m", "add a"], { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
      byGit = execFileSync("git", ["cat-file", "commit", id], { cwd: dir, env, encoding: "latin1" });
    } catch {
      byGit = undefined;
    }
    return { ours, byGit };
  }

  it("writes no EMAIL where git writes none: author.email or committer.email configured for the other role only", async () => {
    for (const key of ["author.email", "committer.email"]) {
      const { ours, byGit } = await both({ ...anonymous, EMAIL: "env@example.invalid" }, (dir) => {
        git(dir, ["config", "user.name", "N"]);
        git(dir, ["config", key, "role@example.invalid"]);
      });
      expect(ours, key).toBe(byGit);
    }
  });

  it("does not take EMAIL when user.useConfigOnly is set (git refuses it; gitops-redis's own address is used, as before)", async () => {
    const { ours, byGit } = await both({ ...anonymous, EMAIL: "env@example.invalid" }, (dir) => {
      git(dir, ["config", "user.name", "N"]);
      git(dir, ["config", "user.useConfigOnly", "true"]);
    });
    expect(byGit).toBeUndefined();
    expect(ours).not.toContain("env@example.invalid");
    expect(ours).toMatch(/^author N <gitops-redis@users\.noreply\.github\.com> /m);
  });

  it("keeps a name that is not UTF-8 as git does (git re-encodes it from Latin-1), instead of writing U+FFFD", async () => {
    const { ours, byGit } = await both(anonymous, (dir) => {
      appendFileSync(join(dir, ".git", "config"), Buffer.concat([Buffer.from("[user]\n\tname = Jos"), Buffer.from([0xe9]), Buffer.from("\n\temail = j@example.invalid\n")]));
    });
    expect(ours).toBe(byGit);
  });

  it("writes the zone git writes for a POSIX TZ rule and for a zone the system has no file for", async () => {
    const zone = process.env.TZ;
    onTestFinished(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });
    const zones: Record<string, string>[] = [{ TZ: "CET-1CEST,M3.5.0,M10.5.0/3" }, { TZ: "<+0330>-3:30" }, { TZ: "Asia/Tokyo", TZDIR: "/nonexistent" }];
    for (const extra of zones) {
      process.env.TZ = extra.TZ;
      const env = gitEnv("/unused", extra);
      const { ours } = await both(env);
      const gitZone = execFileSync("git", ["var", "GIT_COMMITTER_IDENT"], { env, encoding: "utf8" }).trim().split(" ").at(-1);
      expect(/^committer .* ([+-]\d{4})$/m.exec(ours)![1], extra.TZ).toBe(gitZone);
    }
  });
});
