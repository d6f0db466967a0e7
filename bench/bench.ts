/**
 * `npm run bench`: start-up, add-env end to end, validate at scale and render, each as a median over repeated
 * runs, side by side with a floor measured on the same machine in the same process tree. Prints a Markdown table.
 * Not a test: nothing here asserts a timing.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startGitHubStandin } from "../test/support/github-standin.js";
import { benchRepository } from "./fixtures.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "cli.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const TOKEN = "bench-token-not-a-secret";

interface Sample {
  ms: number;
  maxRssKb?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const TIMED = spawnSync("sh", ["-c", "test -x /usr/bin/time"]).status === 0;

/**
 * Runs a command under /usr/bin/time when present, for the peak resident memory. Asynchronous on purpose: the
 * GitHub stand-in answers from this process's event loop, which a synchronous spawn would block.
 */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Sample> {
  const start = process.hrtime.bigint();
  const child = TIMED
    ? spawn("/usr/bin/time", ["-f", "%M", command, ...args], { ...options, stdio: ["ignore", "ignore", "pipe"] })
    : spawn(command, args, { ...options, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) return reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`));
      const rss = TIMED ? Number(stderr.trim().split("\n").pop()) : undefined;
      resolve({ ms, maxRssKb: Number.isFinite(rss) ? rss : undefined });
    });
  });
}

function medianOf(samples: Sample[]): { ms: number; mb?: number } {
  const rss = samples.map((s) => s.maxRssKb).filter((v): v is number => v !== undefined);
  return { ms: median(samples.map((s) => s.ms)), mb: rss.length ? Math.max(...rss) / 1024 : undefined };
}

async function repeat(times: number, fn: (i: number) => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < times; i++) samples.push(await fn(i));
  return samples;
}

const rows: string[][] = [];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
function row(what: string, ours: { ms: number; mb?: number }, floor?: { label: string; ms: number }, extra = ""): void {
  rows.push([
    what,
    fmt(ours.ms),
    ours.mb === undefined ? "" : `${ours.mb.toFixed(0)} MB`,
    floor ? `${floor.label}: ${fmt(floor.ms)}` : "",
    floor ? `${(ours.ms / floor.ms).toFixed(2)}x` : "",
    extra,
  ]);
  process.stderr.write(`${what}: ${fmt(ours.ms)}\n`);
}

/**
 * The one environment every measured command runs in, floors included: PATH, HOME and a git identity. Nothing from
 * the shell that started the benchmark: NODE_EXTRA_CA_CERTS, for one, costs every Node process about 30 ms here.
 */
function gitEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "bench",
    GIT_AUTHOR_EMAIL: "bench@example.invalid",
    GIT_COMMITTER_NAME: "bench",
    GIT_COMMITTER_EMAIL: "bench@example.invalid",
    ...extra,
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "gitops-redis-bench-"));
  try {
    // 1. Start-up. Each round runs every command once, so a slow moment of the machine weighs on all alike.
    const startUp = { node: [] as Sample[], help: [] as Sample[], version: [] as Sample[] };
    // Not counted: the first run writes the compile cache --help and --version share.
    await run(process.execPath, [CLI, "--help"], { env: gitEnv(work) });
    for (let i = 0; i < RUNS; i++) {
      startUp.node.push(await run(process.execPath, ["-e", "0"], { env: gitEnv(work) }));
      startUp.help.push(await run(process.execPath, [CLI, "--help"], { env: gitEnv(work) }));
      startUp.version.push(await run(process.execPath, [CLI, "--version"], { env: gitEnv(work) }));
    }
    const node = medianOf(startUp.node);
    row("node -e 0 (floor)", node);
    const nodeFloor = { label: "node -e 0", ms: node.ms };
    row("gitops-redis --help", medianOf(startUp.help), nodeFloor);
    row("gitops-redis --version", medianOf(startUp.version), nodeFloor);

    // 2. add-env end to end: plan, write, commit, push to a bare remote, open a PR on the stand-in.
    const gh = await startGitHubStandin({ token: TOKEN });
    gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
    const env = gitEnv(work, { GITHUB_TOKEN: TOKEN });
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", join(work, "remote.git")], { env });
    const repo = join(work, "repo");
    execFileSync(process.execPath, [CLI, "init", repo, "--remote", `file://${work}/remote.git`, "--github", "acme/redis-gitops", "--api-url", gh.baseUrl], { env, stdio: "ignore" });
    const addEnv = (i: number) =>
      run(process.execPath, [CLI, "add-env", `bench${i}`, "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--expose", `nodeport:${31000 + i}`], { cwd: repo, env });
    // The by-hand script commits the files the first add-env wrote. That run, which writes the compile cache, is not
    // counted: the no-cache row below says what such a run costs.
    await addEnv(0);
    const files = ["gitops-redis.yaml", "envs/bench0/values.yaml", "envs/bench0/manifests/storageclass.yaml", "argocd/environments/bench0.yaml"];
    const staged = join(work, "staged");
    for (const file of files) {
      mkdirSync(dirname(join(staged, file)), { recursive: true });
      writeFileSync(join(staged, file), execFileSync("git", ["show", `gitops-redis/add-env-bench0:${file}`], { cwd: repo, env }));
    }
    const script = join(ROOT, "bench", "by-hand.sh");
    // Rounds of node -e 0, add-env and the script by hand, so that the ratio compares runs made side by side.
    const ours: Sample[] = [];
    const floor: Sample[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const bare = await run(process.execPath, ["-e", "0"], { env });
      ours.push(await addEnv(i));
      const byHand = await run("bash", [script, repo, `byhand${i}`, staged, `${gh.baseUrl}/repos/acme/redis-gitops/pulls`, TOKEN], { env });
      floor.push({ ms: bare.ms + byHand.ms });
    }
    const floorMs = median(floor.map((f) => f.ms));
    row("node -e 0 + by hand: git switch -c, cp, add, commit, push, curl POST (floor)", { ms: floorMs });
    // Also the median of each round's own ratio: a slow moment of the machine then weighs on both sides of it.
    const perRound = median(ours.map((sample, i) => sample.ms / floor[i]!.ms));
    row("gitops-redis add-env (plan, commit, push, PR)", medianOf(ours), { label: "floor", ms: floorMs }, `${perRound.toFixed(2)}x, median of the rounds' ratios`);
    // A run without the compile cache: what the first run after an install or upgrade compiles (that run then also
    // writes the cache, a few ms more).
    const cold = await repeat(Math.max(3, Math.round(RUNS / 2)), (i) =>
      run(process.execPath, [CLI, "add-env", `cold${i}`, "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--expose", `nodeport:${31500 + i}`], { cwd: repo, env: { ...env, GITOPS_REDIS_COMPILE_CACHE: "0" } }),
    );
    row("gitops-redis add-env, no compile cache", medianOf(cold), { label: "floor", ms: floorMs });
    // And with origin 100 ms away, as over a network: git's upload-pack (the fetch) starts after a pause. The commit
    // is planned and built while the fetch waits (buildAhead in src/commands/environment-change.ts): a run takes
    // less than 100 ms more than the local one.
    const farUploadPack = join(work, "upload-pack-100ms");
    writeFileSync(farUploadPack, '#!/bin/sh\nsleep 0.1\nexec git-upload-pack "$@"\n', { mode: 0o755 });
    execFileSync("git", ["config", "remote.origin.uploadpack", farUploadPack], { cwd: repo, env });
    let far: { ms: number; mb?: number };
    try {
      far = medianOf(
        await repeat(Math.max(3, Math.round(RUNS / 2)), (i) =>
          run(process.execPath, [CLI, "add-env", `far${i}`, "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--expose", `nodeport:${31700 + i}`], { cwd: repo, env }),
        ),
      );
    } finally {
      execFileSync("git", ["config", "--unset", "remote.origin.uploadpack"], { cwd: repo, env });
    }
    // Not run in rounds with the local add-env: a rough difference, not a ratio.
    row("gitops-redis add-env, origin 100 ms away (the fetch waits 100 ms)", far, undefined, `+${(far.ms - medianOf(ours).ms).toFixed(0)} ms over add-env (runs not interleaved)`);

    // 3. validate at 10, 100, 1,000 environments; 4. render one environment.
    let previous: number | undefined;
    for (const count of [10, 100, 1000]) {
      const dir = join(work, `validate-${count}`);
      benchRepository(dir, count);
      // Not counted: the first run of a command writes its compile cache.
      await run(process.execPath, [CLI, "validate", dir], { env: gitEnv(work) });
      const result = medianOf(await repeat(Math.max(3, Math.round(RUNS / 2)), () => run(process.execPath, [CLI, "validate", dir], { env: gitEnv(work) })));
      row(`gitops-redis validate, ${count} environments`, result, undefined, previous ? `${(result.ms / previous).toFixed(1)}x per 10x` : "");
      previous = result.ms;
    }
    const renderDir = join(work, "validate-10");
    await run(process.execPath, [CLI, "render", "env1"], { cwd: renderDir, env: gitEnv(work) });
    row("gitops-redis render env1", medianOf(await repeat(RUNS, () => run(process.execPath, [CLI, "render", "env1"], { cwd: renderDir, env: gitEnv(work) }))));

    // 5. add-env end to end in the repository of 1,000 environments (its config names github.com/acme/redis-gitops).
    const big = join(work, "validate-1000");
    const bigEnv = gitEnv(work, { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.baseUrl });
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", join(work, "remote-1000.git")], { env: bigEnv });
    execFileSync("git", ["remote", "add", "origin", `file://${work}/remote-1000.git`], { cwd: big, env: bigEnv });
    execFileSync("git", ["push", "--quiet", "origin", "main"], { cwd: big, env: bigEnv });
    const atScale = await repeat(Math.max(3, Math.round(RUNS / 2)), (i) =>
      run(process.execPath, [CLI, "add-env", `big${i}`, "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--expose", `nodeport:${32700 + i}`], { cwd: big, env: bigEnv }),
    );
    row("gitops-redis add-env, 1,000 environments", medianOf(atScale));
    await gh.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; BENCH_RUNS=${RUNS}.`;
  const table = [
    "| what | median | peak RSS | floor | ratio | growth, notes |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
  process.stdout.write(`${header}\n\n${table}\n`);
}

await main();
