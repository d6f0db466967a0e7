/** The built bin (dist/cli.cjs, made by `npm run build` before the tests) run as a user runs it. */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git, sandbox, tempDir } from "./support/repo.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "dist", "cli.cjs");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/**
 * The modules the bin evaluates before a command runs: src/bin.ts's static imports, followed through src/ (type-only
 * imports excluded). esbuild turns every dynamic import() into a module evaluated on first use, so this is it.
 */
function startUpImports(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
    const spec = match[1] ?? match[2]!;
    const key = spec.startsWith(".") ? join(dirname(file), spec.replace(/\.js$/, ".ts")) : spec;
    if (seen.has(key)) continue;
    seen.add(key);
    if (spec.startsWith(".")) startUpImports(key, seen);
  }
  return seen;
}

describe("the built CLI", () => {
  it("prints its version and help, exit 0", () => {
    expect(execFileSync(process.execPath, [BIN, "--version"], { encoding: "utf8" }).trim()).toBe(VERSION);
    const help = execFileSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    for (const command of ["init", "add-env", "set", "validate", "render"]) expect(help).toContain(command);
  });

  it("stops quietly when the reader closes the pipe (gitops-redis --help | head -1)", () => {
    const result = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" add-env --help | head -1`], { encoding: "utf8" });
    expect(result.stdout).toBe("Usage: gitops-redis add-env [options] <name>\n");
    expect(result.stderr).toBe("");
  });

  it("keeps a failure's exit code when the reader closes the pipe early (gitops-redis validate | head)", async () => {
    const box = sandbox();
    expect((await box.cli(["init", box.repo, "--repo-url", "https://github.com/acme/redis-gitops.git", "--no-push"], box.root)).code).toBe(0);
    writeFileSync(join(box.repo, "values", "base.yaml"), "auth: [unclosed\n");
    for (let run = 0; run < 3; run++) {
      const result = spawnSync("bash", ["--norc", "-c", `set -o pipefail; "${process.execPath}" "${BIN}" validate "${box.repo}" | (exit 0)`], { encoding: "utf8", env: box.env });
      expect(result.status, result.stderr).toBe(1);
    }
  });

  it("says in one line that git is missing when it is not on PATH", async () => {
    const box = sandbox();
    expect((await box.cli(["init", box.repo, "--repo-url", "https://github.com/acme/redis-gitops.git", "--no-push"], box.root)).code).toBe(0);
    for (const [args, cwd] of [[["validate"], box.repo], [["add-env", "dev", "--storage", "existing:nfs", "--no-push"], box.repo], [["init", join(box.root, "new"), "--repo-url", "https://github.com/acme/redis-gitops.git"], box.root]] as const) {
      const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: "/nonexistent", HOME: box.root }, encoding: "utf8" });
      expect([result.status, result.stderr]).toEqual([1, "error: git is not installed, or not on PATH\nhint: install git 2.31 or newer, then re-run\n"]);
    }
    // A folder that is no repository needs no git: validate reads it as it is.
    const plain = join(box.root, "plain");
    cpSync(box.repo, plain, { recursive: true, filter: (source) => !source.endsWith("/.git") });
    const result = spawnSync(process.execPath, [BIN, "validate", plain], { env: { PATH: "/nonexistent", HOME: box.root }, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^0 errors/m);
  });

  it("exits 2 on an unknown flag and on bad input", () => {
    const unknown = spawnSync(process.execPath, [BIN, "init", "--no-such-flag"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--no-such-flag'");
  });

  it("evaluates neither Octokit nor the schema models nor ajv at start-up", () => {
    const loaded = [...startUpImports(join(ROOT, "src", "bin.ts"))];
    expect(loaded).toContain(join(ROOT, "src", "program.ts"));
    expect(loaded.filter((m) => /^(@octokit|kubernetes-models|@kubernetes-models|ajv)/.test(m) || /src\/(github|validate|manifests)\//.test(m))).toEqual([]);
    // The front bundle, all that --help and --version read, has none of the commands; in the commands' bundle they
    // are modules evaluated on first use, and what the front has is taken from it. The models are in neither.
    const front = readFileSync(join(ROOT, "dist", "gitops-redis.cjs"), "utf8");
    const commands = readFileSync(join(ROOT, "dist", "commands.cjs"), "utf8");
    for (const lazy of ['__esm({"src/github/client.ts"', '__esm({"node_modules/@octokit/core/', '__commonJS({"node_modules/ajv/dist/ajv.js"', '__esm({"src/commands/add-env.ts"']) {
      expect(commands).toContain(lazy);
      expect(front).not.toContain(lazy.slice(lazy.indexOf('"')));
    }
    expect(front).toContain('"src/errors.ts"');
    expect(commands).not.toMatch(/class GitopsRedisError/);
    expect(commands).toContain('require("gitops-redis:front/src/errors.ts")');
    for (const bundle of [front, commands]) expect(bundle).not.toContain("node_modules/kubernetes-models/");
  });

  it("keeps a compile cache per command from its first successful run, reads it next time, replaces a bad one", () => {
    const home = sandbox().root;
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, ...extra }, encoding: "utf8" });
    const cacheDir = () => join(home, ".cache", "gitops-redis");
    const files = () => readdirSync(cacheDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    let ours = "";
    const cacheOf = (name: string) => join(cacheDir(), ours, name);

    // --help writes the cache it shares with --version: nothing else uses it.
    expect(run(["--help"]).status).toBe(0);
    [ours] = readdirSync(cacheDir()) as [string];
    expect(files()).toEqual(["other.bin"]);
    // Help, dry and failed runs compile a part of a command: they write nothing.
    expect(run(["render", "--help"]).status).toBe(0);
    expect(run(["render", "prod"]).status).not.toBe(0);
    expect(files()).toEqual(["other.bin"]);
    expect(run(["init", join(home, "repo"), "--repo-url", "https://github.com/acme/redis-gitops.git", "--no-push"]).status).toBe(0);
    expect(files()).toEqual(["init.bin", "init.commands.bin", "other.bin"]);
    const dry = spawnSync(process.execPath, [BIN, "add-env", "dev", "--storage", "existing:nfs", "--dry-run"], { cwd: join(home, "repo"), env: { PATH: process.env.PATH, HOME: home }, encoding: "utf8" });
    expect(dry.status, dry.stderr).toBe(0);
    expect(files()).toEqual(["init.bin", "init.commands.bin", "other.bin"]);
    expect(statSync(cacheOf("other.bin")).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(cacheOf("other.bin"))).mode & 0o777).toBe(0o700);

    // A cache that V8 accepts is not written again.
    const written = statSync(cacheOf("other.bin")).mtimeMs;
    expect(run(["--version"]).stdout.trim()).toBe(VERSION);
    expect(statSync(cacheOf("other.bin")).mtimeMs).toBe(written);
    // One V8 would reject (another Node, a torn file) costs a compile and is replaced; so does a damaged one, which
    // V8 does not check and would crash on: a page of zeros, as a crash during a write can leave.
    writeFileSync(cacheOf("other.bin"), "not a code cache");
    expect(run(["--version"]).stdout.trim()).toBe(VERSION);
    const good = readFileSync(cacheOf("other.bin"));
    expect(good.length).toBeGreaterThan(10_000);
    const zeroed = Buffer.concat([good.subarray(0, 4096), Buffer.alloc(4096), good.subarray(8192)]);
    writeFileSync(cacheOf("other.bin"), zeroed);
    const damaged = run(["--version"]);
    expect([damaged.status, damaged.stdout.trim(), damaged.stderr]).toEqual([0, VERSION, ""]);
    expect(readFileSync(cacheOf("other.bin")).equals(zeroed)).toBe(false);
    expect(readFileSync(cacheOf("other.bin")).length).toBeGreaterThan(10_000);
    // A cache others could have written is neither read nor written.
    chmodSync(dirname(cacheOf("other.bin")), 0o777);
    writeFileSync(cacheOf("other.bin"), "planted");
    expect(run(["--version"]).stdout.trim()).toBe(VERSION);
    expect(readFileSync(cacheOf("other.bin"), "utf8")).toBe("planted");
    chmodSync(dirname(cacheOf("other.bin")), 0o700);

    // Another build's caches go once unused for a week; a recent one stays (two installs of two versions).
    const old = join(cacheDir(), "0123456789abcdef-1-2-3-v8-0-x64");
    const recent = join(cacheDir(), "fedcba9876543210-1-2-3-v8-0-x64");
    const notOurs = join(cacheDir(), "my-notes");
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    for (const folder of [old, recent, notOurs]) mkdirSync(folder);
    for (const folder of [old, notOurs]) utimesSync(folder, weekAgo, weekAgo);
    rmSync(cacheOf("init.bin"));
    expect(run(["init", join(home, "repo2"), "--repo-url", "https://github.com/acme/redis-gitops.git", "--no-push"]).status).toBe(0);
    expect(readdirSync(cacheDir())).not.toContain("0123456789abcdef-1-2-3-v8-0-x64");
    expect(readdirSync(cacheDir())).toContain("fedcba9876543210-1-2-3-v8-0-x64");
    expect(readdirSync(cacheDir())).toContain("my-notes");
    // Files left by runs that died mid-write go once an hour old; a recent one may be another run's, writing now.
    rmSync(cacheOf("init.bin"));
    const [deadRun, liveRun] = [`${cacheOf("init.bin")}.4242.abc123`, `${cacheOf("other.bin")}.4343.def456`];
    writeFileSync(deadRun, "left over");
    writeFileSync(liveRun, "being written");
    utimesSync(deadRun, weekAgo, weekAgo);
    expect(run(["init", join(home, "repo3"), "--repo-url", "https://github.com/acme/redis-gitops.git", "--no-push"]).status).toBe(0);
    expect(readFileSync(cacheOf("init.bin")).length).toBeGreaterThan(10_000);
    expect(files()).not.toContain("init.bin.4242.abc123");
    expect(files()).toContain("other.bin.4343.def456");
    rmSync(liveRun);
    // A cache folder others may write to is not used at all.
    chmodSync(cacheDir(), 0o777);
    rmSync(cacheOf("init.bin"));
    expect(run(["init", join(home, "repo4"), "--repo-url", "https://github.com/acme/redis-gitops.git", "--no-push"]).status).toBe(0);
    expect(files()).not.toContain("init.bin");
    chmodSync(cacheDir(), 0o700);

    const elsewhere = sandbox().root;
    expect(run(["--version"], { HOME: elsewhere, GITOPS_REDIS_COMPILE_CACHE: "0" }).stdout.trim()).toBe(VERSION);
    expect(readdirSync(elsewhere)).not.toContain(".cache");
    // A home the cache cannot be written to (here a file: root may write anywhere else).
    writeFileSync(join(elsewhere, "a-file"), "");
    const unwritable = run(["--version"], { HOME: join(elsewhere, "a-file") });
    expect([unwritable.status, unwritable.stdout.trim(), unwritable.stderr]).toEqual([0, VERSION, ""]);
    expect(run(["--version"], { XDG_CACHE_HOME: join(elsewhere, "xdg") }).status).toBe(0);
    expect(readdirSync(join(elsewhere, "xdg", "gitops-redis"))).toHaveLength(1);
    // A relative HOME or XDG_CACHE_HOME would put the cache in the working directory (a repository, say).
    const cwd = tempDir();
    for (const relative of [{ HOME: "relative-home" }, { HOME: "", XDG_CACHE_HOME: "relative-xdg" }]) {
      expect(spawnSync(process.execPath, [BIN, "--version"], { cwd, env: { PATH: process.env.PATH, ...relative }, encoding: "utf8" }).status).toBe(0);
    }
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("keys the compile cache on the bundles as they are on disk, so an edited bundle never runs old code", () => {
    const home = sandbox().root;
    const run = () => spawnSync(process.execPath, [BIN, "--version"], { env: { PATH: process.env.PATH, HOME: home }, encoding: "utf8" });
    expect(run().status).toBe(0);
    for (const bundle of ["gitops-redis.cjs", "commands.cjs"].map((name) => join(ROOT, "dist", name))) {
      const { atime, mtime } = statSync(bundle);
      try {
        utimesSync(bundle, atime, new Date(mtime.getTime() + 5_000));
        expect(run().status).toBe(0);
      } finally {
        utimesSync(bundle, atime, mtime);
      }
    }
    expect(readdirSync(join(home, ".cache", "gitops-redis"))).toHaveLength(3);
  });



  it("runs init and add-env end to end against a bare remote", () => {
    const box = sandbox();
    const run = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, env: box.env, encoding: "utf8" });
    expect(run(["init", box.repo, "--remote", box.remoteUrl], box.root).status).toBe(0);
    const add = run(["add-env", "prod", "--storage", "existing:nfs", "--json"], box.repo);
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ action: "created", branch: "gitops-redis/add-env-prod" });
    expect(git(box.remote, ["branch", "--list", "gitops-redis/*"], box.env)).toContain("gitops-redis/add-env-prod");

    // validate imports the schema models through the bin (the bundle itself cannot import()).
    git(box.repo, ["switch", "--quiet", "gitops-redis/add-env-prod"], box.env);
    expect(run(["validate"], box.repo).status).toBe(0);
    const application = join(box.repo, "argocd", "environments", "prod.yaml");
    writeFileSync(application, readFileSync(application, "utf8").replace("  project: default\n", "  project: [default]\n"));
    const invalid = run(["validate"], box.repo);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toContain("argocd/environments/prod.yaml:14:3  schema  Application redis-prod: spec.project must be string");
  });
});
