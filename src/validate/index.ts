/**
 * The pure core of `gitops-redis validate`: files in, findings out. No fs, no git, no network: the loader
 * (load.ts) reads the working tree and the default branch; the caller preloads the schema models and compiles the
 * config's JSON Schema.
 */
import { checkChartKeys } from "./chart-keys.js";
import { checkConfig } from "./config.js";
import { checkDataSafety } from "./data-safety.js";
import { checkEnvironmentFiles } from "./environment-files.js";
import { checkImages } from "./images.js";
import { checkNames } from "./names.js";
import { checkNodePorts } from "./nodeports.js";
import { parseFiles } from "./parse.js";
import { buildRepoView, type RepoView } from "./repo.js";
import { checkSchemas } from "./schema.js";
import { checkSecrets } from "./secrets.js";
import { checkStorage } from "./storage.js";
import { checkTopology } from "./topology.js";
import type { Finding, RepoFiles, ValidateOptions } from "./types.js";

export type { Finding, RepoFiles, ValidateOptions } from "./types.js";

export function repoView(files: RepoFiles, findings: Finding[] = []): RepoView {
  return buildRepoView(parseFiles(files, findings));
}

export function validateRepository(files: RepoFiles, options: ValidateOptions = {}): Finding[] {
  return checkRepository(files, options).findings;
}

/** The findings, with the repository as the rules saw it (and the base, when given) for callers that read it too. */
export function checkRepository(files: RepoFiles, options: ValidateOptions = {}): { findings: Finding[]; view: RepoView; base?: RepoView } {
  const findings: Finding[] = [];
  const parsed = parseFiles(files, findings);
  const view = scoped(buildRepoView(parsed), options);
  findings.push(...checkConfig(view, options.configSchema));
  if (!options.partial) findings.push(...checkEnvironmentFiles(view));
  if (options.schemas) findings.push(...checkSchemas(view, options.schemas));
  findings.push(...checkNames(view));
  findings.push(...checkNodePorts(view));
  findings.push(...checkStorage(view));
  findings.push(...checkTopology(view));
  findings.push(...checkSecrets(files, parsed));
  findings.push(...checkChartKeys(view));
  findings.push(...checkImages(view));
  let base: RepoView | undefined;
  if (options.baseFiles) {
    // Most files are the same on both sides of a change: parse only what differs; syntax errors of the base are not ours to report.
    base = scoped(buildRepoView(parseFiles(options.baseFiles, [], parsed)), options);
    findings.push(...checkDataSafety(base, view));
  }
  return { findings: sortFindings(findings), view, base };
}

/** The view the rules see: with `partial`, its environment alone. */
function scoped(view: RepoView, options: ValidateOptions): RepoView {
  const only = options.partial?.environment;
  return only === undefined ? view : { ...view, envs: view.envs.filter((env) => env.name === only) };
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule),
  );
}

/** apiVersion/kind of every object in the files, so the caller can preload just those schema models. */
export function objectKinds(files: RepoFiles): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const [path, text] of files) {
    if (!/\.ya?ml$/.test(path)) continue;
    for (const doc of text.split(/^---/m)) {
      const apiVersion = /^apiVersion:[ \t]*["']?([^\s"'#]+)/m.exec(doc)?.[1];
      const kind = /^kind:[ \t]*["']?([^\s"'#]+)/m.exec(doc)?.[1];
      if (apiVersion && kind) seen.set(`${apiVersion}/${kind}`, { apiVersion, kind });
    }
  }
  return [...seen.values()];
}
