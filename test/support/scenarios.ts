/** The environments every controller's output is checked on, built through the CLI on a real git repository. */
import { expect } from "vitest";
import type { Controller } from "../../src/model.js";
import { sandbox, treeAt } from "./repo.js";

/** A fixed clone URL (and no remote), so generated files carry no temporary paths. */
export const REPO_URL = "https://github.com/acme/redis-gitops.git";

export const SCENARIOS: Readonly<Record<string, readonly string[]>> = {
  dev: ["add-env", "dev", "--storage", "existing:nfs"],
  prod: [
    "add-env", "prod", "--namespace", "redis", "--storage", "openebs-hostpath", "--base-path", "/dataspace1/redis-data/redis",
    "--replicas", "2", "--expose", "nodeport:31379", "--image-registry", "myharbor.com/bigdata",
  ],
  edge: ["add-env", "edge", "--storage", "local", "--replicas", "1", "--node", "node1=/mnt/redis", "--node", "node2=/mnt/redis"],
};

/** Every file of the environment's branch after `init --controller <controller>` and the scenario's add-env. */
export async function scenarioTree(controller: Controller, args: readonly string[], initArgs: readonly string[] = []): Promise<Record<string, string>> {
  const box = sandbox();
  const init = await box.cli(["init", box.repo, "--controller", controller, "--repo-url", REPO_URL, "--no-push", ...initArgs], box.root);
  expect(init.code, init.stderr).toBe(0);
  const add = await box.cli([...args]);
  expect(add.code, add.stderr).toBe(0);
  return treeAt(box.repo, `gitops-redis/add-env-${args[1]}`);
}
