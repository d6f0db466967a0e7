/** Finds files shipped beside the code (blueprints/, environments/, schema/), from src/ in development and dist/ when bundled. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

let packageRoot: string | undefined;

function findPackageRoot(): string {
  if (packageRoot) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "blueprints"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("gitops-redis: cannot find its blueprints/ folder; reinstall the package");
    dir = parent;
  }
  packageRoot = dir;
  return dir;
}

export type AssetFolder = "blueprints" | "environments" | "schema";

export function readAsset(folder: AssetFolder, file: string): string {
  return readFileSync(join(findPackageRoot(), folder, file), "utf8");
}

export function listAssets(folder: AssetFolder): string[] {
  return readdirSync(join(findPackageRoot(), folder)).sort();
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(findPackageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

export function presetNames(): string[] {
  return listAssets("environments")
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""));
}
