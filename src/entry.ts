/**
 * The bin (dist/cli.cjs; CommonJS, which starts faster than an ES module). It runs the bundles, dist/gitops-redis.cjs
 * (the command line) and, once a command runs, dist/commands.cjs, as scripts compiled with V8's code cache, so a run
 * does not parse and compile again the code the previous run of the same command compiled: about 30 ms of an
 * add-env. Node 22 does this itself (module.enableCompileCache); Node 20 only offers it to vm scripts.
 *
 * One cache per command, bundle and build, Node version and CPU, in $XDG_CACHE_HOME/gitops-redis
 * (~/.cache/gitops-redis), written by the first successful run that finds none or finds it rejected.
 * GITOPS_REDIS_COMPILE_CACHE=0 turns it off. Any trouble with the cache only costs the compile it would have saved.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync, type Stats } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";
import type { RunHooks } from "./bin.js";

/** A hash of the bundles, set by scripts/build.mjs. */
declare const BUNDLE_ID: string;
/** How commands.cjs names the modules it takes from the front (scripts/build.mjs). */
declare const FRONT: string;

/** Commands with a cache of their own; --help, --version and typos share one. */
const COMMANDS = new Set(["init", "add-env", "set", "validate", "render"]);
const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Another build's caches are removed once unused this long: two installs of different versions keep theirs. */
const STALE_MS = 7 * DAY_MS;
/** The folder of one build's caches (see cacheFolder; before 0.1.0 was released, `<id>-node<v8>-<arch>`, then one bundle). */
const BUILD_FOLDER = /^[0-9a-f]{16}-(\d+-\d+-\d+-(\d+-\d+-\d+-)?v8-|node)/;
/** A cache file being written (see writeCache). */
const LEFT_OVER = /\.bin\.\d+\.[0-9a-z]+$/;

interface CacheFile {
  root: string;
  dir: string;
  file: string;
}

/**
 * Where this command's caches live. The folder names the build, the bundle files as they are on disk (a bundle edited
 * in place must not run the code cached for the old one: V8 only compares the source's length), Node's V8 and its
 * options (V8 rejects a cache made under other flags: two settings of NODE_OPTIONS would overwrite each other's), and
 * the CPU. Only an absolute home counts: a relative one would put the cache in the user's working directory.
 */
function cacheFolder(env: NodeJS.ProcessEnv, bundles: readonly Stats[]): Omit<CacheFile, "file"> | undefined {
  // zlib.crc32 came with Node 20.15; before it, no cache (see readCache). Nor on Windows (see trusted).
  if (env.GITOPS_REDIS_COMPILE_CACHE === "0" || typeof crc32 !== "function" || process.getuid === undefined) return undefined;
  const home = env.HOME && isAbsolute(env.HOME) ? join(env.HOME, ".cache") : undefined;
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : home;
  if (!base) return undefined;
  const root = join(base, "gitops-redis");
  const options = crc32(`${process.execArgv.join(" ")}\0${env.NODE_OPTIONS ?? ""}`).toString(16);
  const files = bundles.map((bundle) => `${bundle.ino}-${Math.trunc(bundle.mtimeMs)}-${bundle.size}`).join("-");
  return { root, dir: join(root, `${BUNDLE_ID}-${files}-v8-${process.versions.v8}-${options}-${process.arch}`) };
}

/**
 * A cache is code V8 runs as it is: only one this user owns, in folders only this user can write to, is read or
 * written. (On Windows, where mode bits do not say who may write, there is no cache: see cacheFile.)
 */
function trusted(path: string, kind: "file" | "directory"): Stats | undefined {
  try {
    const found = lstatSync(path);
    const isKind = kind === "file" ? found.isFile() : found.isDirectory();
    return isKind && found.uid === process.getuid?.() && (found.mode & 0o022) === 0 ? found : undefined;
  } catch {
    return undefined;
  }
}

const trustedFolders = (cache: CacheFile): Stats | undefined => (trusted(cache.root, "directory") ? trusted(cache.dir, "directory") : undefined);

/**
 * The cache, if its checksum holds. V8 (in Node 20) does not check a code cache's body: a torn or damaged file, which
 * a crash during a write can leave, would crash every later run instead of being rejected.
 */
function readCache(cache: CacheFile): Buffer | undefined {
  const folder = trustedFolders(cache);
  if (!folder || !trusted(cache.file, "file")) return undefined;
  try {
    // The folder's time says when this build's cache was last used (see writeCache); once a day is enough.
    if (Date.now() - folder.mtimeMs > DAY_MS) touch(cache.dir);
    const file = readFileSync(cache.file);
    const data = file.subarray(4);
    return file.length > 4 && file.readUInt32LE(0) === crc32(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

function touch(path: string): void {
  try {
    utimesSync(path, new Date(), new Date());
  } catch {
    // A folder whose time cannot change (read-only, immutable) still holds a good cache.
  }
}

/**
 * Folders of other builds unused for a week, and files that runs which died mid-write left here an hour ago or more;
 * anything else under the cache folder is not ours to remove.
 */
function removeStale(cache: CacheFile): void {
  const old = (path: string, ms: number) => Date.now() - lstatSync(path).mtimeMs > ms;
  for (const [folder, ours, ms] of [[cache.root, BUILD_FOLDER, STALE_MS], [cache.dir, LEFT_OVER, HOUR_MS]] as const) {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      try {
        if (path !== cache.dir && ours.test(entry) && old(path, ms)) rmSync(path, { recursive: true, force: true });
      } catch {
        // Removed meanwhile by another run.
      }
    }
  }
}

/** Durable and atomic (written, synced, then renamed into place), private to the user. */
function writeCache(cache: CacheFile, script: Script): void {
  // Unique per write, so that a file left by a run that died cannot block the next ones.
  const temporary = `${cache.file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    if (!trustedFolders(cache)) return;
    removeStale(cache);
    const data = script.createCachedData();
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(data));
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
    try {
      rmSync(temporary, { force: true });
    } catch {
      // There was no folder to write it in.
    }
  }
}

/**
 * A run whose code is worth keeping for its command: it did its work. Help, previews and failed runs compile a part of
 * a command; the cache shared by --help, --version and the rest (see COMMANDS) takes any successful run.
 */
const worthCaching = (args: string[], code: number): boolean =>
  code === 0 && (!COMMANDS.has(args[0] ?? "") || !args.some((arg) => arg === "--help" || arg === "-h" || arg === "--dry-run"));

const args = process.argv.slice(2);
const cacheName = args[0] && COMMANDS.has(args[0]) ? args[0] : "other";
const [frontFile, commandsFile] = ["gitops-redis.cjs", "commands.cjs"].map((name) => join(__dirname, name)) as [string, string];
// Without commands.cjs (a broken install) --help and --version still run, uncached; a command then says it is missing.
const bundles = [statSync(frontFile), statSync(commandsFile, { throwIfNoEntry: false })];
const folder = bundles.every((stat) => stat !== undefined) ? cacheFolder(process.env, bundles as Stats[]) : undefined;
/** Scripts run with a cache that was missing or rejected: written at exit. */
const uncached: [CacheFile, Script][] = [];

/** Runs a bundle, from its cache, as a CommonJS module of `file` whose requires `require` answers. */
function runBundle<T>(file: string, suffix: string, require: (id: string) => unknown, loadCommands?: () => unknown): T {
  const cache = folder && { ...folder, file: join(folder.dir, `${cacheName}${suffix}.bin`) };
  const cachedData = cache && readCache(cache);
  // The CommonJS wrapper, on the bundle's first line so that line numbers in stack traces stay right.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __bundleUrl, __loadCommands) {${readFileSync(file, "utf8")}\n})`, {
    filename: file,
    cachedData,
  });
  if (cache && (cachedData === undefined || script.cachedDataRejected === true)) uncached.push([cache, script]);
  const module = { exports: {} as T };
  script.runInThisContext()(module.exports, require, module, file, dirname(file), pathToFileURL(file).href, loadCommands);
  return module.exports;
}

interface Front {
  run(hooks: RunHooks): Promise<void>;
  shared: Record<string, unknown>;
}

let commands: unknown;
// The commands bundle takes the front's modules from the front (see scripts/build.mjs).
let commandsRequire: NodeJS.Require | undefined;
const fromFront = (id: string) => (id.startsWith(FRONT) ? front.shared[id.slice(FRONT.length)] : (commandsRequire ??= createRequire(commandsFile))(id));
const front: Front = runBundle<Front>(frontFile, "", createRequire(frontFile), () => (commands ??= runBundle(commandsFile, ".commands", fromFront)));
void front.run({
  importExternal: (specifier) => import(specifier),
  beforeExit: (code) => {
    if (worthCaching(args, code)) for (const [cache, script] of uncached) writeCache(cache, script);
  },
});
