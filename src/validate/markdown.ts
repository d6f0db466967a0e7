/** The "What changes" parts of a pull request body: effective values per environment, and the risk list. Pure. */
import type { RepoView } from "./repo.js";
import type { Finding } from "./types.js";
import { leafValues } from "../yaml.js";

const cell = (value: unknown): string => (value === undefined ? "" : `\`${JSON.stringify(value).replace(/\|/g, "\\|")}\``);

/**
 * A table of the effective values of `env` (values/base.yaml + envs/<env>/values.yaml, merged as Helm merges
 * them) that differ between `base` (the default branch) and `head` (the change).
 */
export function effectiveValuesDiff(base: RepoView | undefined, head: RepoView, env: string): string {
  const before = base?.envs.find((e) => e.name === env);
  const after = head.envs.find((e) => e.name === env);
  const title = `#### Effective values of \`${env}\``;
  if (!before && !after) return `${title}\n\nNo environment ${env} on either side.\n`;
  const a = leafValues(before?.values ?? {});
  const b = leafValues(after?.values ?? {});
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const rows = keys.filter((key) => JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key)));
  const note = !before ? " (new environment)" : !after ? " (environment removed)" : "";
  if (rows.length === 0) return `${title}${note}\n\nNo change to the values Helm sees.\n`;
  const lines = [`${title}${note}`, "", "| key | before | after |", "|---|---|---|"];
  for (const key of rows) lines.push(`| \`${key}\` | ${cell(a.get(key))} | ${cell(b.get(key))} |`);
  return `${lines.join("\n")}\n`;
}

const line = (f: Finding): string => `- \`${f.path}${f.line ? `:${f.line}` : ""}\` ${f.rule}: ${f.message}`;

/** The findings of validate in `scope` as a Markdown list: destructive changes first, then errors, then warnings. */
export function riskList(findings: readonly Finding[], scope = "the repository"): string {
  const destructive = findings.filter((f) => f.rule === "data-safety");
  const errors = findings.filter((f) => f.rule !== "data-safety" && f.severity === "error");
  const warnings = findings.filter((f) => f.rule !== "data-safety" && f.severity === "warning");
  if (findings.length === 0) return `#### Risks\n\n\`gitops-redis validate\` found nothing to report in ${scope}.\n`;
  const parts = ["#### Risks", "", `What \`gitops-redis validate\` finds in ${scope}:`];
  if (destructive.length) parts.push("", "**Destructive or manual-migration changes: read before merging**", "", ...destructive.map(line));
  if (errors.length) parts.push("", `**Errors (${errors.length}): CI fails until they are fixed**`, "", ...errors.map(line));
  if (warnings.length) parts.push("", `**Warnings (${warnings.length})**`, "", ...warnings.map(line));
  return `${parts.join("\n")}\n`;
}

