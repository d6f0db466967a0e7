/** Golden trees: a whole generated repository kept under test/golden/ so reviewers see what users get. */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const GOLDEN_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "golden");
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  try {
    walk(dir);
  } catch {
    return {};
  }
  return out;
}

export function readGolden(name: string): Record<string, string> {
  return readTree(join(GOLDEN_ROOT, name));
}

/** Returns the stored tree; with UPDATE_GOLDEN=1 it first replaces it with `actual`. */
export function golden(name: string, actual: Record<string, string>): Record<string, string> {
  const dir = join(GOLDEN_ROOT, name);
  if (UPDATE_GOLDEN) {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, content] of Object.entries(actual)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }
  return readTree(dir);
}
