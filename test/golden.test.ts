import { describe, expect, it } from "vitest";
import { golden } from "./support/golden.js";
import { sandbox, treeAt } from "./support/repo.js";
import { GOLDEN_REPO_URL, SCENARIOS } from "./support/scenarios.js";

describe("golden Argo CD repositories (test/golden/argocd/*; UPDATE_GOLDEN=1 to refresh)", () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const box = sandbox();
      expect((await box.cli(["init", box.repo, "--repo-url", GOLDEN_REPO_URL], box.root)).code).toBe(0);
      const result = await box.cli(scenario.args);
      expect(result.code, result.stderr).toBe(0);
      const tree = treeAt(box.repo, `gitops-redis/add-env-${scenario.env}`);
      expect(tree).toEqual(golden(`argocd/${scenario.name}`, tree));
    });
  }
});
