/**
 * New git objects (the files and trees of one commit, and the commit) written by one `git index-pack`, from a pack
 * made here.
 * Their ids are computed here as git computes them; git stores each under the id it computes from the same bytes.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";

export type ObjectFormat = "sha1" | "sha256";
type ObjectType = "blob" | "tree" | "commit";

export interface NewObject {
  type: ObjectType;
  content: Buffer;
}

/** SHA-1 or SHA-256, as an object id of the repository (a commit's, say) is long. */
export const formatOf = (id: string): ObjectFormat => (id.length === 64 ? "sha256" : "sha1");

/** The id git gives an object of this type and content. */
export function objectId(type: ObjectType, content: Buffer, format: ObjectFormat): string {
  return createHash(format).update(`${type} ${content.length}\0`).update(content).digest("hex");
}

const PACK_TYPE: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3 };

/** A version 2 pack of whole (undeltified) objects, as git's pack-format documentation describes it. */
export function packOf(objects: readonly NewObject[], format: ObjectFormat): Buffer {
  const header = Buffer.alloc(12);
  header.write("PACK", 0, "latin1");
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts = [header];
  for (const { type, content } of objects) {
    // Type and size: 3 bits of type and the size's low 4 bits, then 7 bits of size a byte while more follow.
    const bytes = [(PACK_TYPE[type] << 4) | (content.length & 0x0f)];
    for (let rest = Math.floor(content.length / 16); rest > 0; rest = Math.floor(rest / 128)) {
      bytes[bytes.length - 1]! |= 0x80;
      bytes.push(rest & 0x7f);
    }
    parts.push(Buffer.from(bytes), deflateSync(content));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash(format).update(body).digest()]);
}

/**
 * Stores `pack` in the repository at `dir` as a pack of its own, with its index (`git index-pack --stdin`): two new
 * files however many objects (three from git 2.41, which adds a reverse index). `git unpack-objects` wrote one loose
 * file per object, and creating a file can cost a millisecond or more (ext4 on a virtual disk: 8-24 ms for a
 * commit's eleven objects, against 3-5 ms here). The pack is synced to disk as git syncs packs (core.fsync), where
 * loose objects are not. A pack per run is what a fetch of
 * many objects leaves too; git's auto maintenance, which a run starts once it is done (GitRepo.maintain), joins them
 * (up to git 2.53, once there are more than gc.autoPackLimit, 50; from 2.54 a geometric repack, sooner).
 * Not --strict: that checks every entry of each new tree, including the user's own files that we keep as they are,
 * and so fails on what git accepts elsewhere (a `.git` folder committed by some tool) and, in a partial clone,
 * fetches each blob the clone left out, one process at a time. The trees are built as git builds them
 * (src/git/tree-writer.ts).
 */
export function storePack(dir: string, env: Record<string, string>, pack: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["index-pack", "--stdin"], { cwd: dir, env, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on("error", () => undefined);
    child.on("error", reject);
    child.on("close", (code) => {
      // git's last line says why (the "fatal:" one); the CLI shows the first line of an unexpected error.
      const why = stderr.trim().split("\n").pop() || `exit ${code}`;
      if (code === 0) resolve();
      else reject(new Error(`git could not write the new files into the repository: ${why}`));
    });
    child.stdin.end(pack);
  });
}
