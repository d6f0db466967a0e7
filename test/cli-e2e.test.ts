/** The built bin (dist/cli.cjs, made by `npm run build` before the tests) run as a user runs it. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git, sandbox } from "./support/repo.js";

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
    for (const args of [["validate"], ["add-env", "dev", "--storage", "existing:nfs", "--no-push"]]) {
      const result = spawnSync(process.execPath, [BIN, ...args], { cwd: box.repo, env: { PATH: "/nonexistent", HOME: box.root }, encoding: "utf8" });
      expect([result.status, result.stderr]).toEqual([1, "error: git is not installed, or not on PATH\nhint: install git 2.31 or newer, then re-run\n"]);
    }
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
    // In the bundle they are modules evaluated on first use; the models are not in it at all.
    const bundle = readFileSync(join(ROOT, "dist", "gitops-redis.cjs"), "utf8");
    for (const lazy of ['__esm({"src/github/client.ts"', '__esm({"node_modules/@octokit/core/', '__commonJS({"node_modules/ajv/dist/ajv.js"', '__esm({"src/commands/add-env.ts"']) {
      expect(bundle).toContain(lazy);
    }
    expect(bundle).not.toContain("node_modules/kubernetes-models/");
  });

  it("keeps a compile cache per command, reads it on the next run, replaces a bad one, and can do without", () => {
    const home = sandbox().root;
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, ...extra }, encoding: "utf8" });
    const cacheDir = () => join(home, ".cache", "gitops-redis");
    const files = () => readdirSync(cacheDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

    expect(run(["--version"]).stdout.trim()).toBe(VERSION);
    expect(run(["validate", "--help"]).status).toBe(0);
    const [other, validate] = ["other.bin", "validate.bin"].map((name) => files().find((f) => f.endsWith(`/${name}`))!);
    expect(files()).toHaveLength(2);
    expect(statSync(other!).mode & 0o777).toBe(0o600);
    // A cache that V8 accepts is not written again.
    const written = statSync(other!).mtimeMs;
    expect(run(["--version"]).stdout.trim()).toBe(VERSION);
    expect(statSync(other!).mtimeMs).toBe(written);
    // One V8 rejects (another Node, a torn file) costs a compile and is replaced.
    writeFileSync(validate!, "not a code cache");
    expect(run(["validate", "--help"]).status).toBe(0);
    expect(readFileSync(validate!).length).toBeGreaterThan(1000);
    // Caches of another build are removed when this one writes.
    mkdirSync(join(cacheDir(), "0123456789abcdef-node0-x64"));
    rmSync(validate!);
    run(["validate", "--help"]);
    expect(readdirSync(cacheDir())).toHaveLength(1);

    const elsewhere = sandbox().root;
    expect(run(["--version"], { HOME: elsewhere, GITOPS_REDIS_COMPILE_CACHE: "0" }).stdout.trim()).toBe(VERSION);
    expect(readdirSync(elsewhere)).not.toContain(".cache");
    // A home the cache cannot be written to (here a file: root may write anywhere else).
    writeFileSync(join(elsewhere, "a-file"), "");
    const unwritable = run(["--version"], { HOME: join(elsewhere, "a-file") });
    expect([unwritable.status, unwritable.stdout.trim(), unwritable.stderr]).toEqual([0, VERSION, ""]);
    expect(run(["--version"], { XDG_CACHE_HOME: join(elsewhere, "xdg") }).status).toBe(0);
    expect(readdirSync(join(elsewhere, "xdg", "gitops-redis"))).toHaveLength(1);
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
