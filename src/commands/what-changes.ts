/**
 * The "What changes" section of a pull request: the effective values before and after, and what `validate` finds
 * in the files the environment is made of (its own, gitops-redis.yaml and the base values), destructive changes
 * first. Only those files are read and parsed, so the section costs the same in a repository of 1,000 environments
 * as in one of 10; the repository's CI runs the full `gitops-redis validate` on the pull request. Loaded only when a
 * pull request is opened.
 */
import type { GitRepo } from "../git/repo.js";
import { configToData } from "../config/serialize.js";
import type { RepoConfig } from "../model.js";
import { toYaml } from "../yaml.js";
import { BASE_VALUES_FILE, CLUSTER_BASE_VALUES_FILE, CONFIG_FILE } from "../layout.js";
import { checkRepository, type Finding } from "../validate/index.js";
import { effectiveValuesDiff, riskList } from "../validate/markdown.js";

export interface ChangeReview {
  /** The pull request's "What changes" section. */
  markdown: string;
  /** What a sync cannot do in place or loses (validate's data-safety findings), for the command's own output too. */
  risks: Finding[];
}

export async function reviewChange(
  repo: GitRepo,
  base: string,
  /** gitops-redis.yaml at `base`, parsed. */
  baseConfig: RepoConfig,
  /** The environment's files as the base has them (the plan's input). */
  current: ReadonlyMap<string, string>,
  changes: ReadonlyMap<string, string | null>,
  env: string,
): Promise<ChangeReview> {
  const shared = await repo.readFiles(base, [BASE_VALUES_FILE, CLUSTER_BASE_VALUES_FILE].filter((path) => !current.has(path)));
  const headFiles = new Map([...shared, ...current]);
  // The base side only feeds the comparison of values (data-safety, the effective values), for which it needs the
  // environment's entry (its topology picks the base values file), not all of gitops-redis.yaml (1 MB at 1,000
  // environments) parsed a second time.
  const before = baseConfig.environments[env];
  const standIn = toYaml(configToData({ ...baseConfig, environments: before ? { [env]: before } : {} }));
  const baseFiles = new Map(headFiles).set(CONFIG_FILE, standIn);
  for (const [path, content] of changes) {
    if (content === null) headFiles.delete(path);
    else headFiles.set(path, content);
  }
  // Without the schema rule: the objects are generated from validated input and importing the models costs about
  // 100 ms.
  const { findings, view, base: baseView } = checkRepository(headFiles, { baseFiles, partial: { environment: env } });
  return {
    markdown: `${riskList(findings, `the files of \`${env}\`, gitops-redis.yaml and the base values`)}\n${effectiveValuesDiff(baseView, view, env)}`,
    risks: findings.filter((finding) => finding.rule === "data-safety"),
  };
}
