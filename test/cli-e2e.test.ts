/** The built bin (dist/cli.js, made by `npm run build` before the tests) run as a user runs it. */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git, sandbox } from "./support/repo.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "dist", "cli.js");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** Every module the bin loads before any command runs: its static import graph inside dist/. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm)) {
    const spec = match[1] ?? match[2]!;
    if (seen.has(spec)) continue;
    seen.add(spec);
    if (spec.startsWith("./")) staticImports(join(dirname(file), spec), seen);
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

  it("exits 2 on an unknown flag and on bad input", () => {
    const unknown = spawnSync(process.execPath, [BIN, "init", "--no-such-flag"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--no-such-flag'");
  });

  it("loads neither Octokit nor the schema models nor ajv at start-up", () => {
    const loaded = [...staticImports(BIN)];
    expect(loaded.filter((m) => /^(@octokit|kubernetes-models|@kubernetes-models|ajv)/.test(m))).toEqual([]);
    // ajv is bundled into a chunk of its own, which only validate imports (an option name only ajv's code has).
    const startUpCode = [BIN, ...loaded.filter((m) => m.startsWith("./")).map((m) => join(dirname(BIN), m))].map((f) => readFileSync(f, "utf8"));
    expect(startUpCode.some((code) => code.includes("ignoreKeywordsWithRef"))).toBe(false);
    // Octokit is bundled into a lazy chunk too; its user agent names only its own code.
    expect(startUpCode.some((code) => /octokit-(core|rest)\.js/.test(code))).toBe(false);
    expect(readFileSync(BIN, "utf8")).toMatch(/import\("\.\/add-env-[A-Z0-9]+\.js"\)/);
  });

  it("runs init and add-env end to end against a bare remote", () => {
    const box = sandbox();
    const run = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, env: box.env, encoding: "utf8" });
    expect(run(["init", box.repo, "--remote", box.remoteUrl], box.root).status).toBe(0);
    const add = run(["add-env", "prod", "--storage", "existing:nfs", "--json"], box.repo);
    expect(add.status, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ action: "created", branch: "gitops-redis/add-env-prod" });
    expect(git(box.remote, ["branch", "--list", "gitops-redis/*"], box.env)).toContain("gitops-redis/add-env-prod");
  });
});
