/**
 * Rule "environments": gitops-redis.yaml and the files it generates name the same environments. Files left behind
 * by an environment taken out of the config still deploy it; an environment whose files are gone deploys nothing.
 * Pure; only for a whole repository (the pull request's What-changes section reads one environment's files).
 */
import { CONFIG_FILE, argocdApplicationFile, envValuesFile, environmentOfPath } from "../layout.js";
import { isPlainObject } from "../yaml.js";
import { findingAt } from "./parse.js";
import type { RepoView } from "./repo.js";
import type { Finding } from "./types.js";

export function checkEnvironmentFiles(view: RepoView): Finding[] {
  const config = view.config;
  const environments = isPlainObject(view.configValue?.environments) ? view.configValue.environments : undefined;
  if (!config || !environments) return [];
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const path of view.files.keys()) {
    const env = environmentOfPath(path);
    if (env === undefined || env in environments || reported.has(env)) continue;
    reported.add(env);
    findings.push(
      findingAt(view.files.get(path)!, 0, [], "environments", "error", `environment ${env} is not in ${CONFIG_FILE}, but its files are still here and still deploy it: remove them (envs/${env}/ and its controller files) or add the environment back`),
    );
  }
  const controller = view.configValue?.controller === "flux" ? "flux" : "argocd";
  for (const env of Object.keys(environments)) {
    const missing = [envValuesFile(env), ...(controller === "argocd" ? [argocdApplicationFile(env)] : [])].filter((path) => !view.files.has(path));
    if (missing.length === 0) continue;
    findings.push(
      findingAt(config, 0, ["environments", env], "environments", "error", `environment ${env} is in ${CONFIG_FILE}, but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} missing: gitops-redis set ${env} writes its files again`),
    );
  }
  return findings;
}
