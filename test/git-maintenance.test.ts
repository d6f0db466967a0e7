/** git's auto maintenance after a run stores objects (src/git/maintenance.ts), against git's own decisions. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { autoMaintenanceOf, countObjectStore, maintenanceArgs, maintenanceNeeded, parseGitVersion } from "../src/git/maintenance.js";
import { GitRepo } from "../src/git/repo.js";
import { parseSettings, SETTINGS_PATTERN } from "../src/git/settings.js";
import { git, gitEnv, GIT_VERSION, MAINTENANCE_RULE_KNOWN, tempDir } from "./support/repo.js";

const opened: GitRepo[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((repo) => repo.close()));
});

function repository(): string {
  const dir = tempDir();
  git(dir, ["init", "--quiet", "--initial-branch=main"], gitEnv(dir));
  return dir;
}

/** What GitRepo reads of the configuration; git exits 1 when no key matches. */
function settingsOf(dir: string, env = gitEnv(dir)) {
  try {
    return parseSettings(git(dir, ["config", "-z", "--show-scope", "--get-regexp", SETTINGS_PATTERN], env));
  } catch {
    return parseSettings("");
  }
}
const packs = (dir: string) => readdirSync(join(dir, ".git", "objects", "pack")).filter((file) => file.endsWith(".pack")).length;
const looseCount = (dir: string) => Number(/^count: (\d+)$/m.exec(git(dir, ["count-objects", "-v"]))![1]);

/** Adds `count` packs of one blob each, and `sampled` loose blobs whose ids start with 17 (git's sample folder). */
function fill(dir: string, { count = 0, sampled = 0 }: { count?: number; sampled?: number }): void {
  for (let i = 0; i < count; i++) {
    const file = join(dir, `pack-input-${i}`);
    writeFileSync(file, `blob ${i} ${dir}\n`);
    const id = git(dir, ["hash-object", "-w", file]);
    execGit(dir, ["pack-objects", "-q", join(dir, ".git", "objects", "pack", "pack")], `${id}\n`);
    git(dir, ["prune-packed"]);
  }
  for (let i = 0, made = 0; made < sampled; i++) {
    const content = `sample ${i}\n`;
    if (!createHash("sha1").update(`blob ${content.length}\0${content}`).digest("hex").startsWith("17")) continue;
    const file = join(dir, "sample-input");
    writeFileSync(file, content);
    git(dir, ["hash-object", "-w", file]);
    made++;
  }
}

/** git with `input` on its standard input (pack-objects reads the ids to pack from it), which git() does not give. */
function execGit(dir: string, args: string[], input: string): void {
  execFileSync("git", args, { cwd: dir, input, env: gitEnv(dir), stdio: ["pipe", "ignore", "pipe"] });
}

/** Whether `git maintenance run --auto` decides to act here: a task of it then starts a git process (gc, repack...). */
function gitWouldAct(dir: string): boolean {
  const trace = join(dir, ".git", "maintenance-trace");
  writeFileSync(trace, "");
  const foreground = ["-c", "gc.autoDetach=false", "-c", "maintenance.autoDetach=false"];
  git(dir, [...foreground, "maintenance", "run", "--auto", "--quiet"], { ...gitEnv(dir), GIT_TRACE: trace });
  return /trace: (built-in|exec|run_command): git (?!maintenance)/.test(readFileSync(trace, "utf8"));
}

describe("autoMaintenanceOf", () => {
  it("reads maintenance.auto as git reads a boolean: the last value, on when unset or written without a value", () => {
    const dir = repository();
    for (const value of ["true", "false", "yes", "No", "on", "OFF", "1", "0", "-0", "2", "1k", "0k", ""]) {
      git(dir, ["config", "maintenance.auto", value]);
      expect(String(autoMaintenanceOf(settingsOf(dir))), value).toBe(git(dir, ["config", "--type=bool", "maintenance.auto"]));
    }
    // Forms it does not read (git takes octal, hex and spaces) are off, whatever git makes of them: no gc the user
    // may have turned off.
    for (const value of ["00", "0x0", " 0", "0x1", "010"]) {
      git(dir, ["config", "maintenance.auto", value]);
      expect(autoMaintenanceOf(settingsOf(dir)), value).toBe(false);
    }
    git(dir, ["config", "--add", "maintenance.auto", "true"]);
    expect(autoMaintenanceOf(settingsOf(dir))).toBe(true);
    git(dir, ["config", "--unset-all", "maintenance.auto"]);
    expect(autoMaintenanceOf(settingsOf(dir))).toBe(true);
    expect(autoMaintenanceOf(parseSettings(""))).toBe(true);
  });
});

describe("maintenanceNeeded on countObjectStore's counts decides as git maintenance run --auto does", () => {
  const cases: { name: string; config: Record<string, string>; count?: number; sampled?: number; keep?: boolean; acts: boolean }[] = [
    { name: "two packs, git's defaults", config: {}, count: 2, acts: false },
    { name: "more packs than gc.autoPackLimit", config: { "gc.autoPackLimit": "2" }, count: 3, acts: true },
    { name: "as many packs as gc.autoPackLimit", config: { "gc.autoPackLimit": "2" }, count: 2, acts: false },
    { name: "one of them kept (.keep)", config: { "gc.autoPackLimit": "2" }, count: 3, keep: true, acts: false },
    { name: "gc.autoPackLimit 0 (no limit)", config: { "gc.autoPackLimit": "0" }, count: 3, acts: false },
    { name: "gc.autoPackLimit with a unit", config: { "gc.autoPackLimit": "1k" }, count: 3, acts: false },
    { name: "gc.auto 0 (auto gc off)", config: { "gc.autoPackLimit": "2", "gc.auto": "0" }, count: 3, acts: false },
    { name: "more loose objects in the sample than gc.auto / 256", config: { "gc.auto": "256" }, sampled: 2, acts: true },
    { name: "as many loose objects in the sample as gc.auto / 256", config: { "gc.auto": "256" }, sampled: 1, acts: false },
  ];
  for (const { name, config, count, sampled, keep, acts } of cases) {
    it(name, () => {
      const dir = repository();
      fill(dir, { count, sampled });
      if (keep) {
        const pack = readdirSync(join(dir, ".git", "objects", "pack")).find((file) => file.endsWith(".pack"))!;
        writeFileSync(join(dir, ".git", "objects", "pack", pack.replace(/\.pack$/, ".keep")), "");
      }
      for (const [key, value] of Object.entries(config)) git(dir, ["config", key, value]);
      const ours = maintenanceNeeded(settingsOf(dir), GIT_VERSION, countObjectStore(join(dir, ".git", "objects")));
      // From git 2.54 git decides, and its geometric repack acts on other counts.
      if (MAINTENANCE_RULE_KNOWN) expect(ours).toBe(acts);
      else expect(ours).toBe(true);
      if (MAINTENANCE_RULE_KNOWN) expect(gitWouldAct(dir)).toBe(acts);
    });
  }

  it("leaves to git what it does not weigh: git 2.54 and later, a maintenance strategy or task, a number in another form, an unread store", () => {
    const dir = repository();
    const counts = countObjectStore(join(dir, ".git", "objects"));
    const OLD: [number, number] = [2, 39];
    expect(maintenanceNeeded(settingsOf(dir), OLD, counts)).toBe(false);
    expect(maintenanceNeeded(settingsOf(dir), OLD, undefined)).toBe(true);
    for (const version of [[2, 54], [3, 0], undefined] as const) {
      expect(maintenanceNeeded(settingsOf(dir), version && [...version], counts), String(version)).toBe(true);
    }
    const settings = [
      ["maintenance.strategy", "incremental"],
      ["maintenance.commit-graph.enabled", "true"],
      ["gc.auto", "lots"],
      // Octal and hex, which git reads and this does not: 010 is 8 to git.
      ["gc.autoPackLimit", "010"],
      ["gc.auto", "0x100"],
    ] as const;
    for (const [key, value] of settings) {
      const other = repository();
      git(other, ["config", key, value]);
      expect(maintenanceNeeded(settingsOf(other), OLD, counts), `${key}=${value}`).toBe(true);
    }
    // What scheduled maintenance writes to the global configuration, and where maintenance runs, change nothing.
    const neutral = repository();
    git(neutral, ["config", "maintenance.repo", neutral]);
    git(neutral, ["config", "maintenance.autoDetach", "false"]);
    expect(maintenanceNeeded(settingsOf(neutral), OLD, counts)).toBe(false);
    git(dir, ["config", "maintenance.auto", "false"]);
    expect(maintenanceNeeded(settingsOf(dir), [2, 54], undefined)).toBe(false);
  });
});

describe("maintenanceArgs and parseGitVersion", () => {
  it("runs maintenance in the background as git commit does, unless maintenance.autoDetach, else gc.autoDetach, is false", () => {
    const argsWith = (config: Record<string, string>) => {
      const dir = repository();
      for (const [key, value] of Object.entries(config)) git(dir, ["config", key, value]);
      // Without the tests' own maintenance.autoDetach=false (support/repo.ts).
      return maintenanceArgs(settingsOf(dir, gitEnv(dir, { GIT_CONFIG_PARAMETERS: "" }))).join(" ");
    };
    expect(argsWith({})).toBe("maintenance run --auto --quiet --detach");
    expect(argsWith({ "gc.autoDetach": "false" })).toBe("maintenance run --auto --quiet");
    expect(argsWith({ "gc.autoDetach": "false", "maintenance.autoDetach": "true" })).toBe("maintenance run --auto --quiet --detach");
    expect(argsWith({ "maintenance.autoDetach": "off" })).toBe("maintenance run --auto --quiet");
    expect(maintenanceArgs(undefined).at(-1)).toBe("--detach");
  });

  it("reads the version of git as it prints it, on Linux, macOS and Windows", () => {
    expect(parseGitVersion("git version 2.39.5\n")).toEqual([2, 39]);
    expect(parseGitVersion("git version 2.39.3 (Apple Git-145)")).toEqual([2, 39]);
    expect(parseGitVersion("git version 2.45.1.windows.1")).toEqual([2, 45]);
    expect(parseGitVersion("not git")).toBeUndefined();
    expect(parseGitVersion(undefined)).toBeUndefined();
    expect(GIT_VERSION[0]).toBeGreaterThanOrEqual(2);
  });
});

describe("GitRepo stores each commit's objects as one pack, and starts git's auto maintenance when git would act", () => {
  /** A repository with one commit, its config set, and a GitRepo on it that records its git processes. */
  function committed(config: Record<string, string>, at?: (dir: string) => string, env: Record<string, string> = {}): { dir: string; repo: GitRepo; head: string; trace: string } {
    const dir = repository();
    writeFileSync(join(dir, "keep.yaml"), "k\n");
    git(dir, ["add", "-A"]);
    git(dir, ["commit", "--quiet", "-m", "files"], gitEnv(dir));
    for (const [key, value] of Object.entries(config)) git(dir, ["config", key, value]);
    const where = at ? at(dir) : dir;
    const trace = join(dir, ".git", "repo-trace");
    writeFileSync(trace, "");
    const repo = new GitRepo(where, gitEnv(dir, { GIT_TRACE: trace, ...env }));
    opened.push(repo);
    return { dir, repo, head: git(dir, ["rev-parse", "HEAD"]), trace };
  }

  async function twoCommits(repo: GitRepo, head: string): Promise<void> {
    for (const name of ["a", "b"]) {
      const built = await repo.commitOnto({ parent: head, changes: new Map([[`envs/${name}.yaml`, `${name}\n`]]), message: name });
      await repo.setBranch(`gitops-redis/add-env-${name}`, built!, undefined);
    }
  }

  const maintenanceRuns = (trace: string) => (readFileSync(trace, "utf8").match(/trace: built-in: git maintenance run --auto --quiet$/gm) ?? []).length;
  const invocations = (trace: string) => readFileSync(trace, "utf8").match(/(?<=trace: built-in: git )maintenance .*$/gm) ?? [];
  // gc in the foreground, once there is more than one pack.
  const EAGER_GC = { "gc.autoPackLimit": "1", "gc.autoDetach": "false" };

  it("writes no loose object, and once the run is done git repacks what gc.autoPackLimit finds too many", async () => {
    const { dir, repo, head, trace } = committed(EAGER_GC);
    const loose = looseCount(dir);
    await twoCommits(repo, head);
    expect(looseCount(dir)).toBe(loose);
    expect(packs(dir)).toBe(2);
    await repo.close();
    expect(maintenanceRuns(trace)).toBe(1);
    expect(packs(dir)).toBe(1);
    expect(git(dir, ["ls-tree", "-r", "--name-only", "gitops-redis/add-env-b"]).split("\n")).toEqual(["envs/b.yaml", "keep.yaml"]);
    expect(() => git(dir, ["fsck", "--strict"])).not.toThrow();
  });

  it("starts it in the background by default, as git commit does (on git before 2.47, which has no --detach, without)", async () => {
    // A strategy is for git to weigh, and it finds nothing to do here: no gc left running in the background.
    const { repo, head, trace } = committed({ "maintenance.strategy": "incremental" }, undefined, { GIT_CONFIG_PARAMETERS: "" });
    await twoCommits(repo, head);
    await repo.close();
    const before247 = GIT_VERSION[0] === 2 && GIT_VERSION[1] < 47;
    expect(invocations(trace)).toEqual(["maintenance run --auto --quiet --detach", ...(before247 ? ["maintenance run --auto --quiet"] : [])]);
    // From 2.47 that process went on in the background: let it end before the folder is removed.
    if (!before247) await new Promise((resolve) => setTimeout(resolve, 300));
  });

  it.runIf(MAINTENANCE_RULE_KNOWN)("starts no process when git would find nothing to do, or maintenance.auto is false", async () => {
    for (const config of [{}, { ...EAGER_GC, "maintenance.auto": "false" }]) {
      const { dir, repo, head, trace } = committed(config);
      await twoCommits(repo, head);
      await repo.close();
      expect(maintenanceRuns(trace), JSON.stringify(config)).toBe(0);
      expect(packs(dir)).toBe(2);
    }
  });

  it("asks git in a linked worktree, whose objects are elsewhere", async () => {
    const { repo, head, trace } = committed({}, (dir) => {
      git(dir, ["worktree", "add", "--quiet", "--detach", join(dir, "linked")]);
      return join(dir, "linked");
    });
    await twoCommits(repo, head);
    await repo.close();
    expect(invocations(trace)[0]).toMatch(/^maintenance run --auto --quiet/);
  });
});
