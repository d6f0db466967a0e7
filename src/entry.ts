/**
 * The bin (dist/cli.cjs; CommonJS, which starts faster than an ES module). It runs the bundle (dist/gitops-redis.cjs) as a script compiled with V8's code cache, so a
 * run does not parse and compile again the code the previous run of the same command compiled: about 30 ms of an
 * add-env. Node 22 does this itself (module.enableCompileCache); Node 20 only offers it to vm scripts.
 *
 * One cache per command and per build, Node version and CPU, in $XDG_CACHE_HOME/gitops-redis (~/.cache/gitops-redis),
 * written by the first run that finds none or finds it rejected. GITOPS_REDIS_COMPILE_CACHE=0 turns it off. Any
 * trouble with the cache only costs the compile it would have saved.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import type { RunHooks } from "./bin.js";

/** A hash of the bundle, set by scripts/build.mjs: a cache is only ever read by the build that wrote it. */
declare const BUNDLE_ID: string;

/** Commands with a cache of their own; --help, --version and typos share one. */
const COMMANDS = new Set(["init", "add-env", "set", "validate", "render"]);

function cacheFile(env: NodeJS.ProcessEnv, command: string | undefined): { root: string; file: string } | undefined {
  if (env.GITOPS_REDIS_COMPILE_CACHE === "0") return undefined;
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : env.HOME ? join(env.HOME, ".cache") : undefined;
  if (!base) return undefined;
  const root = join(base, "gitops-redis");
  const name = command && COMMANDS.has(command) ? command : "other";
  return { root, file: join(root, `${BUNDLE_ID}-node${process.versions.v8}-${process.arch}`, `${name}.bin`) };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Atomic (a rename), private to the user (the cache is code), and the caches of other builds go. */
function writeCache(cache: { root: string; file: string }, script: Script): void {
  try {
    const dir = dirname(cache.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const entry of readdirSync(cache.root)) if (join(cache.root, entry) !== dir) rmSync(join(cache.root, entry), { recursive: true, force: true });
    const temporary = `${cache.file}.${process.pid}`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cache.file);
  } catch {
    // Read-only home, full disk: the next run compiles again.
  }
}

const command = process.argv[2];
const bundle = join(__dirname, "gitops-redis.cjs");
const cache = cacheFile(process.env, command);
const cachedData = cache && readCache(cache.file);
// The CommonJS wrapper, on the bundle's first line so that line numbers in stack traces stay right.
const script = new Script(`(function (exports, require, module, __filename, __dirname, __bundleUrl) {${readFileSync(bundle, "utf8")}\n})`, {
  filename: bundle,
  cachedData,
});
const stale = cache !== undefined && (cachedData === undefined || script.cachedDataRejected === true);
const module = { exports: {} as { run(hooks: RunHooks): Promise<void> } };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), pathToFileURL(bundle).href);
void module.exports.run({
  importExternal: (specifier) => import(specifier),
  beforeExit: stale ? () => writeCache(cache, script) : undefined,
});
