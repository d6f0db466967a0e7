/** The default branch a gitops-redis.yaml names, read cheaply: the config of thousands of environments is megabytes. */
import { CONFIG_FILE } from "../layout.js";
import { isPlainObject, parseYamlDocument } from "../yaml.js";
import { writtenDefaultBranch } from "./default-branch-written.js";

export function defaultBranchOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const quick = writtenDefaultBranch(text);
  if (quick) return quick;
  try {
    const config = parseYamlDocument(text, CONFIG_FILE).toJS() as unknown;
    const value = isPlainObject(config) && isPlainObject(config.repo) ? config.repo.defaultBranch : undefined;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
