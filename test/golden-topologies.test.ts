/**
 * Golden trees per topology and controller: the files an add-env commit changes, plus the notes the command prints.
 * UPDATE_GOLDEN=1 npx vitest run test/golden-topologies.test.ts rewrites them.
 */
import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { golden } from "./support/golden.js";
import { git, sandbox } from "./support/repo.js";

const NOTES_FILE = "NOTES.txt";

/** One case per topology; together they cover every storage kind and every new setting once. */
const CASES: Record<string, string[]> = {
  standalone: [
    "--topology", "standalone", "--storage", "existing:nfs", "--size", "4Gi",
    "--expose", "loadbalancer:10.0.0.5", "--service-annotation", "metallb.universe.tf/address-pool=redis",
    "--auth", "sealed-secret", "--tls", "auto",
  ],
  replication: [
    "--storage", "openebs-hostpath", "--base-path", "/dataspace1/redis-data/redis", "--replicas", "2",
    "--expose", "nodeport:31379", "--image-registry", "myharbor.com/bigdata", "--metrics", "servicemonitor",
  ],
  sentinel: [
    "--topology", "sentinel", "--replicas", "3", "--storage", "local",
    "--node", "node1=/data/redis", "--node", "node2=/data/redis", "--node", "node3=/data/redis",
    "--expose", "nodeport:31400", "--sentinel-master-set", "cache", "--tls", "existing-secret:redis-tls",
    "--auth", "existing-secret:redis-password:password",
  ],
  cluster: [
    "--topology", "cluster", "--cluster-nodes", "6", "--cluster-replicas", "1",
    "--storage", "nfs", "--nfs-server", "10.0.0.2", "--nfs-path", "/exports/redis",
    "--auth", "external-secret:vault:redis/prod", "--bitnami-legacy",
  ],
};

for (const controller of ["argocd", "flux"] as const) describe(`golden trees per topology (${controller})`, () => {
  for (const [topology, flags] of Object.entries(CASES)) {
    it(`${topology}: add-env writes the expected files`, async () => {
      const box = sandbox();
      const init = await box.cli(["init", box.repo, "--controller", controller, "--repo-url", "https://git.example.com/platform/redis.git", "--no-push"], box.root);
      expect(init.code, init.stderr).toBe(0);
      const result = await box.cli(["add-env", "prod", ...flags, "--no-push"]);
      expect(result.code, result.stderr).toBe(0);

      const branch = "gitops-redis/add-env-prod";
      const changed = git(box.repo, ["diff", "--name-only", "main", branch], box.env).split("\n").filter(Boolean);
      const files: Record<string, string> = Object.fromEntries(
        changed.map((path) => [path, git(box.repo, ["show", `${branch}:${path}`], box.env) + "\n"]),
      );
      files[NOTES_FILE] = result.stdout.split("\n").filter((l) => /^(Password|Connect|Warning): /.test(l)).join("\n") + "\n";

      expect(files).toEqual(golden(`topologies/${controller}/${topology}`, files));

      // The whole repository, once the branch is merged, passes the validate its CI runs: no errors, and every values
      // key known to the chart the environment deploys (redis-cluster's for a cluster).
      git(box.repo, ["merge", "--quiet", "--ff-only", branch], box.env);
      const validated = await box.cli(["validate", "--json"]);
      const report = JSON.parse(validated.stdout) as { ok: boolean; findings: { path: string; rule: string; severity: string; message: string }[] };
      expect(report.findings.filter((f) => f.severity === "error" || f.rule === "chart-keys"), validated.stderr).toEqual([]);
      expect(validated.code).toBe(0);
    });
  }
});

describe("both controllers deploy the same chart and values for every topology", () => {
  it.each(Object.keys(CASES))("%s", async (topology) => {
    const { readGolden } = await import("./support/golden.js");
    const { parse } = await import("yaml");
    const argo = readGolden(`topologies/argocd/${topology}`);
    const flux = readGolden(`topologies/flux/${topology}`);
    const app = parse(argo["argocd/environments/prod.yaml"]!) as { spec: { sources: { repoURL: string; chart?: string; targetRevision: string; helm?: { valueFiles: string[] } }[] } };
    const chartSource = app.spec.sources[0]!;
    const source = parse(flux["envs/prod/flux/source.yaml"]!) as { spec: { url: string; ref: { tag: string } } };
    expect(source.spec.url).toBe(`oci://${chartSource.repoURL}/${chartSource.chart}`);
    expect(source.spec.ref.tag).toBe(chartSource.targetRevision);
    const kustomization = parse(flux["envs/prod/flux/kustomization.yaml"]!) as { configMapGenerator: { files: string[] }[] };
    // Generator files are `values.yaml=<path relative to envs/prod/flux>`.
    const fluxValueFiles = kustomization.configMapGenerator.map((g) => posix.join("envs/prod/flux", g.files[0]!.split("=")[1]!));
    expect(fluxValueFiles).toEqual(chartSource.helm!.valueFiles.map((f) => f.replace("$values/", "")));
  });
});
