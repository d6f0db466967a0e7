import { beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, gitEnv, repoState, runCli } from "./support/repo.js";

/** One repository with environment prod (NodePort 31379, namespace redis) merged on main, copied per case. */
let template: string;
beforeAll(async () => {
  template = mkdtempSync(join(tmpdir(), "gitops-redis-bad-"));
  const env = gitEnv(template);
  git(template, ["init", "--quiet", "--bare", "--initial-branch=main", "remote.git"], env);
  const cli = (args: string[], cwd: string) => runCli(args, { cwd, env });
  expect((await cli(["init", "repo", "--remote", `file://${template}/remote.git`], template)).code).toBe(0);
  const repo = join(template, "repo");
  const added = await cli(["add-env", "prod", "--namespace", "redis", "--storage", "existing:nfs", "--expose", "nodeport:31379"], repo);
  expect(added.code, added.stderr).toBe(0);
  git(repo, ["merge", "--quiet", "--ff-only", "gitops-redis/add-env-prod"], env);
  git(repo, ["push", "--quiet", "origin", "main"], env);
  return () => rmSync(template, { recursive: true, force: true });
});

function copy(): { root: string; repo: string; remote: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), "gitops-redis-case-"));
  cpSync(template, root, { recursive: true });
  git(join(root, "repo"), ["remote", "set-url", "origin", `file://${root}/remote.git`], gitEnv(root));
  return { root, repo: join(root, "repo"), remote: join(root, "remote.git"), env: gitEnv(root) };
}

const S = ["--storage", "existing:nfs"];
const CASES: Array<[string, string[], RegExp]> = [
  ["name starts with a digit", ["add-env", "1prod", ...S], /invalid environment name "1prod": .*starting with a letter/],
  ["name with capitals", ["add-env", "Prod", ...S], /invalid environment name "Prod"/],
  ["name with underscore", ["add-env", "prod_eu", ...S], /invalid environment name "prod_eu"/],
  ["name with a path separator", ["add-env", "eu/prod", ...S], /invalid environment name "eu\/prod"/],
  ["name too long for a release", ["add-env", "a".repeat(48), ...S], /at most 47 characters.*Helm's 53/],
  ["NodePort below the range", ["add-env", "dev", ...S, "--expose", "nodeport:11379"], /invalid --expose 11379: the NodePort range is 30000-32767/],
  ["NodePort above the range", ["add-env", "dev", ...S, "--expose", "nodeport:40000"], /invalid --expose 40000: the NodePort range is 30000-32767/],
  ["NodePort used by another environment", ["add-env", "dev", ...S, "--expose", "nodeport:31379"], /invalid --expose 31379: port 31379 collides with port 31379 of environment prod on cluster https:\/\/kubernetes.default.svc/],
  ["NodePort without a port", ["add-env", "dev", ...S, "--expose", "nodeport"], /invalid --expose "nodeport": a NodePort needs a fixed port/],
  ["NodePort not a number", ["add-env", "dev", ...S, "--expose", "nodeport:abc"], /invalid --expose "abc": expected a number/],
  ["unknown exposure", ["add-env", "dev", ...S, "--expose", "public"], /invalid --expose "public": expected clusterip, nodeport:<port>\[:<sentinel-port>\] or loadbalancer\[:<ip>\]/],
  ["size in GB", ["add-env", "dev", ...S, "--size", "8GB"], /invalid --size "8GB": .*did you mean 8Gi\?/],
  ["size not a quantity", ["add-env", "dev", ...S, "--size", "lots"], /invalid --size "lots": expected a Kubernetes quantity/],
  ["negative replica size", ["add-env", "dev", ...S, "--replica-size", "-1Gi"], /invalid --replica-size "-1Gi"/],
  ["negative replicas", ["add-env", "dev", ...S, "--replicas", "-1"], /invalid --replicas "-1": expected a whole number from 0 to 50/],
  ["replicas in words", ["add-env", "dev", ...S, "--replicas", "two"], /invalid --replicas "two": expected a whole number/],
  ["too many replicas", ["add-env", "dev", ...S, "--replicas", "51"], /invalid --replicas 51: expected a whole number from 0 to 50/],
  ["unknown storage kind", ["add-env", "dev", "--storage", "ceph"], /invalid --storage "ceph": expected one of existing:<class>, nfs, openebs-hostpath, local/],
  ["existing storage without a class", ["add-env", "dev", "--storage", "existing"], /invalid --storage "existing": name the StorageClass/],
  ["no storage at all", ["add-env", "dev"], /missing --storage: choose existing:<class>, nfs, openebs-hostpath or local/],
  ["nfs without a server", ["add-env", "dev", "--storage", "nfs", "--nfs-path", "/export"], /missing --nfs-server: storage nfs needs the NFS server/],
  ["nfs without a path", ["add-env", "dev", "--storage", "nfs", "--nfs-server", "10.0.0.5"], /missing --nfs-path: storage nfs needs the exported path/],
  ["unknown nfs provisioner", ["add-env", "dev", "--storage", "nfs", "--nfs-server", "nas", "--nfs-path", "/x", "--nfs-provisioner", "nfs-ganesha"], /invalid --nfs-provisioner "nfs-ganesha": expected one of csi-driver-nfs, nfs-subdir-external-provisioner/],
  ["openebs without a base path", ["add-env", "dev", "--storage", "openebs-hostpath"], /missing --base-path: storage openebs-hostpath needs the directory/],
  ["relative base path", ["add-env", "dev", "--storage", "openebs-hostpath", "--base-path", "data/redis"], /invalid --base-path "data\/redis": expected an absolute path/],
  ["base path with a non-openebs kind", ["add-env", "dev", ...S, "--base-path", "/data"], /invalid --base-path "\/data": a base path only applies to storage openebs-hostpath, not existing/],
  ["fewer local volumes than pods", ["add-env", "dev", "--storage", "local", "--replicas", "2", "--node", "n1=/d", "--node", "n2=/d"], /2 local volume\(s\) for 3 Redis pods/],
  ["local storage without nodes", ["add-env", "dev", "--storage", "local"], /missing --node: storage local needs one --node host=path per Redis pod/],
  ["node without a path", ["add-env", "dev", "--storage", "local", "--node", "n1"], /invalid --node "n1": expected <node-name>=<absolute path>/],
  ["unknown preset", ["add-env", "dev", ...S, "--preset", "huge"], /invalid --preset "huge": expected one of dev, prod, staging/],
  ["namespace with capitals", ["add-env", "dev", ...S, "--namespace", "Redis_NS"], /invalid --namespace "Redis_NS": .*DNS-1123 label/],
  ["namespace of another environment", ["add-env", "dev", ...S, "--namespace", "redis"], /invalid --namespace "redis": already used by environment prod/],
  ["unknown topology", ["add-env", "dev", ...S, "--topology", "mesh"], /invalid --topology "mesh": expected one of/],
  ["standalone with replicas", ["add-env", "dev", ...S, "--topology", "standalone", "--replicas", "2"], /invalid --replicas 2: a standalone topology has no replicas/],
  ["unknown reclaim policy", ["add-env", "dev", ...S, "--reclaim-policy", "Recycle"], /invalid --reclaim-policy "Recycle": expected one of Retain, Delete/],
  ["cluster that is not a URL", ["add-env", "dev", ...S, "--cluster", "prod-cluster"], /invalid --cluster "prod-cluster": expected the Argo CD destination server URL/],
  ["registry with a scheme", ["add-env", "dev", ...S, "--image-registry", "https://myharbor.com"], /invalid --image-registry "https:\/\/myharbor.com": expected a registry host/],
  ["literal password", ["add-env", "dev", ...S, "--auth", "password:123456"], /invalid --auth "password:123456": .*never written to Git/],
  ["storage class with capitals", ["add-env", "dev", "--storage", "local", "--storage-class", "Local_SC", "--node", "a=/d", "--node", "b=/d", "--node", "c=/d"], /invalid --storage-class "Local_SC"/],
  ["unknown flag", ["add-env", "dev", ...S, "--replica", "2"], /unknown option '--replica'/],
  ["set on an unknown environment", ["set", "qa", "--replicas", "1"], /environment qa does not exist on main/],
  ["init with an unknown controller", ["init", "--controller", "helm"], /invalid --controller "helm": expected argocd/],
  ["init with a version range", ["init", "--chart-version", "^23"], /invalid --chart-version "\^23": expected a pinned chart version/],
  ["init with an ftp chart repo", ["init", "--chart-repo", "ftp://charts"], /invalid --chart-repo "ftp:\/\/charts"/],
  ["init with a bad GitHub slug", ["init", "--github", "acme"], /invalid --github "acme": expected owner\/repo/],
];

describe("bad input: one line naming the field, the value and what is allowed; exit 2; nothing changed", () => {
  it.each(CASES)("%s", async (_title, args, message) => {
    const box = copy();
    try {
      const before = repoState(box.repo, box.remote);
      const result = await runCli(args, { cwd: box.repo, env: box.env });
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n").filter((l) => l.startsWith("error:")).length).toBeLessThanOrEqual(1);
      expect(repoState(box.repo, box.remote)).toBe(before);
    } finally {
      rmSync(box.root, { recursive: true, force: true });
    }
  });

  it("reports every problem of one command at once", async () => {
    const box = copy();
    try {
      const result = await runCli(["add-env", "dev", "--storage", "nfs", "--replicas", "-1", "--size", "8GB"], { cwd: box.repo, env: box.env });
      expect(result.code).toBe(2);
      const lines = result.stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(lines.join("\n")).toMatch(/--replicas/);
      expect(lines.join("\n")).toMatch(/--nfs-server/);
      expect(lines.join("\n")).toMatch(/8Gi/);
    } finally {
      rmSync(box.root, { recursive: true, force: true });
    }
  });
});
