/** What gitops-redis reads of git's configuration in one process (src/git/settings.ts), against git's own answers. */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitRepo } from "../src/git/repo.js";
import { parseSettings, plainCommitIdentity, type GitSettings } from "../src/git/settings.js";
import { git, gitEnv, tempDir } from "./support/repo.js";

const opened: GitRepo[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((repo) => repo.close()));
});

describe("parseSettings", () => {
  it("keeps every value of a key in git's order, a value's newlines, and a key written without a value", () => {
    const settings = parseSettings("remote.origin.url\nfirst\0remote.origin.url\nsecond\0user.name\nA\nB\0i18n.commitencoding\0");
    expect(settings.get("remote.origin.url")).toEqual(["first", "second"]);
    expect(settings.get("user.name")).toEqual(["A\nB"]);
    expect(settings.get("i18n.commitencoding")).toEqual([null]);
  });
});

describe("GitRepo.remoteUrl and configuredRemoteUrl answer as git remote get-url and git config do", () => {
  it("rewrites with the longest url.<base>.insteadOf, takes the first of several URLs, and sees a remote it adds", async () => {
    const dir = tempDir();
    const env = gitEnv(dir);
    git(dir, ["init", "--quiet", "--initial-branch=main"], env);
    git(dir, ["config", "--add", "remote.origin.url", "gh:acme/redis-gitops.git"], env);
    git(dir, ["config", "--add", "remote.origin.url", "https://second.example/acme.git"], env);
    git(dir, ["config", "url.https://github.com/.insteadOf", "gh:"], env);
    git(dir, ["config", "--add", "url.https://GHE.example/mirror/.insteadOf", "gh:acme/"], env);
    git(dir, ["config", "--add", "url.https://GHE.example/mirror/.insteadOf", "other:"], env);
    git(dir, ["config", "remote.upstream.url", "https://example.invalid/up.git"], env);
    const repo = new GitRepo(dir, env);
    opened.push(repo);
    for (const remote of ["origin", "upstream"]) {
      expect(await repo.remoteUrl(remote)).toBe(git(dir, ["remote", "get-url", remote], env));
      // The URL git fetches from is the first (git config --get would print the last).
      expect(await repo.configuredRemoteUrl(remote)).toBe(git(dir, ["config", "--get-all", `remote.${remote}.url`], env).split("\n")[0]);
    }
    expect(await repo.remoteUrl("origin")).toBe("https://GHE.example/mirror/redis-gitops.git");
    expect(await repo.remoteUrl("nowhere")).toBeUndefined();
    // A remote added by this run is seen.
    await repo.addRemote("later", "https://example.invalid/later.git");
    expect(await repo.remoteUrl("later")).toBe("https://example.invalid/later.git");
  });
});

describe("plainCommitIdentity", () => {
  const settings = (entries: Record<string, string | null>): GitSettings => new Map(Object.entries(entries).map(([k, v]) => [k, [v]]));
  const now = new Date("2026-11-27T12:00:00Z");
  const at = (env: Record<string, string>, entries: Record<string, string | null> = {}) => plainCommitIdentity(settings(entries), env, now);
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("takes name and email as git does: the environment, then author.* or committer.*, then user.*, then EMAIL", () => {
    process.env.TZ = "UTC";
    const identity = at({ GIT_AUTHOR_NAME: "Env Author", GIT_AUTHOR_EMAIL: "author@example.invalid", EMAIL: "mail@example.invalid" }, { "user.name": "User", "committer.name": "Committer" });
    expect(identity).toEqual({
      author: "Env Author <author@example.invalid> 1795780800 +0000",
      committer: "Committer <mail@example.invalid> 1795780800 +0000",
    });
    // An email configured for one role, or user.useConfigOnly, and git takes no EMAIL: the other role's email is git's.
    expect(at({ EMAIL: "mail@example.invalid" }, { "user.name": "User", "author.email": "author@example.invalid" })).toBeUndefined();
    expect(at({ EMAIL: "mail@example.invalid" }, { "user.name": "User", "user.useconfigonly": "true" })).toBeUndefined();
  });

  it("writes the local zone's offset, half hours and west of UTC too", () => {
    process.env.TZ = "America/St_Johns";
    expect(at({}, { "user.name": "U", "user.email": "u@example.invalid" })?.author).toBe("U <u@example.invalid> 1795780800 -0330");
  });

  it("leaves to git an identity it would have to guess, strip or refuse, a date given, and a commit to re-encode", () => {
    process.env.TZ = "UTC";
    const user = { "user.name": "U", "user.email": "u@example.invalid" };
    expect(at({}, { "user.name": "U" })).toBeUndefined();
    expect(at({ GIT_AUTHOR_NAME: "" }, user)).toBeUndefined();
    expect(at({}, { ...user, "user.name": null })).toBeUndefined();
    for (const name of [" U", "U.", "<U>", "A\u0001B", "'U'"]) expect(at({ GIT_COMMITTER_NAME: name }, user), name).toBeUndefined();
    expect(at({ GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z" }, user)).toBeUndefined();
    expect(at({ GIT_COMMITTER_DATE: "@0 +0000" }, user)).toBeUndefined();
    expect(at({}, { ...user, "i18n.commitencoding": "ISO-8859-1" })).toBeUndefined();
    expect(at({}, user)).toBeDefined();
  });
});

describe("GitRepo.remoteUrl answers as git remote get-url does for the less usual configurations", () => {
  async function both(config: string, globalConfig = ""): Promise<{ ours: string | undefined; byGit: string | undefined }> {
    const dir = tempDir();
    const env = gitEnv(dir);
    git(dir, ["init", "--quiet", "--initial-branch=main"], env);
    appendFileSync(join(dir, ".git", "config"), config);
    writeFileSync(env.GIT_CONFIG_GLOBAL!, globalConfig);
    const repo = new GitRepo(dir, env);
    opened.push(repo);
    let byGit: string | undefined;
    try {
      byGit = git(dir, ["remote", "get-url", "origin"], env) || undefined;
    } catch {
      byGit = undefined;
    }
    return { ours: await repo.remoteUrl("origin"), byGit };
  }

  it("rewrites with an url.<base>.insteadOf whose value is empty (it matches every URL), and names no URL when one has no value", async () => {
    const empty = await both('[remote "origin"]\n\turl = https://example.invalid/a.git\n[url "https://mirror.invalid/"]\n\tinsteadOf =\n');
    expect(empty.byGit).toBe("https://mirror.invalid/https://example.invalid/a.git");
    expect(empty.ours).toBe(empty.byGit);
    const valueless = await both('[remote "origin"]\n\turl = https://example.invalid/a.git\n[url "https://mirror.invalid/"]\n\tinsteadOf\n');
    expect(valueless.ours).toBe(valueless.byGit);
  });

  it("names no origin that only the global or command-line configuration gives (git remote get-url refuses it)", async () => {
    const { ours, byGit } = await both("", '[remote "origin"]\n\turl = https://global.invalid/a.git\n');
    expect(byGit).toBeUndefined();
    expect(ours).toBe(byGit);
  });
});
