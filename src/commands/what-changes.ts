/**
 * The "What changes" section of a pull request: effective values before and after, and what `validate` finds in the
 * repository as the branch leaves it (destructive changes first). Loaded only when a pull request is opened.
 */
import type { GitRepo } from "../git/repo.js";
import { checkRepository } from "../validate/index.js";
import { isValidatedPath } from "../validate/load.js";
import { effectiveValuesDiff, riskList } from "../validate/markdown.js";

export async function whatChanges(
  repo: GitRepo,
  base: string,
  changes: ReadonlyMap<string, string | null>,
  env: string,
): Promise<string> {
  const baseFiles = await repo.readBlobs(base, isValidatedPath);
  const headFiles = new Map(baseFiles);
  for (const [path, content] of changes) {
    if (content === null) headFiles.delete(path);
    else headFiles.set(path, content);
  }
  // Without the schema rule: the objects are generated from validated input, importing the models costs about
  // 100 ms, and the repository's CI runs the full `gitops-redis validate` on the pull request anyway.
  const { findings, view, base: baseView } = checkRepository(headFiles, { baseFiles });
  return `${riskList(findings)}\n${effectiveValuesDiff(baseView, view, env)}`;
}
