/**
 * The first reads of add-env and set, and the fetch, started before the planning code loads: git's work and the
 * compilation of that code then overlap instead of adding up.
 */
import type { GitRepo } from "../git/repo.js";
import { CONFIG_FILE } from "../layout.js";
import type { CommandContext } from "./context.js";
import { writtenDefaultBranch } from "../config/default-branch-written.js";
import { fetchRemote, remoteAccess, type RemoteAccess } from "./publish.js";

export interface RepositoryStart {
  isRoot: boolean;
  access: RemoteAccess | undefined;
  /** The checked-out branch, unless HEAD is detached. */
  current: string | undefined;
  /** gitops-redis.yaml as HEAD has it: it names the default branch. */
  headConfig: string | undefined;
  /** The fetch of `branch` from origin, started as soon as the config named the default branch (online runs). */
  fetching?: { branch: string; done: Promise<boolean> };
}

export async function startRepository(repo: GitRepo, ctx: CommandContext, options: { online: boolean } = { online: false }): Promise<RepositoryStart> {
  const [isRoot, access, current, headConfig] = await Promise.all([
    repo.isRepoRoot(),
    remoteAccess(repo, ctx).catch(() => undefined),
    repo.currentBranch().catch(() => undefined),
    // Outside a repository git cannot read; isRoot says so.
    repo.readFile("HEAD", CONFIG_FILE).catch(() => undefined),
  ]);
  const branch = headConfig === undefined ? undefined : writtenDefaultBranch(headConfig);
  const fetching = isRoot && access && branch && options.online ? { branch, done: fetchRemote(repo, access, branch) } : undefined;
  return { isRoot, access, current, headConfig, fetching };
}
