/**
 * Rule "names": namespaces are DNS-1123 labels, release names (they prefix every Service) DNS-1035 labels of at
 * most 53 characters. Environment names in gitops-redis.yaml are checked by the config rule. Pure.
 */
import { DNS1035_LABEL, MAX_RELEASE_NAME, checkNamespace } from "../config/rules.js";
import { releaseName } from "../layout.js";
import { isPlainObject } from "../yaml.js";
import { dotted, getIn, invalid, objectFinding, type K8sObject, type RepoView } from "./repo.js";
import type { Finding } from "./types.js";

export function checkReleaseName(value: string): string | undefined {
  if (value.length > MAX_RELEASE_NAME) return `at most ${MAX_RELEASE_NAME} characters (Helm release name)`;
  if (!DNS1035_LABEL.test(value)) {
    return "lowercase letters, digits and '-', starting with a letter (DNS-1035: it prefixes the chart's Service names)";
  }
  return undefined;
}

export function checkNames(view: RepoView): Finding[] {
  const findings: Finding[] = [];
  const configured = new Set(Object.keys(isPlainObject(view.configValue?.environments) ? view.configValue.environments : {}));
  for (const env of view.envs) {
    if (configured.has(env.name) || !env.overlay) continue;
    const problem = checkReleaseName(releaseName(env.name));
    if (problem) {
      findings.push({ path: env.overlay.path, line: 1, col: 1, rule: "names", severity: "error", message: invalid("environment folder name", env.name, `the release ${releaseName(env.name)} must be ${problem}`) });
    }
  }
  for (const object of view.objects) findings.push(...objectNames(object));
  return findings;
}

function objectNames(object: K8sObject): Finding[] {
  const out: Finding[] = [];
  const namespace = (path: (string | number)[]) => {
    const value = getIn(object.value, path);
    if (typeof value !== "string") return;
    const problem = checkNamespace(value);
    if (problem) out.push(objectFinding(object, path, "names", "error", invalid(dotted(path), value, problem)));
  };
  const release = (path: (string | number)[]) => {
    const value = getIn(object.value, path);
    if (typeof value !== "string") return;
    const problem = checkReleaseName(value);
    if (problem) out.push(objectFinding(object, path, "names", "error", invalid(dotted(path), value, problem)));
  };
  namespace(["metadata", "namespace"]);
  if (object.kind === "Application") {
    namespace(["spec", "destination", "namespace"]);
    release(["spec", "source", "helm", "releaseName"]);
    const sources = getIn(object.value, ["spec", "sources"]);
    if (Array.isArray(sources)) sources.forEach((_, i) => release(["spec", "sources", i, "helm", "releaseName"]));
  }
  if (object.kind === "HelmRelease") {
    namespace(["spec", "targetNamespace"]);
    release(["spec", "releaseName"]);
  }
  return out;
}
