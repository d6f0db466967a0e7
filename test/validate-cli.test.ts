import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CI_PINS } from "../src/plan/init.js";
import { git, sandbox, treeAt, type Sandbox } from "./support/repo.js";
import { toolPath } from "./support/tools.js";
import { REPO_URL, SCENARIOS as GOLDEN_SCENARIOS } from "./support/scenarios.js";

const SCENARIOS: Record<string, string[]> = {
  "existing nfs": ["add-env", "dev", "--storage", "existing:nfs", "--replicas", "1"],
  "openebs hostpath, nodeport 31379, image registry": [
    "add-env", "prod", "--storage", "openebs-hostpath", "--base-path", "/data/redis", "--replicas", "2",
    "--expose", "nodeport:31379", "--image-registry", "myharbor.com/bigdata",
  ],
  "local with 2 nodes": ["add-env", "edge", "--storage", "local", "--replicas", "1", "--node", "node1=/data/redis", "--node", "node2=/data/redis"],
};

async function initWith(args: string[]): Promise<{ box: Sandbox; branch: string }> {
  const box = sandbox();
  expect((await box.cli(["init", box.repo, "--remote", box.remoteUrl], box.root)).code).toBe(0);
  const added = await box.cli(args);
  expect(added.code, added.stderr).toBe(0);
  const branch = `gitops-redis/add-env-${args[1]}`;
  git(box.repo, ["switch", "-q", branch], box.env);
  return { box, branch };
}

describe("validate on generated repositories", () => {
  for (const controller of ["argocd", "flux"] as const) {
    it.each(Object.keys(GOLDEN_SCENARIOS))(`${controller} %s: the output of init + add-env validates without errors`, async (name) => {
      const args = GOLDEN_SCENARIOS[name]!;
      const box = sandbox();
      const init = await box.cli(["init", box.repo, "--controller", controller, "--remote", box.remoteUrl, "--repo-url", REPO_URL], box.root);
      expect(init.code, init.stderr).toBe(0);
      expect((await box.cli([...args])).code).toBe(0);
      git(box.repo, ["switch", "-q", `gitops-redis/add-env-${args[1]}`], box.env);
      const result = await box.cli(["validate"]);
      expect(result.code, result.stdout).toBe(0);
      // Only an image registry keeps the chart's versioned docker.io/bitnami images away (FACTS §3).
      const mirrored = args.includes("--image-registry");
      expect(result.stdout).toMatch(new RegExp(`^${mirrored ? "" : "envs/\\S+/values.yaml:\\d+:\\d+  images  warning: versioned images docker.io/bitnami/redis:\\S+ left the free Bitnami catalog.*\\n"}0 errors, ${mirrored ? 0 : 1} warnings? in \\d+ files, compared with refs/heads/main\\n$`));
    });
  }

  it("--json prints one document with every finding; exit 1 on errors, 0 on warnings only", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    const values = join(box.repo, "envs/dev/values.yaml");
    const clean = readFileSync(values, "utf8");
    writeFileSync(values, clean.replace("    type: ClusterIP\n", "    type: NodePort\n    nodePorts:\n      redis: \"8080\"\n"));
    const bad = await box.cli(["validate", "--json"]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(["base", "errors", "files", "findings", "ok", "warnings"]);
    // The one warning is the images rule's: this scenario keeps the chart's default images.
    expect(report).toMatchObject({ ok: false, errors: 1, warnings: 1, base: "refs/heads/main" });
    expect((report.findings as { rule: string }[]).filter((f) => f.rule !== "images")).toEqual([
      {
        path: "envs/dev/values.yaml", line: 16, col: 7, rule: "nodeport", severity: "error",
        message: 'invalid master.service.nodePorts.redis "8080": the NodePort range is 30000-32767',
      },
    ]);
    const human = await box.cli(["validate"]);
    expect(human.stdout.split("\n").find((l) => l.includes("  nodeport  "))).toBe('envs/dev/values.yaml:16:7  nodeport  invalid master.service.nodePorts.redis "8080": the NodePort range is 30000-32767');

    writeFileSync(values, `${clean}extraFlagz: true\n`);
    const warned = await box.cli(["validate"]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain("chart-keys  warning: unknown key extraFlagz");
  });

  it("exit 2 where there is no gitops-redis repository", async () => {
    const box = sandbox();
    const result = await box.cli(["validate", box.root], box.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not a gitops-redis repository");
  });

  it("reports a persistence size change against the default branch as a data-safety risk", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    git(box.repo, ["switch", "-q", "main"], box.env);
    git(box.repo, ["merge", "-q", "--ff-only", "gitops-redis/add-env-dev"], box.env);
    const set = await box.cli(["set", "dev", "--size", "16Gi", "--no-push"]);
    expect(set.code, set.stderr).toBe(0);
    git(box.repo, ["switch", "-q", "gitops-redis/set-dev"], box.env);
    const result = await box.cli(["validate", "--json"]);
    expect(result.code).toBe(0);
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; path: string; message: string }[] }).findings;
    expect(findings.filter((f) => f.rule !== "images").map((f) => [f.rule, f.path, f.message.split(":")[0]])).toEqual([
      ["data-safety", "envs/dev/values.yaml", 'master.persistence.size changes from "2Gi" to "16Gi"'],
      ["data-safety", "envs/dev/values.yaml", 'replica.persistence.size changes from "2Gi" to "16Gi"'],
    ]);
  });
});

describe("validate: the config and the generated files name the same environments", () => {
  it.each(["argocd", "flux"])("%s: files of an environment taken out of the config, and an environment whose files are gone, are errors", async (controller) => {
    const box = sandbox();
    expect((await box.cli(["init", box.repo, "--controller", controller, "--repo-url", REPO_URL, "--no-push"], box.root)).code).toBe(0);
    for (const name of ["gone", "kept"]) {
      expect((await box.cli(["add-env", name, "--storage", "existing:nfs", "--no-push"])).code).toBe(0);
      git(box.repo, ["merge", "--quiet", "--ff-only", `gitops-redis/add-env-${name}`], box.env);
    }
    expect((await box.cli(["validate"])).code).toBe(0);

    const configFile = join(box.repo, "gitops-redis.yaml");
    const config = readFileSync(configFile, "utf8");
    writeFileSync(configFile, config.replace(/^  gone:\n(?:    .*\n)+/m, ""));
    const orphaned = await box.cli(["validate", "--json"]);
    expect(orphaned.code).toBe(1);
    const messages = (JSON.parse(orphaned.stdout) as { findings: { rule: string; message: string }[] }).findings.filter((f) => f.rule === "environments").map((f) => f.message);
    expect(messages).toEqual([expect.stringMatching(/^environment gone is not in gitops-redis\.yaml, but its files are still here and still deploy it/)]);

    writeFileSync(configFile, config);
    rmSync(join(box.repo, "envs", "kept"), { recursive: true });
    const missing = await box.cli(["validate", "--json"]);
    expect(missing.code).toBe(1);
    const missingMessages = (JSON.parse(missing.stdout) as { findings: { rule: string; message: string }[] }).findings.filter((f) => f.rule === "environments").map((f) => f.message);
    expect(missingMessages).toEqual([expect.stringMatching(/^environment kept is in gitops-redis\.yaml, but envs\/kept\/values\.yaml is missing: gitops-redis set kept writes its files again$/)]);
  });
});

describe("validate compared with the default branch", () => {
  it("finds no change on the default branch itself, whatever values/base-redis-cluster.yaml holds", async () => {
    const box = sandbox();
    expect((await box.cli(["init", box.repo, "--repo-url", REPO_URL, "--no-push"], box.root)).code).toBe(0);
    expect((await box.cli(["add-env", "shards", "--topology", "cluster", "--storage", "existing:nfs", "--no-push"])).code).toBe(0);
    git(box.repo, ["merge", "--quiet", "--ff-only", "gitops-redis/add-env-shards"], box.env);
    const file = join(box.repo, "values", "base-redis-cluster.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}global:\n  storageClass: fast\n`);
    git(box.repo, ["commit", "--quiet", "-am", "shared storage class"], box.env);
    const result = await box.cli(["validate", "--json"]);
    const report = JSON.parse(result.stdout) as { findings: { rule: string; message: string }[] };
    expect(report.findings.filter((f) => f.rule === "data-safety")).toEqual([]);
  });
});

describe("render", () => {
  it("prints exactly the controller and storage files a sync applies, without git or network", async () => {
    const { box, branch } = await initWith(SCENARIOS["local with 2 nodes"]!);
    const result = await box.cli(["render", "edge"], box.repo);
    expect(result.code, result.stderr).toBe(0);
    const tree = treeAt(box.repo, branch);
    const paths = ["argocd/environments/edge.yaml", "envs/edge/manifests/persistentvolumes.yaml", "envs/edge/manifests/storageclass.yaml"];
    const expected = paths.flatMap((p) => parseAllDocuments(tree[p]!).map((d) => d.toJS() as unknown));
    const rendered = parseAllDocuments(result.stdout).map((d) => d.toJS() as unknown);
    expect(rendered).toEqual(expected);
    expect(result.stdout.match(/^# Source: .*$/gm)).toEqual(paths.map((p) => `# Source: ${p}`));
  });

  it.each(["argocd", "flux"])("%s: prints Kubernetes objects only, no values or kustomize files, for every topology", async (controller) => {
    const box = sandbox();
    expect((await box.cli(["init", box.repo, "--controller", controller, "--repo-url", REPO_URL, "--no-push"], box.root)).code).toBe(0);
    const add = await box.cli(["add-env", "shards", "--topology", "cluster", "--storage", "existing:nfs", "--auth", "sealed-secret", "--no-push"]);
    expect(add.code, add.stderr).toBe(0);
    git(box.repo, ["switch", "-q", "gitops-redis/add-env-shards"], box.env);
    const result = await box.cli(["render", "shards"]);
    expect(result.code, result.stderr).toBe(0);
    const sources = result.stdout.match(/^# Source: .*$/gm) ?? [];
    expect(sources.length).toBeGreaterThan(1);
    expect(sources.filter((line) => /values|kustomiz/.test(line))).toEqual([]);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as { apiVersion?: unknown; kind?: unknown });
    expect(docs.filter((d) => typeof d?.apiVersion !== "string" || typeof d?.kind !== "string")).toEqual([]);
  });

  it("unknown environment: exit 2 and the known ones", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    const result = await box.cli(["render", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("known environments: dev");
  });

  it("--chart renders the chart with base + overlay values through helm template", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    const chart = join(import.meta.dirname, "fixtures", "chart");
    const result = await box.cli(["render", "dev", "--chart", chart, "--helm", toolPath("helm")]);
    expect(result.code, result.stderr).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string }; data?: unknown });
    const configMap = docs.find((d) => d?.kind === "ConfigMap");
    expect(configMap).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "dev-redis-settings", namespace: "redis-dev" },
      data: { architecture: "replication", size: "2Gi" },
    });
  });

  it("--chart renders a cluster environment with redis-cluster's base values, not redis's", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    const add = await box.cli(["add-env", "shards", "--topology", "cluster", "--cluster-nodes", "9", "--cluster-replicas", "2", "--storage", "existing:nfs", "--no-push"]);
    expect(add.code, add.stderr).toBe(0);
    git(box.repo, ["switch", "-q", "gitops-redis/add-env-shards"], box.env);
    const chart = join(import.meta.dirname, "fixtures", "chart-cluster");
    const result = await box.cli(["render", "shards", "--chart", chart, "--helm", toolPath("helm")]);
    expect(result.code, result.stderr).toBe(0);
    const configMap = parseAllDocuments(result.stdout).map((d) => d.toJS() as { kind?: string; data?: unknown }).find((d) => d?.kind === "ConfigMap");
    // nodes from the overlay, usePassword from values/base-redis-cluster.yaml, and no auth key from values/base.yaml.
    expect(configMap?.data).toEqual({ nodes: "9", usePassword: "true", auth: "false" });
  });

  it("--chart without a helm binary is a usage error", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    const result = await box.cli(["render", "dev", "--chart", "x.tgz", "--helm", join(box.root, "no-helm")]);
    expect(result.code).toBe(2);
  });
});

describe("generated CI", () => {
  it("renders every environment through the chart it deploys, pulling each chart once", async () => {
    const { box, branch } = await initWith(SCENARIOS["existing nfs"]!);
    git(box.repo, ["switch", "-q", "main"], box.env);
    git(box.repo, ["merge", "--quiet", "--ff-only", branch], box.env);
    for (const [name, flags] of [["shards", ["--topology", "cluster", "--cluster-nodes", "6"]], ["cache", []]] as const) {
      const added = await box.cli(["add-env", name, "--storage", "existing:nfs", ...flags, "--no-push"]);
      expect(added.code, added.stderr).toBe(0);
      git(box.repo, ["merge", "--quiet", "--ff-only", `gitops-redis/add-env-${name}`], box.env);
    }
    // clusterChart as a hand-edited config may have it: only the version; the rest comes from the defaults.
    const configFile = join(box.repo, "gitops-redis.yaml");
    const config = parse(readFileSync(configFile, "utf8")) as { clusterChart?: unknown };
    expect(config.clusterChart).toBeDefined();
    writeFileSync(configFile, readFileSync(configFile, "utf8").replace(/^clusterChart:\n(?:  .*\n)+/m, "clusterChart:\n  version: 13.0.5\n"));
    const workflow = parse(readFileSync(join(box.repo, ".github/workflows/validate.yaml"), "utf8")) as { jobs: { validate: { steps: { name?: string; run?: string }[] } } };
    const script = workflow.jobs.validate.steps.find((s) => s.name?.startsWith("helm template"))!.run!;

    // Stand-ins for the runner's tools: they record what the script asks of them. yq answers from the real file.
    const bin = join(box.root, "bin");
    const log = join(box.root, "calls.log");
    const yaml = JSON.stringify(join(import.meta.dirname, "..", "node_modules", "yaml", "dist", "index.js"));
    const tools: Record<string, string> = {
      curl: "#!/bin/sh\nexit 0\n",
      tar: '#!/bin/sh\nprintf "#!/bin/sh\\necho kubeconform \\"\\$@\\" >> $LOG\\n" > "$3/kubeconform"; chmod +x "$3/kubeconform"\n',
      helm: '#!/bin/sh\necho helm "$@" >> "$LOG"\nfor last; do :; done\nref=$2; version=$(echo "$@" | sed "s/.*--version \\([^ ]*\\).*/\\1/")\ntouch "$last/${ref##*/}-$version.tgz"\n',
      npx: '#!/bin/sh\necho npx "$@" >> "$LOG"\necho "kind: ConfigMap"\n',
      yq: `#!/usr/bin/env node
const { parse } = require(${yaml});
const [expr, file] = process.argv.slice(2);
const doc = parse(require("node:fs").readFileSync(file, "utf8"));
if (expr === ".environments | keys | .[]") { console.log(Object.keys(doc.environments).join("\\n")); process.exit(0); }
// Paths and string literals, with yq's alternative operator: the first that is not null wins.
const pick = (alt) => {
  if (alt.startsWith('"')) return JSON.parse(alt);
  let value = doc;
  for (const key of alt.slice(1).match(/"[^"]+"|[^.]+/g)) value = value == null ? undefined : value[key.replace(/"/g, "")];
  return value;
};
const value = expr.split(" // ").map(pick).find((v) => v !== undefined && v !== null);
console.log(value === undefined ? "null" : String(value));
`,
    };
    mkdirSync(bin);
    for (const [tool, text] of Object.entries(tools)) writeFileSync(join(bin, tool), text, { mode: 0o755 });
    const run = spawnSync("bash", ["--norc", "--noprofile", "-c", script], {
      cwd: box.repo,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: box.root, RUNNER_TEMP: join(box.root, "tmp"), LOG: log, GITOPS_REDIS_VERSION: "9.9.9", KUBECONFORM_VERSION: "v0" },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const calls = readFileSync(log, "utf8").replaceAll(join(box.root, "tmp"), "$TMP").trim().split("\n");
    expect(calls).toEqual([
      "helm pull oci://registry-1.docker.io/bitnamicharts/redis --version 23.1.1 -d $TMP/chart",
      "npx --yes gitops-redis@9.9.9 render dev --chart $TMP/chart/redis-23.1.1.tgz",
      "kubeconform -strict -summary -ignore-missing-schemas $TMP/dev.yaml",
      "helm pull oci://registry-1.docker.io/bitnamicharts/redis-cluster --version 13.0.5 -d $TMP/chart",
      "npx --yes gitops-redis@9.9.9 render shards --chart $TMP/chart/redis-cluster-13.0.5.tgz",
      "kubeconform -strict -summary -ignore-missing-schemas $TMP/shards.yaml",
      "npx --yes gitops-redis@9.9.9 render cache --chart $TMP/chart/redis-23.1.1.tgz",
      "kubeconform -strict -summary -ignore-missing-schemas $TMP/cache.yaml",
    ]);
  });

  it("the workflow is valid YAML, runs the same gitops-redis version and pins every action and tool", async () => {
    const { box } = await initWith(SCENARIOS["existing nfs"]!);
    const text = readFileSync(join(box.repo, ".github/workflows/validate.yaml"), "utf8");
    const workflow = parse(text) as { env: Record<string, string>; jobs: { validate: { steps: { uses?: string; run?: string }[] } } };
    const version = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version;
    expect(workflow.env).toEqual({ GITOPS_REDIS_VERSION: version, HELM_VERSION: CI_PINS.helm, KUBECONFORM_VERSION: CI_PINS.kubeconform });
    const uses = workflow.jobs.validate.steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBe(3);
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    expect(text.match(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/gm)?.length).toBe(3);
    const runs = workflow.jobs.validate.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain('npx --yes "gitops-redis@$GITOPS_REDIS_VERSION" validate');
    expect(runs).toContain("kubeconform");
    expect(runs).not.toMatch(/secrets\./);
    const renovate = JSON.parse(readFileSync(join(box.repo, "renovate.json"), "utf8")) as Record<string, { managerFilePatterns?: string[] }>;
    expect(Object.keys(renovate).filter((k) => renovate[k]?.managerFilePatterns)).toEqual(["argocd", "flux", "helm-values"]);
    expect(renovate.argocd?.managerFilePatterns?.some((p) => new RegExp(p.slice(1, -1)).test("argocd/environments/dev.yaml"))).toBe(true);
    expect(renovate["helm-values"]?.managerFilePatterns?.some((p) => new RegExp(p.slice(1, -1)).test("envs/dev/values.yaml"))).toBe(true);
  });
});
