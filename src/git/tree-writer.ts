/**
 * The trees of a commit that changes a few files of its parent: only the directories on the changed paths are
 * rewritten, every other tree keeps its id. They are computed here as git writes trees, and written with the files by
 * src/git/object-writer.ts.
 */
import { ConflictError } from "../errors.js";
import type { GitObject } from "./object-reader.js";
import { formatOf, objectId, type NewObject } from "./object-writer.js";

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

/** Modes as git writes them: octal without leading zeros (a tree some old tool wrote may have "040000"). */
const canonical = (mode: string): string => Number.parseInt(mode, 8).toString(8);

/** A tree object's content: entries sorted by name, a directory's name compared as if it ended in "/". */
function treeContent(entries: Entries): Buffer {
  const sortKey = (name: string, mode: string) => (typeOf(mode) === "tree" ? `${name}/` : name);
  // Names are latin1 strings of their bytes: comparing them compares the bytes, as git does.
  const sorted = [...entries].sort(([a, x], [b, y]) => (sortKey(a, x.mode) < sortKey(b, y.mode) ? -1 : 1));
  return Buffer.concat(sorted.flatMap(([name, { mode, id }]) => [Buffer.from(`${canonical(mode)} ${name}\0`, "latin1"), Buffer.from(id, "hex")]));
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

/** The trees to write, and the root's id. */
export interface PlannedTrees {
  root: string;
  trees: (NewObject & { id: string })[];
}

/**
 * The trees of `parent` with `changes` applied. A directory left empty is dropped from its parent, as git does; a file
 * may give way to a directory of the same name and the other way round.
 */
export async function planTrees(read: (spec: string) => Promise<GitObject | undefined>, parent: string, changes: BlobChanges): Promise<PlannedTrees> {
  const dirs = directoriesOf(changes.keys());
  // The parent's version of each directory, read at once: a missing one (or a file there) starts empty.
  const before = await Promise.all(dirs.map((dir) => read(dir === "" ? `${parent}^{tree}` : `${parent}:${dir}`)));
  const root = before[dirs.length - 1];
  if (root?.type !== "tree") throw new Error(`git: ${parent} has no tree`);
  // SHA-1 or SHA-256, as the repository names its objects.
  const idBytes = root.id.length / 2;
  const format = formatOf(root.id);
  const trees: PlannedTrees["trees"] = [];
  const written = new Map<string, string | null>();
  for (const [i, dir] of dirs.entries()) {
    const object = before[i];
    const existed = object?.type === "tree";
    const entries = existed ? parseTree(object.content, idBytes) : new Map<string, TreeEntry>();
    const original = new Map(entries);
    const isTree = (name: string) => typeOf(original.get(nameKey(name))?.mode ?? "") === "tree";
    for (const [path, id] of changes) {
      if (parentOf(path) !== dir) continue;
      // A file where a directory is: only when the changes empty that directory.
      if (id !== null && isTree(baseName(path)) && written.get(path) !== null) throw new PathConflict(path, "a directory", parent);
      // A deletion deletes a file: a directory of that name stays, as git's index would keep it.
      if (id === null) {
        if (!isTree(baseName(path))) entries.delete(nameKey(baseName(path)));
      } else entries.set(nameKey(baseName(path)), { mode: "100644", id });
    }
    // Deeper directories are planned first: their ids are known here.
    for (const [sub, id] of written) {
      if (sub === "" || parentOf(sub) !== dir) continue;
      // A directory where a file is: only when the changes delete that file.
      if (id !== null && original.has(nameKey(baseName(sub))) && !isTree(baseName(sub)) && changes.get(sub) !== null) throw new PathConflict(sub, "a file", parent);
      // An emptied directory goes, unless the changes put a file of the same name in its place.
      if (id === null) {
        if (typeof changes.get(sub) !== "string") entries.delete(nameKey(baseName(sub)));
      } else entries.set(nameKey(baseName(sub)), { mode: "40000", id });
    }
    if (entries.size === 0 && dir !== "") {
      // Deleting under what is not a directory (a file, a symlink, a submodule, nothing) deletes nothing.
      if (existed) written.set(dir, null);
      continue;
    }
    const content = treeContent(entries);
    const id = objectId("tree", content, format);
    // Two directories with the same files are one tree.
    if (!trees.some((tree) => tree.id === id)) trees.push({ type: "tree", content, id });
    written.set(dir, id);
  }
  return { root: written.get("")!, trees };
}
