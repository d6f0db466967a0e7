/**
 * The impure side of validate: reads the working tree (tracked and untracked, not ignored files) and the default
 * branch through git, and preloads the schema models the files need.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { GitRepo } from "../git/repo.js";
import { defaultBranchOf } from "../config/default-branch.js";
import { BASE_VALUES_FILE, CLUSTER_BASE_VALUES_FILE, CONFIG_FILE } from "../layout.js";

/** Files validate reads: text formats gitops-redis or its users put in a GitOps repository. */
export const isValidatedPath = (path: string): boolean => /\.(ya?ml|json|md|txt|env|sh|tpl)$/.test(path) || !/\.[^/]+$/.test(path);
// Large enough for the config of thousands of environments; binary or generated blobs above it are skipped.
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export async function readWorkTree(dir: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const repo = new GitRepo(dir, env);
  const paths = (await repo.isRepoRoot()) ? await repo.workTreeFiles() : await walk(dir);
  const files = new Map<string, string>();
  await Promise.all(
    paths.filter(isValidatedPath).map(async (path) => {
      const text = await readFile(join(dir, path), "utf8").catch(() => undefined);
      if (text !== undefined && text.length <= MAX_FILE_BYTES && !text.includes("\0")) files.set(path, text);
    }),
  );
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === ".git" || entry.name === "node_modules") continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join("/"));
    }
  };
  await visit(root);
  return out;
}

/** The default branch's YAML files, or undefined when there is no such ref (e.g. a fresh repository). */
export async function readBaseFiles(
  dir: string,
  env: NodeJS.ProcessEnv,
  head: ReadonlyMap<string, string>,
  baseRef?: string,
): Promise<{ ref: string; files: Map<string, string> } | undefined> {
  const repo = new GitRepo(dir, env);
  try {
    if (!(await repo.isRepoRoot())) return undefined;
    const branch = defaultBranchOf(head.get(CONFIG_FILE)) ?? "main";
    const candidates = baseRef ? [baseRef] : [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`];
    for (const ref of candidates) {
      const commit = await repo.resolve(ref);
      if (!commit) continue;
      // data-safety compares values and the config; manifests are not read.
      return { ref, files: await repo.readBlobs(commit, isComparedPath) };
    }
    return undefined;
  } finally {
    await repo.close();
  }
}

const isComparedPath = (path: string): boolean =>
  path === CONFIG_FILE || path === BASE_VALUES_FILE || path === CLUSTER_BASE_VALUES_FILE || /^envs\/[^/]+\/values\.ya?ml$/.test(path);

