/**
 * The bin (dist/cli.cjs; CommonJS, which starts faster than an ES module). It runs the bundle (dist/gitops-redis.cjs)
 * as a script compiled with V8's code cache, so a run does not parse and compile again the code the previous run of
 * the same command compiled: about 30 ms of an add-env. Node 22 does this itself (module.enableCompileCache); Node 20 only offers it to vm scripts.
 *
 * One cache per command and per build, Node version and CPU, in $XDG_CACHE_HOME/gitops-redis (~/.cache/gitops-redis),
 * written by the first successful run that finds none or finds it rejected. GITOPS_REDIS_COMPILE_CACHE=0 turns it
 * off. Any trouble with the cache only costs the compile it would have saved.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, type Stats } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";
import type { RunHooks } from "./bin.js";

/** A hash of the bundle, set by scripts/build.mjs. */
declare const BUNDLE_ID: string;

/** Commands with a cache of their own; --help, --version and typos share one. */
const COMMANDS = new Set(["init", "add-env", "set", "validate", "render"]);
/** Another build's caches are removed once unused this long: two installs of different versions keep theirs. */
const STALE_MS = 7 * 24 * 3600 * 1000;

interface CacheFile {
  root: string;
  dir: string;
  file: string;
}

/**
 * Where this command's cache lives. Its folder names the build, the bundle file as it is on disk (a bundle edited in
 * place must not run the code cached for the old one: V8 only compares the source's length), Node's V8 and its
 * options (V8 rejects a cache made under other flags: two settings of NODE_OPTIONS would overwrite each other's), and
 * the CPU. Only an absolute home counts: a relative one would put the cache in the user's working directory.
 */
function cacheFile(env: NodeJS.ProcessEnv, command: string | undefined, bundle: Stats): CacheFile | undefined {
  // zlib.crc32 came with Node 20.15; before it, no cache (see readCache).
  if (env.GITOPS_REDIS_COMPILE_CACHE === "0" || typeof crc32 !== "function") return undefined;
  const home = env.HOME && isAbsolute(env.HOME) ? join(env.HOME, ".cache") : undefined;
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : home;
  if (!base) return undefined;
  const root = join(base, "gitops-redis");
  const options = crc32(`${process.execArgv.join(" ")}\0${env.NODE_OPTIONS ?? ""}`).toString(16);
  const dir = join(root, `${BUNDLE_ID}-${bundle.ino}-${Math.trunc(bundle.mtimeMs)}-${bundle.size}-v8-${process.versions.v8}-${options}-${process.arch}`);
  return { root, dir, file: join(dir, `${command && COMMANDS.has(command) ? command : "other"}.bin`) };
}

/**
 * A cache is code V8 runs as it is: only one this user owns, in a folder only this user can write to, is read. Where
 * ownership has no meaning (Windows), the mode check is all there is.
 */
function trusted(path: string, kind: "file" | "directory"): boolean {
  try {
    const found = lstatSync(path);
    const uid = process.getuid?.();
    const isKind = kind === "file" ? found.isFile() : found.isDirectory();
    return isKind && (uid === undefined || found.uid === uid) && (found.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * The cache, if its checksum holds. V8 (in Node 20) does not check a code cache's body: a torn or damaged file, which
 * a crash during a write can leave, would crash every later run instead of being rejected.
 */
function readCache(cache: CacheFile): Buffer | undefined {
  if (!trusted(cache.dir, "directory") || !trusted(cache.file, "file")) return undefined;
  try {
    const file = readFileSync(cache.file);
    const data = file.subarray(4);
    return file.length > 4 && file.readUInt32LE(0) === crc32(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Durable and atomic (written, synced, then renamed into place), private to the user; builds unused for a week go. */
function writeCache(cache: CacheFile, script: Script): void {
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    if (!trusted(cache.dir, "directory")) return;
    for (const entry of readdirSync(cache.root)) {
      const path = join(cache.root, entry);
      if (path !== cache.dir && Date.now() - lstatSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    }
    const data = script.createCachedData();
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(data));
    const temporary = `${cache.file}.${process.pid}`;
    // "wx": never through a file or link someone else put there.
    const fd = openSync(temporary, "wx", 0o600);
    try {
      writeSync(fd, checksum);
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, cache.file);
  } catch {
    // Read-only home, full disk: the next run compiles again.
  }
}

/** A run whose code is worth keeping: it did its work (help, previews and failed runs compile a part of a command). */
const worthCaching = (args: string[], code: number): boolean =>
  code === 0 && !args.some((arg) => arg === "--help" || arg === "-h" || arg === "--dry-run") && args[0] !== "help";

const args = process.argv.slice(2);
const bundle = join(__dirname, "gitops-redis.cjs");
const cache = cacheFile(process.env, args[0], statSync(bundle));
const cachedData = cache && readCache(cache);
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
  beforeExit: (code) => {
    if (stale && worthCaching(args, code)) writeCache(cache, script);
  },
});
