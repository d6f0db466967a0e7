/**
 * Golden trees of Flux repositories: every file of the environment's branch, compared byte for byte with
 * test/golden/flux/<scenario>/. Regenerate after an intended change with UPDATE_GOLDEN=1 npx vitest run test/golden-flux.test.ts
 * and review the diff.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { workTree } from "./support/repo.js";
import { SCENARIOS, scenarioTree } from "./support/scenarios.js";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden", "flux");

describe("flux golden trees", () => {
  it.each(Object.keys(SCENARIOS))("%s", async (name) => {
    const tree = await scenarioTree("flux", SCENARIOS[name]!);
    const dir = join(GOLDEN, name);
    if (process.env.UPDATE_GOLDEN) {
      rmSync(dir, { recursive: true, force: true });
      for (const [path, content] of Object.entries(tree)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    }
    const golden = workTree(dir);
    expect(Object.keys(tree).sort()).toEqual(Object.keys(golden).sort());
    for (const path of Object.keys(tree)) expect(tree[path], `${path} differs from test/golden/flux/${name}/${path}`).toBe(golden[path]);
  });
});
