/**
 * The first reads of add-env and set, started before the planning code loads: git's start-up and the compilation
 * of that code then overlap instead of adding up.
 */
import type { GitRepo } from "../git/repo.js";
import { CONFIG_FILE } from "../layout.js";
import type { CommandContext } from "./context.js";
import { remoteAccess, type RemoteAccess } from "./publish.js";

export interface RepositoryStart {
  isRoot: boolean;
  access: RemoteAccess | undefined;
  /** The checked-out branch, unless HEAD is detached. */
  current: string | undefined;
  /** gitops-redis.yaml as HEAD has it: it names the default branch. */
  headConfig: string | undefined;
}

export async function startRepository(repo: GitRepo, ctx: CommandContext): Promise<RepositoryStart> {
  const [isRoot, access, current, headConfig] = await Promise.all([
    repo.isRepoRoot(),
    remoteAccess(repo, ctx).catch(() => undefined),
    repo.currentBranch().catch(() => undefined),
    // Outside a repository git cannot read; isRoot says so.
    repo.readFile("HEAD", CONFIG_FILE).catch(() => undefined),
  ]);
  return { isRoot, access, current, headConfig };
}
