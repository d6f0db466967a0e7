/**
 * Golden trees per topology: the files an add-env commit changes, plus the notes the command prints.
 * UPDATE_GOLDEN=1 npx vitest run test/golden-topologies.test.ts rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git, sandbox } from "./support/repo.js";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden", "topologies");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
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

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function writeTree(dir: string, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

describe("golden trees per topology (Argo CD)", () => {
  for (const [topology, flags] of Object.entries(CASES)) {
    it(`${topology}: add-env writes the expected files`, async () => {
      const box = sandbox();
      const init = await box.cli(["init", box.repo, "--repo-url", "https://git.example.com/platform/redis.git", "--no-push"], box.root);
      expect(init.code, init.stderr).toBe(0);
      const result = await box.cli(["add-env", "prod", ...flags, "--no-push"]);
      expect(result.code, result.stderr).toBe(0);

      const branch = "gitops-redis/add-env-prod";
      const changed = git(box.repo, ["diff", "--name-only", "main", branch], box.env).split("\n").filter(Boolean);
      const files: Record<string, string> = Object.fromEntries(
        changed.map((path) => [path, git(box.repo, ["show", `${branch}:${path}`], box.env) + "\n"]),
      );
      files[NOTES_FILE] = result.stdout.split("\n").filter((l) => /^(Password|Connect|Warning): /.test(l)).join("\n") + "\n";

      const dir = join(GOLDEN, topology);
      if (UPDATE) writeTree(dir, files);
      expect(files).toEqual(readTree(dir));
    });
  }
});
