/**
 * The git adapter: every git process gitops-redis runs goes through here (simple-git over the real git binary, and
 * the processes it cannot drive: one long-lived cat-file for reads, index-pack fed a pack for writes).
 * Environment branches are built with plumbing (index-pack, which writes the commit too when it is a plain one,
 * else commit-tree; update-ref), so the user's working tree and index are never touched by add-env and a
 * half-finished run leaves nothing behind but unreferenced objects.
 */
import { readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { RemoteError } from "../errors.js";
import { countObjectStore, maintenanceArgs, maintenanceNeeded, parseGitVersion } from "./maintenance.js";
import { ObjectReader } from "./object-reader.js";
import { configuredRemoteUrlOf, parseSettings, plainCommitIdentity, remoteUrlOf, SETTINGS_PATTERN, type GitSettings } from "./settings.js";

/**
 * The object writers, loaded by the first write: they bring node:crypto, which a run needs only once it has a commit
 * to build, so it loads while git fetches rather than before the first git process starts.
 */
const writers = async () => ({ ...(await import("./object-writer.js")), ...(await import("./tree-writer.js")) });

export interface CommitRequest {
  /** Commit to build on (its tree is the starting point). */
  parent: string;
  /** Path -> new content, or null to delete. */
  changes: ReadonlyMap<string, string | null>;
  message: string;
}

export interface CommitResult {
  commit: string;
  tree: string;
}

/**
 * simple-git refuses environment variables that could run programs (EDITOR, PAGER, GIT_SSH_COMMAND, ...), and
 * configuration given through GIT_CONFIG_COUNT/KEY/VALUE that could (a credential helper, gpg.program, ...), because
 * they are dangerous when an attacker controls them. Here the environment is the user's own shell's, and many users
 * set these (CI systems pass credential helpers that way), so we allow them; every argument we pass is built by us
 * from validated input and separated by `--`.
 */
const TRUSTED_ENVIRONMENT = {
  allowUnsafeAlias: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeEditor: true,
  allowUnsafeFilter: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeGitProxy: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeHooksPath: true,
  allowUnsafeMergeDriver: true,
  allowUnsafePack: true,
  allowUnsafePager: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafeSshCommand: true,
  allowUnsafeTemplateDir: true,
} as const;

const NO_OUTPUT = Buffer.alloc(0);

/**
 * simple-git's completion plugin settles a command on `close`, or 50 ms after `exit`, and then sleeps another 50 ms
 * if the command printed nothing. Most plumbing we run is silent (update-ref, fetch, push), which
 * cost a run 200 ms. So: an empty chunk, sent once the plugin listens, tells it the output was not lost; and a command
 * settles on `close` (all output read) or, when a helper it started keeps the pipes open (an ssh ControlPersist
 * master, a credential daemon), 2 s after `exit`. 50 ms was a race a busy event loop can lose: its timers run before
 * the pipe is read, and the output came back empty.
 */
function client(baseDir: string, trimmed = true, onSpawn?: () => void): SimpleGit {
  return simpleGit({ baseDir, trimmed, unsafe: TRUSTED_ENVIRONMENT, completion: { onClose: true, onExit: 2000 } }).outputHandler(
    (_command, stdout) => {
      process.nextTick(() => {
        stdout.emit("data", NO_OUTPUT);
        onSpawn?.();
      });
    },
  );
}

const FALLBACK_IDENTITY = { name: "gitops-redis", email: "gitops-redis@users.noreply.github.com" };

interface RefTable {
  refs: Map<string, { commit: string; tree: string }>;
  /** The checked-out branch's full refname, when HEAD is on a branch. */
  head: string | undefined;
}

export class GitRepo {
  private client: SimpleGit | undefined;
  private identityEnv: Record<string, string> | undefined;
  /** refname -> commit and tree, read once with for-each-ref; dropped whenever we or a fetch move a ref. */
  private refCache: Promise<RefTable> | undefined;
  private reader: ObjectReader | undefined;
  /** The configuration gitops-redis reads (src/git/settings.ts), once; undefined when git could not read it. */
  private settingsCache: Promise<GitSettings | undefined> | undefined;
  /** A fetch moved remote-tracking refs since the table was read: those are asked of git one by one. */
  private remotesMoved = false;
  /** Objects stored since git's auto maintenance last looked at the repository (see maintain()). */
  private storedObjects = false;
  private maintenance: Promise<void> | undefined;

  constructor(readonly dir: string, private readonly baseEnv: NodeJS.ProcessEnv = process.env) {}

  /** Created on first use: simple-git refuses a directory that init has not made yet. */
  private get git(): SimpleGit {
    this.client ??= client(this.dir).env(cleanEnv(this.baseEnv));
    return this.client;
  }

  /** Objects are read through one long-lived `git cat-file --batch`, started on the first read. */
  private get objects(): ObjectReader {
    this.reader ??= new ObjectReader(this.dir, cleanEnv(this.baseEnv));
    return this.reader;
  }

  /**
   * Ends the object reader's git process, and waits for git's auto maintenance when this run stored objects. The
   * repository stays usable: a later read starts a new one.
   */
  async close(): Promise<void> {
    this.reader?.close();
    this.reader = undefined;
    this.maintain();
    await this.maintenance;
  }

  /**
   * What `git commit` does once it has written objects: `git maintenance run --auto`, unless maintenance.auto is
   * false, in the background unless maintenance.autoDetach says otherwise. Each commit we build is a pack of its own
   * (storePack), so this is what repacks them. The process starts only when git would act, or when that is for git
   * to say (src/git/maintenance.ts): it cost a run about 5 ms, almost always for nothing; `git version` costs less,
   * while the pull request is opened. Errors are ignored, as git ignores them (git older than 2.29 has no
   * maintenance command).
   */
  private maintain(): void {
    if (!this.storedObjects) return;
    this.storedObjects = false;
    const previous = this.maintenance;
    this.maintenance = (async () => {
      await previous;
      const [settings, version] = await Promise.all([this.settings(), this.answer(["version"]).then(parseGitVersion)]);
      const objects = this.objectStore();
      if (settings && !maintenanceNeeded(settings, version, objects === undefined ? undefined : countObjectStore(objects))) return;
      const args = maintenanceArgs(settings);
      await this.run(args).catch((error: unknown) => {
        // Git before 2.47 refuses --detach; its gc detaches itself.
        if (args.at(-1) === "--detach" && /unknown option/.test(String(error))) return this.run(args.slice(0, -1));
        throw error;
      });
    })().catch(() => undefined);
  }

  /** The repository's objects folder when it is plainly .git/objects here: no worktree, GIT_DIR or moved store. */
  private objectStore(): string | undefined {
    const env = this.baseEnv;
    if (env.GIT_DIR || env.GIT_COMMON_DIR || env.GIT_OBJECT_DIRECTORY) return undefined;
    const gitDir = join(this.dir, ".git");
    if (!statOrNothing(join(gitDir, "HEAD")) || statOrNothing(join(gitDir, "commondir"))) return undefined;
    return join(gitDir, "objects");
  }

  private run(args: string[], env?: Record<string, string>, onSpawn?: () => void): Promise<string> {
    const git = env || onSpawn ? client(this.dir, true, onSpawn).env({ ...cleanEnv(this.baseEnv), ...env }) : this.git;
    return git.raw(args);
  }

  async isRepoRoot(): Promise<boolean> {
    // A repository's .git here (a directory with a HEAD, or a "gitdir:" file for worktrees and submodules) is what
    // rev-parse finds first: no process needed. Anything else, or GIT_DIR / GIT_WORK_TREE set, and git is asked.
    if (!this.baseEnv.GIT_DIR && !this.baseEnv.GIT_WORK_TREE && (await looksLikeGitDir(join(this.dir, ".git")))) return true;
    try {
      const top = await this.git.raw(["rev-parse", "--show-toplevel"]);
      return realpathSync(top) === realpathSync(this.dir);
    } catch {
      // Without git too: validate then reads the folder as it is.
      return false;
    }
  }

  async init(defaultBranch: string): Promise<void> {
    this.settingsCache = undefined;
    await this.git.raw(["init", "--quiet", `--initial-branch=${defaultBranch}`]);
  }

  private settings(): Promise<GitSettings | undefined> {
    // Untrimmed: a value may end in white space. No match exits 1 with no output, which simple-git takes as success.
    this.settingsCache ??= client(this.dir, false)
      .env(cleanEnv(this.baseEnv))
      .raw(["config", "-z", "--show-scope", "--get-regexp", SETTINGS_PATTERN])
      .then(parseSettings, () => undefined);
    return this.settingsCache;
  }

  private refs(): Promise<RefTable> {
    this.refCache ??= this.git
      .raw(["for-each-ref", "--format=%(HEAD)%00%(refname)%00%(objectname)%00%(tree)", "refs/heads/", "refs/remotes/"])
      .then((out) => {
        const table: RefTable = { refs: new Map(), head: undefined };
        for (const line of out.split("\n").filter(Boolean)) {
          const [mark, name, commit, tree] = line.split("\0") as [string, string, string, string];
          table.refs.set(name, { commit, tree });
          if (mark === "*") table.head = name;
        }
        return table;
      });
    return this.refCache;
  }

  private forgetRefs(): void {
    this.refCache = undefined;
    this.remotesMoved = false;
  }

  /** The commit a full branch or remote-tracking ref points at, from one for-each-ref per run. */
  async refCommit(ref: `refs/${string}`): Promise<string | undefined> {
    if (this.remotesMoved && ref.startsWith("refs/remotes/")) return (await this.objects.read(`${ref}^{commit}`))?.id;
    return this.refCommitAsListed(ref);
  }

  /**
   * The commit `ref` has in the run's ref table, which the first reads list before the fetch: what resolve() will
   * most likely say once the fetch is done.
   */
  async refCommitAsListed(ref: `refs/${string}`): Promise<string | undefined> {
    return (await this.refs()).refs.get(ref)?.commit;
  }

  async resolve(ref: string): Promise<string | undefined> {
    if (/^refs\/(heads|remotes)\//.test(ref)) return this.refCommit(ref as `refs/${string}`);
    return (await this.objects.read(`${ref}^{commit}`))?.id;
  }

  async currentBranch(): Promise<string | undefined> {
    const head = (await this.refs()).head;
    if (head) return head.replace(/^refs\/heads\//, "");
    return this.answer(["symbolic-ref", "--quiet", "--short", "HEAD"]);
  }

  /** What a git query prints; undefined when it prints nothing or fails (a missing key, ref or remote). */
  private async answer(args: string[]): Promise<string | undefined> {
    try {
      return (await this.git.raw(args)) || undefined;
    } catch {
      return undefined;
    }
  }

  /** The other worktree that has `branch` checked out, if one does (moving it there would leave its files behind). */
  async otherWorktreeWith(branch: string): Promise<string | undefined> {
    // Not -z: it needs git 2.36.
    const out = await this.git.raw(["worktree", "list", "--porcelain"]);
    let path: string | undefined;
    for (const field of out.split("\n")) {
      if (field.startsWith("worktree ")) path = field.slice("worktree ".length);
      else if (field === `branch refs/heads/${branch}` && path !== undefined) {
        const [here, there] = [realpathSync(this.dir), realOrAsIs(path)];
        if (here !== there) return path;
      }
    }
    return undefined;
  }

  /** Paths git reports as modified, staged or untracked (ignored files excluded). */
  async dirtyPaths(): Promise<string[]> {
    // Untrimmed: an entry's status may start with a space (" M README.md").
    const out = await client(this.dir, false).env(cleanEnv(this.baseEnv)).raw(["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
    const fields = out.split("\0");
    const paths: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      const entry = fields[i]!;
      if (!entry) continue;
      paths.push(entry.slice(3));
      // A rename or copy is followed by the path it came from.
      if (entry[0] === "R" || entry[0] === "C") i++;
    }
    return paths;
  }


  /** The file as committed (no filters, no trimming), or undefined when `ref` has no such file. */
  async readFile(ref: string, path: string): Promise<string | undefined> {
    const object = await this.objects.read(`${ref}:${path}`);
    return object?.type === "blob" ? object.content.toString("utf8") : undefined;
  }

  /** The files of `paths` that `ref` has, in the order asked. */
  async readFiles(ref: string, paths: readonly string[]): Promise<Map<string, string>> {
    const texts = await Promise.all(paths.map((path) => this.readFile(ref, path)));
    const files = new Map<string, string>();
    paths.forEach((path, i) => texts[i] !== undefined && files.set(path, texts[i]!));
    return files;
  }


  /** Tracked and untracked files of the working tree, without ignored ones. */
  async workTreeFiles(): Promise<string[]> {
    const out = await this.git.raw(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"]);
    return out.split("\0").filter(Boolean);
  }

  /** Contents of the files of one commit that `wanted` selects: one `git ls-tree`, then the object reader. */
  async readBlobs(commit: string, wanted: (path: string) => boolean): Promise<Map<string, string>> {
    const listing = await this.git.raw(["ls-tree", "-r", "-z", commit]);
    const blobs: { path: string; id: string }[] = [];
    for (const entry of listing.split("\0")) {
      const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
      if (match?.[1] && match[2] !== undefined && wanted(match[2])) blobs.push({ id: match[1], path: match[2] });
    }
    const objects = await Promise.all(blobs.map((blob) => this.objects.read(blob.id)));
    const files = new Map<string, string>();
    blobs.forEach(({ path }, i) => objects[i] && files.set(path, objects[i]!.content.toString("utf8")));
    return files;
  }

  async treeOf(commit: string): Promise<string> {
    for (const entry of (await this.refs()).refs.values()) if (entry.commit === commit) return entry.tree;
    const tree = await this.objects.read(`${commit}^{tree}`);
    if (!tree) throw new Error(`git: ${commit} has no tree`);
    return tree.id;
  }

  /** Runs a committing git command with the user's identity; only when git has none, with gitops-redis's. */
  private async withIdentity<T>(commit: (env: Record<string, string> | undefined) => Promise<T>): Promise<T> {
    if (this.identityEnv) return commit(this.identityEnv);
    try {
      return await commit(undefined);
    } catch (error) {
      if (!/tell me who you are|empty ident|unable to auto-detect email/i.test(String(error))) throw error;
      return commit(await this.identity());
    }
  }

  private async identity(): Promise<Record<string, string>> {
    if (this.identityEnv) return this.identityEnv;
    const get = (key: string) => this.answer(["config", "--get", key]);
    const name = this.baseEnv.GIT_AUTHOR_NAME || (await get("user.name")) || FALLBACK_IDENTITY.name;
    const email = this.baseEnv.GIT_AUTHOR_EMAIL || (await get("user.email")) || FALLBACK_IDENTITY.email;
    this.identityEnv = {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: this.baseEnv.GIT_COMMITTER_NAME || name,
      GIT_COMMITTER_EMAIL: this.baseEnv.GIT_COMMITTER_EMAIL || email,
    };
    return this.identityEnv;
  }

  /**
   * Builds a commit on `parent` without touching the working tree; undefined when the tree would not change. The new
   * files and trees go to git in one pack (src/git/object-writer.ts).
   */
  async commitOnto(request: CommitRequest): Promise<CommitResult | undefined> {
    const { formatOf, objectId, packOf, planTrees, storePack } = await writers();
    const parentTree = await this.treeOf(request.parent);
    const format = formatOf(parentTree);
    const blobs = [...request.changes].filter((c): c is [string, string] => c[1] !== null).map(([path, text]) => [path, Buffer.from(text, "utf8")] as const);
    const ids = new Map<string, string | null>(request.changes);
    for (const [path, content] of blobs) ids.set(path, objectId("blob", content, format));
    const { root, trees } = await planTrees((spec) => this.objects.read(spec), request.parent, ids);
    if (root === parentTree) return undefined;
    // The same file twice (two environments with equal values) is one blob.
    const newBlobs = [...new Map(blobs.map(([path, content]) => [ids.get(path)!, content])).values()].map((content) => ({ type: "blob" as const, content }));
    const settings = await this.settings();
    // The zone a commit's date is written in is the local one: written here only when git's is this process's.
    const identity = settings && zoneIsGits(this.baseEnv) ? plainCommitIdentity(settings, this.baseEnv, new Date()) : undefined;
    const named = request.parent.length === parentTree.length && /^[0-9a-f]+$/.test(request.parent);
    const parent = identity && (named ? request.parent : (await this.objects.read(`${request.parent}^{commit}`))?.id);
    if (!identity || !parent) {
      await storePack(this.dir, cleanEnv(this.baseEnv), packOf([...newBlobs, ...trees], format));
      this.storedObjects = true;
      const commit = await this.withIdentity((env) => this.run(["commit-tree", root, "-p", request.parent, "-m", request.message], env));
      return { commit, tree: root };
    }
    // The commit object `git commit-tree -m` writes, in the same pack: one process fewer.
    const message = request.message.endsWith("\n") ? request.message : `${request.message}\n`;
    const content = Buffer.from(`tree ${root}\nparent ${parent}\nauthor ${identity.author}\ncommitter ${identity.committer}\n\n${message}`, "utf8");
    await storePack(this.dir, cleanEnv(this.baseEnv), packOf([...newBlobs, ...trees, { type: "commit", content }], format));
    this.storedObjects = true;
    return { commit: objectId("commit", content, format), tree: root };
  }

  /** The PathConflict a commitOnto of `changes` would meet (a dry run's check), without writing any object. */
  async checkPaths(parent: string, changes: ReadonlyMap<string, string | null>): Promise<void> {
    // Any id of the repository's length will do: nothing is written.
    const zero = "0".repeat((await this.treeOf(parent)).length);
    const pending = new Map([...changes].map(([path, content]) => [path, content === null ? null : zero]));
    await (await writers()).planTrees((spec) => this.objects.read(spec), parent, pending);
  }

  /** Moves `branch` to `target`, failing if it moved since we read `expected` (undefined = must not exist). */
  async setBranch(branch: string, target: CommitResult, expected: string | undefined): Promise<void> {
    // "Must not exist" is the null object id: as long as the repository's ids (SHA-1 or SHA-256).
    const zero = "0".repeat(target.commit.length);
    const table = this.refCache;
    this.refCache = undefined;
    await this.git.raw(["update-ref", "-m", "gitops-redis", `refs/heads/${branch}`, target.commit, expected ?? zero]);
    // Only this ref moved: keep the table read before, instead of running for-each-ref again.
    if (table) this.refCache = table.then((t) => (t.refs.set(`refs/heads/${branch}`, target), t));
  }


  /** Stages exactly `paths` and commits them on the current branch (init's first commit). */
  async commitPaths(paths: readonly string[], message: string): Promise<string> {
    this.forgetRefs();
    await this.git.raw(["add", "--", ...paths]);
    await this.withIdentity((env) => this.run(["commit", "--quiet", "--no-verify", "-m", message, "--", ...paths], env));
    return this.git.raw(["rev-parse", "HEAD"]);
  }

  /** Makes the working tree match HEAD after HEAD's branch was moved by setBranch (only called on a clean tree). */
  async syncWorkTree(): Promise<void> {
    await this.git.raw(["reset", "--quiet", "--hard", "HEAD"]);
  }

  async remoteUrl(remote: string): Promise<string | undefined> {
    const settings = await this.settings();
    // A remote git knows from elsewhere (.git/remotes) is for git to name.
    return (settings && remoteUrlOf(settings, remote)) ?? this.answer(["remote", "get-url", remote]);
  }

  /** The remote's (first) URL as configured, before url.<base>.insteadOf rewrites it (remoteUrl gives the rewritten one). */
  async configuredRemoteUrl(remote: string): Promise<string | undefined> {
    const settings = await this.settings();
    return settings ? configuredRemoteUrlOf(settings, remote) : (await this.answer(["config", "--get-all", `remote.${remote}.url`]))?.split("\n")[0];
  }

  async addRemote(remote: string, url: string): Promise<void> {
    this.settingsCache = undefined;
    await this.git.raw(["remote", "add", remote, url]);
  }


  /** Fetches `refspecs` from `remote`; false when the remote cannot be reached (the caller goes on offline). */
  async fetch(remote: string, refspecs: string[], env: Record<string, string> = {}): Promise<boolean> {
    try {
      // Only remote-tracking refs move; the table stays right for the rest (and commit -> tree never changes).
      this.remotesMoved = true;
      // A narrow fetch of a few refs: no forced-update report (output is quiet) and no auto maintenance, which the
      // run starts itself once it has stored objects (maintain()); each would cost a run time for nothing it uses.
      // --prune: a branch deleted on the remote (a merged or closed pull request's) leaves no remote-tracking ref.
      const quiet = ["--quiet", "--prune", "--no-tags", "--no-write-fetch-head", "--no-show-forced-updates", "--no-auto-maintenance"];
      await this.run(["fetch", ...quiet, remote, ...refspecs], { GIT_TERMINAL_PROMPT: "0", ...env });
      return true;
    } catch {
      return false;
    }
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // Not `merge-base --is-ancestor`: simple-git resolves a non-zero exit that prints nothing as success.
    try {
      return (await this.git.raw(["merge-base", ancestor, descendant])) === (await this.git.raw(["rev-parse", ancestor]));
    } catch {
      return false;
    }
  }

  async countCommits(range: string): Promise<number> {
    return Number(await this.git.raw(["rev-list", "--count", range]));
  }

  /**
   * Pushes `branch`; with `expectedRemote` it is a force-with-lease against that commit (undefined: must not exist).
   * `env` carries credentials for this one process only.
   */
  async push(
    remote: string,
    branch: string,
    options: {
      lease?: { expected: string | undefined };
      env?: Record<string, string>;
      /** Called once git push has been spawned: work to overlap with it can start. */
      onStarted?: () => void;
    } = {},
  ): Promise<void> {
    const args = ["push", "--quiet", "--porcelain", remote, `refs/heads/${branch}:refs/heads/${branch}`];
    if (options.lease) args.splice(2, 0, `--force-with-lease=refs/heads/${branch}:${options.lease.expected ?? ""}`);
    this.forgetRefs();
    try {
      await this.run(args, { GIT_TERMINAL_PROMPT: "0", ...(options.env ?? {}) }, options.onStarted);
      // Its objects are on the remote: the maintenance runs while the pull request is opened, not after.
      this.maintain();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (/\[(remote )?rejected\]|stale info|fetch first|non-fast-forward/.test(text)) throw new PushRejected(branch, firstLine(error));
      throw new RemoteError(`git push of ${branch} to ${remote} failed: ${firstLine(error)}`, {
        hint: `the commit is kept on the local branch ${branch}; fix the remote and re-run the same command`,
      });
    } finally {
      // The push moved the remote-tracking ref; a table read while it ran would not have it.
      this.forgetRefs();
    }
  }
}

/** The remote refused the update (it moved since we looked, or a hook said no). */
export class PushRejected extends RemoteError {
  constructor(readonly branch: string, detail: string) {
    super(`the remote rejected the push of ${branch}: ${detail}`, {
      hint: `the commit is kept on the local branch ${branch}; re-run the same command to rebuild it on the current default branch`,
    });
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("To ") && l !== "Done");
  return lines.find((l) => /rejected|error|fatal/i.test(l)) ?? lines[0] ?? text;
}

async function looksLikeGitDir(path: string): Promise<boolean> {
  // Synchronous: two stat calls, and node:fs/promises would be one more module to load before the first git process.
  const found = statOrNothing(path);
  if (found?.isDirectory()) return statOrNothing(join(path, "HEAD")) !== undefined;
  if (!found?.isFile()) return false;
  try {
    return readFileSync(path, "utf8").startsWith("gitdir:");
  } catch {
    return false;
  }
}

/**
 * Whether git (the C library, from the system's zone files) and this process (ICU, with its own zone data) take the
 * same local zone: TZ is this process's, and unset (both read /etc/localtime) or a zone name both know. A POSIX rule
 * ("CET-1CEST,M3.5.0,M10.5.0/3", "<+0330>-3:30"), which ICU reads as UTC, or a name the system has no file for (a
 * slim container without tzdata, where git writes +0000), is left to git.
 */
function zoneIsGits(env: NodeJS.ProcessEnv): boolean {
  if (env.TZ !== process.env.TZ) return false;
  if (env.TZ === undefined) return true;
  const name = env.TZ.replace(/^:/, "");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
  } catch {
    return false;
  }
  return statOrNothing(join(env.TZDIR || "/usr/share/zoneinfo", name))?.isFile() === true;
}

function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function realOrAsIs(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** simple-git's env() replaces the whole environment; keep PATH/HOME and the user's git settings. */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
