/**
 * Golden repositories: every file of the environment's branch for the three PRODUCT.md scenarios, per controller,
 * compared with test/golden/<controller>/<scenario>/ so reviewers see what users get.
 * After an intended change: UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts, then review the diff.
 */
import { describe, expect, it } from "vitest";
import { golden } from "./support/golden.js";
import { SCENARIOS, scenarioTree } from "./support/scenarios.js";

for (const controller of ["argocd", "flux"] as const) {
  describe(`golden ${controller} repositories`, () => {
    it.each(Object.keys(SCENARIOS))("%s", async (name) => {
      const tree = await scenarioTree(controller, SCENARIOS[name]!);
      const stored = golden(`${controller}/${name}`, tree);
      expect(Object.keys(tree).sort()).toEqual(Object.keys(stored).sort());
      for (const path of Object.keys(tree)) expect(tree[path], `${path} differs from test/golden/${controller}/${name}/${path}`).toBe(stored[path]);
    });
  });
}
