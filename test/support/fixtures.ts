/** Reads fixture folders as the path -> text maps the validate core takes. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures");

export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full).split(sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/**
 * A token-shaped string made at test time, so no file in the repository looks like a leaked token. Fixtures write
 * `{{FAKE_GITHUB_TOKEN}}` where one belongs.
 */
export const FAKE_GITHUB_TOKEN = ["ghp", "A".repeat(36)].join("_");

/** The shared valid repository with a fixture's files laid over it. */
export function fixtureRepo(name: string): Map<string, string> {
  const files = readTree(join(FIXTURES, "validate", "_base"));
  for (const [path, text] of readTree(join(FIXTURES, "validate", name, "repo"))) {
    files.set(path, text.replaceAll("{{FAKE_GITHUB_TOKEN}}", FAKE_GITHUB_TOKEN));
  }
  return files;
}
