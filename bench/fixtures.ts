/** A repository with `count` environments, written through the real planning code and committed once. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_CLUSTER_CHART_NAME, DEFAULT_CLUSTER_CHART_VERSION, type RepoConfig } from "../src/model.js";
import { CONFIG_FILE } from "../src/layout.js";
import { configToData } from "../src/config/serialize.js";
import { renderBlueprint } from "../src/render/blueprints.js";
import { toYaml } from "../src/yaml.js";
import { planInitFiles } from "../src/plan/init.js";
import { planEnvironmentFiles } from "../src/plan/environment.js";
import { environmentFromFlags } from "../src/commands/env-options.js";

/** A host directory serves one Redis pod: local volumes get a folder per environment. */
const STORAGE = (i: number): string[][] => [
  ["--storage", "existing:nfs"],
  ["--storage", "openebs-hostpath", "--base-path", "/data/redis"],
  ["--storage", "local", "--replicas", "1", "--node", `node1=/mnt/redis/env${i}`, "--node", `node2=/mnt/redis/env${i}`],
];

function flagsFor(i: number): Record<string, unknown> {
  const kinds = STORAGE(i);
  const args = kinds[i % kinds.length]!;
  const flags: Record<string, unknown> = { expose: `nodeport:${30000 + i}` };
  for (let a = 0; a < args.length; a += 2) {
    const key = args[a]!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = args[a + 1]!;
    flags[key] = key === "node" ? [...((flags.node as string[]) ?? []), value] : value;
  }
  return flags;
}

export function benchRepository(dir: string, count: number): void {
  const config: RepoConfig = {
    controller: "argocd",
    repoUrl: "https://github.com/acme/redis-gitops.git",
    defaultBranch: "main",
    chart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: "redis", version: "23.1.1" },
    clusterChart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: DEFAULT_CLUSTER_CHART_NAME, version: DEFAULT_CLUSTER_CHART_VERSION },
    argocd: { namespace: "argocd", project: "default" },
    environments: {},
  };
  const files = new Map<string, string>(planInitFiles(config, "0.0.0-bench"));
  const initialConfig = files.get(CONFIG_FILE)!;
  for (let i = 1; i <= count; i++) {
    const name = `env${i}`;
    const { spec, problems } = environmentFromFlags(name, flagsFor(i));
    if (!spec) throw new Error(problems.join("\n"));
    config.environments[name] = spec;
    // Plan against the small initial config: rewriting the growing config 1,000 times would make set-up quadratic.
    const current = new Map(files).set(CONFIG_FILE, initialConfig);
    for (const [path, content] of planEnvironmentFiles(config, spec, current)) {
      if (path === CONFIG_FILE) continue;
      if (content === null) files.delete(path);
      else files.set(path, content);
    }
  }
  files.set(CONFIG_FILE, renderBlueprint("config.yaml.ejs", { body: toYaml(configToData(config)) }));
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const env = { PATH: process.env.PATH, HOME: dir, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@x.invalid", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@x.invalid" };
  execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: dir, env });
  execFileSync("git", ["add", "-A"], { cwd: dir, env });
  execFileSync("git", ["commit", "--quiet", "-m", "bench"], { cwd: dir, env });
}
