/** Flux repositories through the CLI: init, cluster folders as environments move, classic chart repositories. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { environmentFromFlags } from "../src/commands/env-options.js";
import { environmentKustomizations, fluxGitUrl, helmRelease } from "../src/plan/flux.js";
import type { RepoConfig } from "../src/model.js";
import { parseDocuments, validateManifest, type Manifest } from "./support/manifests.js";
import { git, repoState, sandbox, treeAt, type Sandbox } from "./support/repo.js";
import { REPO_URL } from "./support/scenarios.js";
import { toolPath } from "./support/tools.js";

async function fluxRepository(initArgs: string[] = []): Promise<Sandbox> {
  const box = sandbox();
  const init = await box.cli(["init", box.repo, "--controller", "flux", "--repo-url", REPO_URL, "--no-push", ...initArgs], box.root);
  expect(init.code, init.stderr).toBe(0);
  return box;
}

/** add-env (or set) and merge the branch, as a reviewer would. */
async function merged(box: Sandbox, args: string[]): Promise<void> {
  const result = await box.cli(args);
  expect(result.code, result.stderr).toBe(0);
  git(box.repo, ["merge", "--quiet", "--ff-only", `gitops-redis/${args[0]}-${args[1]}`], box.env);
}

function changedFiles(box: Sandbox, branch: string): string[] {
  // git lists by path; renames are shown as a delete and an add.
  return git(box.repo, ["diff", "--no-renames", "--name-status", "main", branch], box.env).split("\n");
}

describe("init --controller flux", () => {
  it("writes no Argo CD files and records the controller", async () => {
    const box = await fluxRepository();
    const tree = treeAt(box.repo, "HEAD");
    expect(Object.keys(tree).sort()).toEqual([".github/workflows/validate.yaml", ".gitignore", "README.md", "gitops-redis.yaml", "renovate.json", "values/base.yaml"]);
    const config = parse(tree["gitops-redis.yaml"]!) as Record<string, unknown>;
    expect(config.controller).toBe("flux");
    expect(config).not.toHaveProperty("argocd");
    expect(tree["README.md"]).toContain("kubectl apply -f clusters/<cluster>/gitops-redis-sync.yaml");
    expect(tree["README.md"]).not.toContain("root-app");
  });

  it("refuses an unknown controller before writing anything", async () => {
    const box = sandbox();
    const result = await box.cli(["init", box.repo, "--controller", "fluxcd", "--repo-url", REPO_URL], box.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid --controller "fluxcd": expected one of argocd, flux');
    expect(execFileSync("ls", ["-A", box.root], { encoding: "utf8" }).split("\n")).not.toContain("repo");
  });
});

describe("flux cluster folders", () => {
  it("moves an environment's file with --cluster and keeps the sync file of a cluster left empty, so its Flux prunes what ran there", async () => {
    const box = await fluxRepository();
    await merged(box, ["add-env", "dev", "--storage", "existing:nfs"]);
    await merged(box, ["add-env", "prod", "--storage", "existing:nfs", "--cluster", "eu"]);

    const stay = await box.cli(["set", "dev", "--cluster", "eu"]);
    expect(stay.code, stay.stderr).toBe(0);
    expect(changedFiles(box, "gitops-redis/set-dev")).toEqual([
      "D\tclusters/default/redis-dev.yaml",
      "A\tclusters/eu/redis-dev.yaml",
      "M\tgitops-redis.yaml",
    ]);

    const away = await box.cli(["set", "prod", "--cluster", "us"]);
    expect(away.code, away.stderr).toBe(0);
    expect(changedFiles(box, "gitops-redis/set-prod")).toEqual([
      "D\tclusters/eu/redis-prod.yaml",
      "A\tclusters/us/gitops-redis-sync.yaml",
      "A\tclusters/us/redis-prod.yaml",
      "M\tgitops-redis.yaml",
    ]);
    const [source, entry] = parseDocuments(treeAt(box.repo, "gitops-redis/set-prod")["clusters/us/gitops-redis-sync.yaml"]!, "sync") as Manifest[];
    expect(source!.spec).toMatchObject({ url: REPO_URL, ref: { branch: "main" } });
    expect(entry!.spec).toMatchObject({ path: "./clusters/us", prune: true });
  });

  it("re-running set with the same settings changes nothing", async () => {
    const box = await fluxRepository();
    await merged(box, ["add-env", "edge", "--storage", "local", "--replicas", "0", "--topology", "standalone", "--node", "n1=/mnt/redis"]);
    const before = repoState(box.repo);
    const again = await box.cli(["set", "edge", "--replicas", "0"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("nothing to change");
    expect(repoState(box.repo)).toBe(before);
  });
});

describe("flux chart sources", () => {
  it("uses HelmRepository + chart.spec for a classic https chart repository, and it builds", async () => {
    const box = await fluxRepository(["--chart-repo", "https://charts.bitnami.com/bitnami", "--chart-version", "19.6.1"]);
    const result = await box.cli(["add-env", "dev", "--storage", "existing:nfs"]);
    expect(result.code, result.stderr).toBe(0);
    const tree = treeAt(box.repo, "gitops-redis/add-env-dev");
    const [source] = parseDocuments(tree["envs/dev/flux/source.yaml"]!, "source").map((o) => validateManifest(o, "source"));
    const [release] = parseDocuments(tree["envs/dev/flux/helmrelease.yaml"]!, "release").map((o) => validateManifest(o, "release"));
    expect(source).toMatchObject({ kind: "HelmRepository", apiVersion: "source.toolkit.fluxcd.io/v1", spec: { url: "https://charts.bitnami.com/bitnami" } });
    expect(release!.spec).not.toHaveProperty("chartRef");
    expect(release!.spec).toMatchObject({
      chart: { spec: { chart: "redis", version: "19.6.1", sourceRef: { kind: "HelmRepository", name: "redis-dev", namespace: "flux-system" } } },
    });
    git(box.repo, ["switch", "--quiet", "gitops-redis/add-env-dev"], box.env);
    const built = execFileSync(toolPath("kubectl"), ["kustomize", "--load-restrictor", "LoadRestrictionsNone", `${box.repo}/envs/dev/flux`], { encoding: "utf8" });
    expect(parseDocuments(built, "build").map((o) => (o as Manifest).kind).sort()).toEqual(["ConfigMap", "ConfigMap", "HelmRelease", "HelmRepository"]);
  });
});

describe("flux rendering of settings", () => {
  const config = { controller: "flux", chart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: "redis", version: "23.1.1" } } as RepoConfig;
  const spec = environmentFromFlags("dev", { storage: "existing:nfs" }, undefined, "flux").spec!;

  it("suspends the Kustomizations when the environment does not sync automatically, like Argo CD's manual sync", () => {
    expect(environmentKustomizations(spec, false)[0]!.spec).not.toHaveProperty("suspend");
    const manual = { ...spec, syncPolicy: { ...spec.syncPolicy, automated: false } };
    for (const k of environmentKustomizations(manual, true)) expect(k.spec).toMatchObject({ suspend: true });
  });

  it("turns Argo CD's selfHeal into helm-controller drift detection", () => {
    expect(helmRelease(config, spec).spec).toMatchObject({ driftDetection: { mode: "enabled" } });
    const noHeal = { ...spec, syncPolicy: { ...spec.syncPolicy, selfHeal: false } };
    expect(helmRelease(config, noHeal).spec).not.toHaveProperty("driftDetection");
  });

  it("references a deploy key Secret when Flux clones over SSH, and the README says how to make it", async () => {
    const box = sandbox();
    const init = await box.cli(["init", box.repo, "--controller", "flux", "--repo-url", "git@github.com:acme/redis-gitops.git", "--no-push"], box.root);
    expect(init.code, init.stderr).toBe(0);
    expect(treeAt(box.repo, "HEAD")["README.md"]).toContain("flux create secret git gitops-redis -n flux-system --url ssh://git@github.com/acme/redis-gitops.git");
    expect((await box.cli(["add-env", "dev", "--storage", "existing:nfs"])).code).toBe(0);
    const sync = treeAt(box.repo, "gitops-redis/add-env-dev")["clusters/default/gitops-redis-sync.yaml"]!;
    const [source] = parseDocuments(sync, "sync").map((o) => validateManifest(o, "sync"));
    expect(source!.spec).toMatchObject({ url: "ssh://git@github.com/acme/redis-gitops.git", secretRef: { name: "gitops-redis" } });
  });

  it("gives Flux an ssh:// URL for an scp-like git remote", () => {
    expect(fluxGitUrl("git@github.com:acme/redis-gitops.git")).toBe("ssh://git@github.com/acme/redis-gitops.git");
    expect(fluxGitUrl("https://github.com/acme/redis-gitops.git")).toBe("https://github.com/acme/redis-gitops.git");
    expect(fluxGitUrl("ssh://git@github.com/acme/redis-gitops.git")).toBe("ssh://git@github.com/acme/redis-gitops.git");
  });
});
