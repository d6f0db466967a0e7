/**
 * Contract with the pinned charts in ../shared/charts (Bitnami chart data): the shipped key lists are current, every
 * key gitops-redis writes exists in the chart, and the merged values validate against values.schema.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHARTS_DIR, OUTPUT, generate, serialize } from "../scripts/chart-keys.mjs";
import { parseEnvironment, Problems } from "../src/config/schema.js";
import { IN_CLUSTER, SUPPORTED_CHART_VERSIONS } from "../src/model.js";
import { baseValues } from "../src/plan/init.js";
import { environmentValues } from "../src/plan/values.js";
import { mergeValues } from "../src/validate/repo.js";

const charts = DEFAULT_CHARTS_DIR;
const present = existsSync(charts);
if (!present) console.warn(`SKIPPED chart contract tests: ${charts} (../shared/charts from the project root) is absent`);

const SCENARIOS: Record<string, unknown> = {
  "existing nfs": { namespace: "redis-dev", replicas: 1, size: { master: "8Gi", replica: "8Gi" }, storage: { kind: "existing", className: "nfs", reclaimPolicy: "Retain" }, auth: { existingSecret: "dev-redis-auth" } },
  "openebs, nodeport 31379, image registry": {
    namespace: "redis-prod", replicas: 2, size: { master: "8Gi", replica: "8Gi" },
    storage: { kind: "openebs-hostpath", className: "redis-prod-openebs-hostpath", reclaimPolicy: "Retain", basePath: "/data/redis" },
    expose: { type: "NodePort", nodePort: 31379 }, imageRegistry: "myharbor.com/bigdata", auth: { existingSecret: "prod-redis-auth" },
    resources: { master: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
  },
  "local, 2 nodes": {
    namespace: "redis-edge", replicas: 1, size: { master: "8Gi", replica: "8Gi" },
    storage: { kind: "local", className: "redis-edge-local", reclaimPolicy: "Retain", volumes: [{ node: "n1", path: "/data/redis" }, { node: "n2", path: "/data/redis" }] },
    auth: { existingSecret: "edge-redis-auth" },
  },
};

function keysOf(values: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, prefix: string) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      out.add(prefix ? `${prefix}.${key}` : key);
      walk(child, prefix ? `${prefix}.${key}` : key);
    }
  };
  walk(values, "");
  return out;
}

describe.skipIf(!present)("pinned chart data (../shared/charts)", () => {
  it("src/validate/chart-keys.json is what scripts/chart-keys.mjs generates (run it after adding a chart)", () => {
    expect(readFileSync(OUTPUT, "utf8")).toBe(serialize(generate(charts)));
  });

  for (const version of SUPPORTED_CHART_VERSIONS) {
    describe(`redis ${version}`, () => {
      const dir = join(charts, `redis-${version}`);
      const chartValues = parse(readFileSync(join(dir, "values.yaml"), "utf8")) as Record<string, unknown>;
      const known = keysOf(chartValues);

      it.each(Object.keys(SCENARIOS))("every key the %s scenario writes exists in values.yaml", (name) => {
        const problems = new Problems();
        const env = parseEnvironment("env", { cluster: IN_CLUSTER, ...(SCENARIOS[name] as object) }, problems);
        expect(problems.list).toEqual([]);
        const written = keysOf(environmentValues(env, { repository: "oci://x/y", name: "redis", version }));
        // resources.requests/limits sit below a map the chart leaves open ({} in 19+).
        const missing = [...written].filter((key) => !known.has(key) && !/\.resources\./.test(key) && !(key === "global.security.allowInsecureImages" && !known.has("global.security")));
        expect(missing).toEqual([]);
      });

      it.each(Object.keys(SCENARIOS))("merged values of the %s scenario validate against values.schema.json", (name) => {
        const schema = JSON.parse(readFileSync(join(dir, "values.schema.json"), "utf8")) as object;
        const env = parseEnvironment("env", { cluster: IN_CLUSTER, ...(SCENARIOS[name] as object) }, new Problems());
        const merged = mergeValues(mergeValues(chartValues, baseValues()), environmentValues(env, { repository: "oci://x/y", name: "redis", version }));
        const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
        expect(validate(merged), JSON.stringify(validate.errors)).toBe(true);
      });
    });
  }
});
