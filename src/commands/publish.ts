/** Getting a branch to the remote. */
import type { GitRepo } from "../git/repo.js";
import type { CommandContext } from "./context.js";

export const REMOTE = "origin";

export async function hasRemote(repo: GitRepo): Promise<boolean> {
  return (await repo.remoteUrl(REMOTE)) !== undefined;
}

/**
 * Pushes `branch` to origin. With `lease`, the push replaces the remote branch only if it still is what we saw
 * (force-with-lease), so a rebuild of an environment branch never discards somebody else's push by accident.
 */
export async function pushBranch(
  repo: GitRepo,
  branch: string,
  ctx: CommandContext,
  options: { lease: boolean },
): Promise<void> {
  void ctx;
  if (!options.lease) {
    await repo.push(REMOTE, branch);
    return;
  }
  const expected = await repo.remoteBranch(REMOTE, branch);
  await repo.push(REMOTE, branch, { lease: { expected } });
}
