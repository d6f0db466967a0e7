import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redact, tokenPushEnv } from "../../src/git/credentials.js";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server.js";

const run = promisify(execFile);
const TOKEN = "ghs_TestToken1234567890abcdef";
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");

describe("tokenPushEnv", () => {
  it("scopes one extra header to the remote's scheme and host", () => {
    expect(tokenPushEnv("https://x@github.com/acme/redis-gitops.git", TOKEN)).toEqual({
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "http.https://github.com/.extraheader",
      GIT_CONFIG_VALUE_0: "",
      GIT_CONFIG_KEY_1: "http.https://github.com/.extraheader",
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${BASIC}`,
    });
  });

  it("appends to config entries the environment already passes", () => {
    const env = tokenPushEnv("https://github.com/acme/r", TOKEN, { GIT_CONFIG_COUNT: "1" });
    expect(env).toMatchObject({ GIT_CONFIG_COUNT: "3", GIT_CONFIG_KEY_1: "http.https://github.com/.extraheader" });
    expect(env).not.toHaveProperty("GIT_CONFIG_KEY_0");
  });

  it.each([
    "git@github.com:acme/redis-gitops.git",
    "ssh://git@github.com/acme/redis-gitops.git",
    "file:///srv/acme.git",
    "/srv/acme.git",
    "http://git.example.com/acme/redis-gitops.git",
  ])("gives no env for %s", (url) => {
    expect(tokenPushEnv(url, TOKEN)).toBeUndefined();
  });
});

describe("redact", () => {
  it("hides the token, its base64 and its basic-auth form", () => {
    const text = `token ${TOKEN}; b64 ${Buffer.from(TOKEN).toString("base64")}; header basic ${BASIC}`;
    expect(redact(text, [TOKEN, undefined, ""])).toBe("token ***; b64 ***; header basic ***");
  });
});

describe("tokenPushEnv with real git over http", () => {
  let dir: string;
  let server: GitHttpServer;
  let env: NodeJS.ProcessEnv;

  const git = (args: string[], extra: Record<string, string> = {}) =>
    run("git", args, { cwd: join(dir, "work"), env: { ...env, ...extra } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "gitops-redis-cred-"));
    // An isolated HOME and no system config: only what the test sets reaches git.
    env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t.invalid" };
    await run("git", ["init", "-q", "--bare", join(dir, "srv", "redis-gitops.git")], { env });
    await run("git", ["init", "-q", "-b", "main", join(dir, "work")], { env });
    await writeFile(join(dir, "work", "README.md"), "hello\n");
    server = await startGitHttpServer(join(dir, "srv"), `basic ${BASIC}`);
    await git(["add", "README.md"]);
    await git(["commit", "-q", "-m", "first"]);
    await git(["remote", "add", "origin", `${server.url}/redis-gitops.git`]);
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function filesUnder(path: string): Promise<string> {
    const names = await readdir(path, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(names.filter((d) => d.isFile()).map((d) => readFile(join(d.parentPath, d.name), "latin1")));
    return texts.join("\n");
  }

  it("pushes with the token and writes it nowhere", async () => {
    const pushEnv = tokenPushEnv(`${server.url}/redis-gitops.git`, TOKEN);
    expect(pushEnv).toBeDefined();
    await git(["push", "-q", "origin", "main"], pushEnv);

    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(server.authorizations.every((a) => a.length === 1 && a[0] === `basic ${BASIC}`)).toBe(true);
    const { stdout: pushed } = await run("git", ["--git-dir", join(dir, "srv", "redis-gitops.git"), "log", "--format=%s", "main"]);
    expect(pushed.trim()).toBe("first");

    const { stdout: remoteUrl } = await git(["remote", "get-url", "origin"]);
    expect(remoteUrl.trim()).toBe(`${server.url}/redis-gitops.git`);
    const { stdout: reflog } = await git(["reflog", "show", "--all"]);
    expect(reflog).toContain("update by push");
    // Every file git keeps (config, reflogs, refs, packed objects' index) is free of the token in any form.
    const onDisk = await filesUnder(join(dir, "work", ".git"));
    expect(onDisk).not.toContain(TOKEN);
    expect(onDisk).not.toContain(BASIC);
    expect(redact(onDisk, [TOKEN])).toBe(onDisk);
  });

  it("replaces a header another tool configured for the same remote", async () => {
    await git(["config", `http.${server.url}/.extraheader`, "AUTHORIZATION: basic c3RhbGU="]);
    await git(["ls-remote", "origin"], tokenPushEnv(`${server.url}/redis-gitops.git`, TOKEN));
    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(server.authorizations.every((a) => a.length === 1 && a[0] === `basic ${BASIC}`)).toBe(true);
  });

  it("fails without prompting when the server refuses the token", async () => {
    const wrong = tokenPushEnv(`${server.url}/redis-gitops.git`, "ghs_wrong");
    const failure = await git(["ls-remote", "origin"], wrong).then(
      () => "succeeded",
      (err: { stderr: string }) => err.stderr,
    );
    expect(failure).toMatch(/Authentication failed|terminal prompts disabled|could not read Username/);
    expect(failure).not.toContain("ghs_wrong");
  });
});
