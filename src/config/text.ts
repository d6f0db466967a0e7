/** gitops-redis.yaml text -> the validated model, or a UsageError listing every problem. Pure. */
import { UsageError } from "../errors.js";
import { CONFIG_FILE } from "../layout.js";
import type { RepoConfig } from "../model.js";
import { readYaml, YamlParseError } from "../yaml.js";
import { parseConfig } from "./schema.js";

export function configFromText(text: string, hint?: string): RepoConfig {
  let raw: unknown;
  try {
    raw = readYaml(text, CONFIG_FILE);
  } catch (error) {
    if (error instanceof YamlParseError) throw new UsageError(error.message, { hint: hint ?? error.hint });
    throw error;
  }
  const { config, problems } = parseConfig(raw);
  if (!config) throw new UsageError(problems.map((p) => `${CONFIG_FILE}: ${p}`), { hint });
  return config;
}
