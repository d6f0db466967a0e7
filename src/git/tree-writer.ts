/**
 * The trees of a commit that changes a few files of its parent, written by one `git mktree --batch`: only the
 * directories on the changed paths are rewritten, every other tree keeps its id. This replaces a temporary index
 * (read-tree, update-index, write-tree: three git processes one after the other, for a handful of files).
 */
import { spawn } from "node:child_process";
import { ConflictError } from "../errors.js";
import type { GitObject } from "./object-reader.js";

/** The changes would replace something of the user's of another kind (a file by a directory or the other way). */
export class PathConflict extends ConflictError {
  constructor(path: string, what: string, parent: string) {
    super(`cannot write ${path}: ${parent.slice(0, 12)} has ${what} there, which gitops-redis would have to replace`, {
      hint: `move or remove ${path} on the default branch, then re-run`,
    });
  }
}

interface TreeEntry {
  mode: string;
  id: string;
}

/** Entry name (its bytes as latin1, so names that are not UTF-8 survive) -> entry. */
type Entries = Map<string, TreeEntry>;

/** Path -> blob id to write there, or null to delete it. */
export type BlobChanges = ReadonlyMap<string, string | null>;

const nameKey = (name: string): string => Buffer.from(name, "utf8").toString("latin1");

/** A tree object as `git cat-file --batch` returns it: `<mode> <name>\0<binary id>` per entry. */
export function parseTree(content: Buffer, idBytes: number): Entries {
  const entries: Entries = new Map();
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > content.length) throw new Error("git: malformed tree object");
    entries.set(content.toString("latin1", space + 1, nul), {
      mode: content.toString("latin1", at, space),
      id: content.toString("hex", nul + 1, nul + 1 + idBytes),
    });
    at = nul + 1 + idBytes;
  }
  return entries;
}

const typeOf = (mode: string): string => (/^0?40000$/.test(mode) ? "tree" : mode === "160000" ? "commit" : "blob");

/** One tree as `git mktree -z --batch` reads it: ls-tree lines ended by NUL, and an empty line after the tree. */
export function mktreeInput(entries: Entries): Buffer {
  const parts = [...entries].map(([name, { mode, id }]) => Buffer.concat([Buffer.from(`${mode} ${typeOf(mode)} ${id}\t`), Buffer.from(name, "latin1"), Buffer.from([0])]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** Every directory on the changed paths, deepest first; "" (the root) last. */
export function directoriesOf(paths: Iterable<string>): string[] {
  const dirs = new Set<string>([""]);
  for (const path of paths) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return [...dirs].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1));
}

const depth = (dir: string): number => (dir === "" ? 0 : dir.split("/").length);
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf("/")));
const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/**
 * Writes the trees of `parent` with `changes` applied and returns the root tree's id. A directory left empty is
 * dropped from its parent, as git does; a file may give way to a directory of the same name and the other way round.
 */
export async function writeTrees(
  read: (spec: string) => Promise<GitObject | undefined>,
  mktree: (input: Buffer) => Promise<string>,
  parent: string,
  changes: BlobChanges,
): Promise<string> {
  const dirs = directoriesOf(changes.keys());
  // The parent's version of each directory, read at once: a missing one (or a file there) starts empty.
  const before = await Promise.all(dirs.map((dir) => read(dir === "" ? `${parent}^{tree}` : `${parent}:${dir}`)));
  const root = before[dirs.length - 1];
  if (root?.type !== "tree") throw new Error(`git: ${parent} has no tree`);
  // SHA-1 or SHA-256, as the repository names its objects.
  const idBytes = root.id.length / 2;
  const written = new Map<string, string | null>();
  for (const [i, dir] of dirs.entries()) {
    const object = before[i];
    const entries = object?.type === "tree" ? parseTree(object.content, idBytes) : new Map<string, TreeEntry>();
    const original = new Map(entries);
    const isTree = (name: string) => typeOf(original.get(nameKey(name))?.mode ?? "") === "tree";
    for (const [path, id] of changes) {
      if (parentOf(path) !== dir) continue;
      // A file where a directory is: only when the changes empty that directory.
      if (id !== null && isTree(baseName(path)) && written.get(path) !== null) throw new PathConflict(path, "a directory", parent);
      if (id === null) entries.delete(nameKey(baseName(path)));
      else entries.set(nameKey(baseName(path)), { mode: "100644", id });
    }
    // Deeper directories are written first: their results are known here.
    for (const [sub, id] of written) {
      if (sub === "" || parentOf(sub) !== dir) continue;
      // A directory where a file is: only when the changes delete that file.
      if (id !== null && original.has(nameKey(baseName(sub))) && !isTree(baseName(sub)) && changes.get(sub) !== null) throw new PathConflict(sub, "a file", parent);
      // An emptied directory goes, unless the changes put a file of the same name in its place.
      if (id === null) {
        if (typeof changes.get(sub) !== "string") entries.delete(nameKey(baseName(sub)));
      } else entries.set(nameKey(baseName(sub)), { mode: "40000", id });
    }
    written.set(dir, entries.size === 0 && dir !== "" ? null : await mktree(mktreeInput(entries)));
  }
  return written.get("")!;
}

/**
 * A `git mktree --batch -z` for the trees of one commit; each call writes one tree and answers its id. end() closes
 * it and fails if git did.
 */
export function startMktree(dir: string, env: Record<string, string>, options: { missing?: boolean } = {}): { write(input: Buffer): Promise<string>; end(): Promise<void> } {
  // --missing: the caller names blobs that git is still writing, and checks their ids itself.
  const child = spawn("git", ["mktree", "--batch", "-z", ...(options.missing ? ["--missing"] : [])], { cwd: dir, env });
  const pending: { resolve(id: string): void; reject(error: Error): void }[] = [];
  let output = "";
  let stderr = "";
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("error", (error) => (failure ??= error));
    child.on("close", (code) => {
      if (code !== 0) failure ??= new Error(`git mktree exited with ${code}: ${stderr.trim()}`);
      for (const read of pending.splice(0)) read.reject(failure ?? new Error("git mktree ended before answering"));
      resolve();
    });
  });
  child.stdin.on("error", () => undefined);
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("latin1");
    let newline: number;
    while ((newline = output.indexOf("\n")) >= 0) {
      pending.shift()?.resolve(output.slice(0, newline));
      output = output.slice(newline + 1);
    }
  });
  return {
    write: (input) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        pending.push({ resolve, reject });
        child.stdin.write(input);
      }),
    end: async () => {
      child.stdin.end();
      await exited;
      if (failure) throw failure;
    },
  };
}
