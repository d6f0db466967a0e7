/** Test helpers: temporary directories, real git repositories and an in-process CLI runner. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach } from "vitest";
import { main } from "../../src/cli.js";
import { parseGitVersion } from "../../src/git/maintenance.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = "gitops-redis-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * A git environment of its own: no user or system config, a fixed identity. Dates are the clock's, as a user's are:
 * with GIT_AUTHOR_DATE set, git rather than gitops-redis writes the commit (src/git/settings.ts). Auto maintenance
 * stays in the foreground (`git -c maintenance.autoDetach=false`): from git 2.47 it runs in the background, and could
 * still be writing in a test's repository when the test removes it.
 */
export function gitEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig-none"),
    GIT_CONFIG_PARAMETERS: "'maintenance.autoDetach'='false'",
    GIT_AUTHOR_NAME: "Test User",
    GIT_AUTHOR_EMAIL: "test@example.invalid",
    GIT_COMMITTER_NAME: "Test User",
    GIT_COMMITTER_EMAIL: "test@example.invalid",
    ...extra,
  };
}

/** The git the tests run, [major, minor]; and whether gitops-redis applies git's auto maintenance rule to it (up to 2.53). */
export const GIT_VERSION = parseGitVersion(execFileSync("git", ["version"], { encoding: "utf8" }))!;
export const MAINTENANCE_RULE_KNOWN = GIT_VERSION[0] === 2 && GIT_VERSION[1] < 54;

export function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync("git", args, { cwd, env: env ?? gitEnv(cwd), encoding: "utf8" }).trim();
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** GitHub waits shrunk to milliseconds, so retry and rate-limit tests stay fast. */
export const FAST_GITHUB = { retry: { retries: 3, retryAfterBaseMs: 5 }, writeIntervalMs: 0 };

export async function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd: options.cwd,
    env: options.env,
    streams: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
    github: FAST_GITHUB,
  });
  return { code, stdout, stderr };
}

/** A sandbox with a bare remote and a place for the working repository. */
export interface Sandbox {
  root: string;
  remote: string;
  remoteUrl: string;
  repo: string;
  env: NodeJS.ProcessEnv;
  cli(args: string[], cwd?: string): Promise<CliResult>;
}

export function sandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const root = tempDir();
  const remote = join(root, "remote.git");
  const env = gitEnv(root, extraEnv);
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", remote], { env });
  const repo = join(root, "repo");
  return {
    root,
    remote,
    remoteUrl: `file://${remote}`,
    repo,
    env,
    cli: (args, cwd = repo) => runCli(args, { cwd, env }),
  };
}

/** Every file of a commit, as path -> content. */
export function treeAt(repo: string, ref: string): Record<string, string> {
  const env = gitEnv(repo);
  const files = git(repo, ["ls-tree", "-r", "--name-only", ref], env).split("\n").filter(Boolean);
  return Object.fromEntries(files.map((f) => [f, execFileSync("git", ["show", `${ref}:${f}`], { cwd: repo, env, encoding: "utf8" })]));
}

/** Every file below `dir` except .git, as path -> content. */
export function workTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === ".git") continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

/**
 * Everything a failed command must leave as it was: refs (local and remote), HEAD, index, working tree, config.
 */
export function repoState(repo: string, remote?: string): string {
  const env = gitEnv(repo);
  const parts = [
    git(repo, ["for-each-ref", "--format=%(refname) %(objectname)"], env),
    git(repo, ["symbolic-ref", "-q", "HEAD"], env),
    git(repo, ["status", "--porcelain=v1", "--untracked-files=all", "--ignored"], env),
    readFileSync(join(repo, ".git", "config"), "utf8"),
    JSON.stringify(workTree(repo)),
  ];
  if (remote) parts.push(git(remote, ["for-each-ref", "--format=%(refname) %(objectname)"], env));
  return parts.join("\n---\n");
}
