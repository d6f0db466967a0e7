/**
 * Quick measurement: a repository with N environments (default 1000) built by the real plan, validated by the pure
 * core (with schema models) and, with --write <dir>, written to disk for timing the CLI.
 * Run: npx esbuild bench/validate-1000.ts --bundle --platform=node --format=esm --packages=external --outfile=.tools/bench.mjs && node .tools/bench.mjs [N] [--write dir]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { Problems, parseEnvironment } from "../src/config/schema.js";
import { CONFIG_FILE } from "../src/layout.js";
import type { RepoConfig } from "../src/model.js";
import { planEnvironmentFiles } from "../src/plan/environment.js";
import { planInitFiles } from "../src/plan/init.js";
import { loadSchemas } from "../src/manifests/schemas.js";
import { objectKinds, validateRepository } from "../src/validate/index.js";

const count = Number(process.argv[2] ?? 1000);
const config: RepoConfig = {
  controller: "argocd",
  repoUrl: "https://git.example.invalid/redis.git",
  defaultBranch: "main",
  chart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: "redis", version: "23.1.1" },
  argocd: { namespace: "argocd", project: "default" },
  environments: {},
};
const files = new Map(planInitFiles(config, "0.0.0-bench"));
let t = performance.now();
for (let i = 0; i < count; i++) {
  const name = `env${i}`;
  const kind = ["existing", "openebs-hostpath", "local"][i % 3]!;
  const spec = parseEnvironment(
    name,
    {
      namespace: `redis-${name}`,
      cluster: `https://cluster-${Math.floor(i / 100)}.example.invalid`,
      replicas: 1,
      size: { master: "8Gi", replica: "8Gi" },
      storage: {
        kind,
        className: kind === "existing" ? "nfs" : `redis-${name}-${kind}`,
        reclaimPolicy: "Retain",
        ...(kind === "openebs-hostpath" ? { basePath: "/data/redis" } : {}),
        ...(kind === "local" ? { volumes: [{ node: "n1", path: "/d" }, { node: "n2", path: "/d" }] } : {}),
      },
      expose: i % 2 ? { type: "NodePort", nodePort: 30000 + (i % 100) * 20 } : { type: "ClusterIP" },
      auth: { existingSecret: `${name}-redis-auth` },
    },
    new Problems(),
  );
  config.environments[name] = spec;
  for (const [path, content] of planEnvironmentFiles(config, spec, files)) if (content !== null) files.set(path, content);
}
console.log(`planned ${count} environments, ${files.size} files, ${(files.get(CONFIG_FILE)!.length / 1024).toFixed(0)} KiB config in ${(performance.now() - t).toFixed(0)} ms`);

t = performance.now();
const schemas = await loadSchemas(objectKinds(files));
const load = performance.now() - t;
t = performance.now();
const findings = validateRepository(files, { schemas, baseFiles: files });
const first = performance.now() - t;
t = performance.now();
validateRepository(files, { schemas, baseFiles: files });
const second = performance.now() - t;
console.log(`schema models ${load.toFixed(0)} ms; validate (with data-safety against itself) ${first.toFixed(0)} ms cold, ${second.toFixed(0)} ms warm; ${findings.length} findings`);
for (const f of findings.slice(0, 5)) console.log(`  ${f.path}:${f.line}:${f.col} ${f.rule} ${f.message}`);

const write = process.argv.indexOf("--write");
if (write > 0) {
  const dir = process.argv[write + 1]!;
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  console.log(`wrote ${dir}`);
}
