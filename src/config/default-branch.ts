/** The default branch a gitops-redis.yaml names, read cheaply: the config of thousands of environments is megabytes. */
import { CONFIG_FILE } from "../layout.js";
import { isPlainObject, parseYamlDocument } from "../yaml.js";

/** The block-style `repo:` map gitops-redis writes; anything else falls back to a full parse. */
const REPO_DEFAULT_BRANCH = /^repo:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+defaultBranch:[ \t]*["']?([^"'\s#]+)/m;

export function defaultBranchOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const quick = REPO_DEFAULT_BRANCH.exec(text)?.[1];
  if (quick) return quick;
  try {
    const config = parseYamlDocument(text, CONFIG_FILE).toJS() as unknown;
    const value = isPlainObject(config) && isPlainObject(config.repo) ? config.repo.defaultBranch : undefined;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
