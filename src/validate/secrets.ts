/**
 * Rule "secrets": no literal password in values, config or manifests, and no token in any file. Passwords belong
 * in a Secret created out of band (auth.existingSecret) or an encrypted SealedSecret/ExternalSecret. Pure.
 */
import { isPlainObject } from "../yaml.js";
import { findingAt, isYamlPath, offsetPosition, type ParsedFile } from "./parse.js";
import type { Finding, RepoFiles } from "./types.js";

/** `password`, `auth.password`, `redis-password`, `adminPassword`, `passwd`; not `existingSecretPasswordKey`, `usePasswordFiles`. */
const PASSWORD_KEY = /(^|[-_.])(password|passwd)$|[a-z](Password|Passwd)$/i;
/** Kinds whose data is encrypted or only a reference. */
const SAFE_KINDS = new Set(["SealedSecret", "ExternalSecret"]);

const TOKENS: { name: string; pattern: RegExp }[] = [
  { name: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g },
  { name: "GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { name: "AWS access key", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: "Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: "private key", pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/g },
];

const mask = (token: string): string => (token.startsWith("-----") ? token : `${token.slice(0, 4)}…`);

export function checkSecrets(files: RepoFiles, parsed: ReadonlyMap<string, ParsedFile>): Finding[] {
  const findings: Finding[] = [];
  for (const [path, text] of files) {
    for (const { name, pattern } of TOKENS) {
      for (const match of text.matchAll(pattern)) {
        const { line, col } = offsetPosition(text, match.index ?? 0);
        findings.push({ path, line, col, rule: "secrets", severity: "error", message: `a ${name} (${mask(match[0])}) is committed: revoke it, then remove it from the history` });
      }
    }
  }
  for (const file of parsed.values()) {
    if (!isYamlPath(file.path) || file.path.startsWith(".github/")) continue;
    file.docs.forEach((doc, i) => {
      const value = doc.value;
      if (isPlainObject(value) && typeof value.kind === "string" && SAFE_KINDS.has(value.kind)) return;
      scan(value, [], (keyPath) => {
        findings.push(
          findingAt(file, i, keyPath, "secrets", "error", `literal password at ${keyPath.join(".")}: never commit it; reference a Secret created out of band (auth.existingSecret) or use a SealedSecret/ExternalSecret`),
        );
      });
    });
  }
  return findings;
}

function scan(value: unknown, path: (string | number)[], report: (path: (string | number)[]) => void): void {
  if (Array.isArray(value)) value.forEach((item, i) => scan(item, [...path, i], report));
  else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const literal = (typeof child === "string" && child !== "") || typeof child === "number";
      if (PASSWORD_KEY.test(key) && literal) report([...path, key]);
      else scan(child, [...path, key], report);
    }
  }
}
