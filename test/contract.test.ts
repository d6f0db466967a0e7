/**
 * Contract with the pinned Bitnami charts (../shared/charts, data only): every key gitops-redis writes exists in
 * that version's values.yaml, and chart defaults + base values + overlay validate against values.schema.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { environmentFromFlags, type EnvFlags } from "../src/commands/env-options.js";
import type { EnvironmentSpec } from "../src/model.js";
import type { ChartSource } from "../src/model.js";
import { chartKindOf } from "../src/plan/charts.js";
import { baseValues, clusterBaseValues } from "../src/plan/init.js";
import { MANAGED_VALUE_KEYS, environmentValues } from "../src/plan/values.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const chartsDir = resolve(projectRoot, "../shared/charts");
const haveCharts = existsSync(chartsDir);
const SKIP_REASON = `chart data not found at ${chartsDir} (a clone outside the gitops-redis workspace); contract tests skipped`;
if (!haveCharts) console.warn(`SKIPPED: ${SKIP_REASON}`);

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

interface Chart {
  source: ChartSource;
  values: Values;
  schema?: Values;
}

function loadChart(name: string, version: string): Chart {
  const dir = join(chartsDir, `${name}-${version}`);
  const schemaFile = join(dir, "values.schema.json");
  return {
    source: { repository: "oci://registry-1.docker.io/bitnamicharts", name, version },
    values: parse(readFileSync(join(dir, "values.yaml"), "utf8")) as Values,
    schema: existsSync(schemaFile) ? (JSON.parse(readFileSync(schemaFile, "utf8")) as Values) : undefined,
  };
}

/** Key paths of `written` that the chart does not have; a key below a map the chart leaves empty (`{}`) is fine. */
function unknownKeys(written: Values, chart: Values, prefix = ""): string[] {
  return Object.entries(written).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in chart)) return [path];
    const theirs = chart[key];
    if (isMap(value) && isMap(theirs) && Object.keys(theirs).length > 0) return unknownKeys(value, theirs, path);
    return [];
  });
}

function leafPaths(values: Values, prefix = ""): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isMap(value) && Object.keys(value).length > 0 ? leafPaths(value, path) : [path];
  });
}

function merge(...layers: Values[]): Values {
  const out: Values = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      out[key] = isMap(value) && isMap(out[key]) ? merge(out[key], value) : value;
    }
  }
  return out;
}

function validator(schema: Values): (data: unknown) => string[] {
  const { $schema: _ignored, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(rest);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`));
}

/** Every topology with the settings that add keys: exposure, images, auth, TLS, metrics. */
const CASES: Record<string, EnvFlags> = {
  "standalone clusterip": { topology: "standalone", storage: "existing:nfs" },
  "standalone loadbalancer, sealed-secret, tls auto": {
    topology: "standalone",
    storage: "existing:nfs",
    expose: "loadbalancer:10.0.0.5",
    serviceAnnotation: ["metallb.universe.tf/address-pool=redis"],
    auth: "sealed-secret",
    tls: "auto",
  },
  "replication nodeport, registry + prefix, servicemonitor": {
    storage: "openebs-hostpath",
    basePath: "/data/redis",
    replicas: "2",
    expose: "nodeport:31379",
    imageRegistry: "myharbor.com/bigdata",
    imageRepositoryPrefix: "mirror",
    metrics: "servicemonitor",
  },
  "replication nfs, legacy images, tls existing-secret, external-secret": {
    storage: "nfs",
    nfsServer: "10.0.0.2",
    nfsPath: "/exports/redis",
    bitnamiLegacy: true,
    tls: "existing-secret:redis-tls",
    auth: "external-secret:vault",
  },
  "sentinel nodeport, local volumes, metrics": {
    topology: "sentinel",
    replicas: "3",
    storage: "local",
    node: ["n1=/data/redis", "n2=/data/redis", "n3=/data/redis"],
    expose: "nodeport:31379",
    sentinelQuorum: "2",
    sentinelMasterSet: "cache",
    metrics: "on",
  },
  "sentinel loadbalancer, no auth": {
    topology: "sentinel",
    storage: "existing:nfs",
    expose: "loadbalancer",
    auth: "none",
    insecureNoAuth: true,
  },
  "cluster clusterip, prefix": {
    topology: "cluster",
    clusterNodes: "6",
    clusterReplicas: "1",
    storage: "existing:nfs",
    imageRepositoryPrefix: "mirror/bitnami",
  },
  "cluster nodeport, 9 nodes x 2 replicas, tls, metrics, registry": {
    topology: "cluster",
    clusterNodes: "9",
    clusterReplicas: "2",
    storage: "openebs-hostpath",
    basePath: "/data/redis",
    expose: "nodeport:31500",
    tls: "existing-secret:redis-tls",
    metrics: "servicemonitor",
    imageRegistry: "myharbor.com/bigdata",
  },
  "cluster loadbalancer, no auth, legacy": {
    topology: "cluster",
    storage: "existing:nfs",
    expose: "loadbalancer:10.0.0.9",
    auth: "none",
    insecureNoAuth: true,
    bitnamiLegacy: true,
  },
};

function specFrom(flags: EnvFlags): EnvironmentSpec {
  const { spec, problems } = environmentFromFlags("prod", flags);
  if (!spec) throw new Error(problems.join("; "));
  return spec;
}

const PINS = [
  { name: "redis", version: "17.3.7" },
  { name: "redis", version: "19.6.1" },
  { name: "redis", version: "23.1.1" },
  { name: "redis-cluster", version: "13.0.5" },
] as const;

describe.skipIf(!haveCharts)("values contract with the pinned Bitnami charts", () => {
  for (const pin of PINS) {
    describe(`${pin.name} ${pin.version}`, () => {
      const chart = haveCharts ? loadChart(pin.name, pin.version) : undefined;
      const check = chart?.schema ? validator(chart.schema) : undefined;
      const base = pin.name === "redis" ? baseValues() : clusterBaseValues();

      it("base values only use keys the chart has", () => {
        expect(unknownKeys(base, chart!.values)).toEqual([]);
      });

      for (const [name, flags] of Object.entries(CASES)) {
        const { spec, problems } = environmentFromFlags("prod", flags);
        if (!spec) throw new Error(`case ${name}: ${problems.join("; ")}`);
        if ((chartKindOf(spec) === "redis-cluster") !== (pin.name === "redis-cluster")) continue;

        it(`${name}: every key exists, is managed, and the merged values pass the schema`, () => {
          expect(problems).toEqual([]);
          const overlay = environmentValues(spec, chart!.source);
          expect(unknownKeys(overlay, chart!.values)).toEqual([]);
          const managed = leafPaths(overlay).filter(
            (path) => !MANAGED_VALUE_KEYS.some((key) => path === key || path.startsWith(`${key}.`)),
          );
          expect(managed, "keys written but missing from MANAGED_VALUE_KEYS").toEqual([]);
          if (check) expect(check(merge(chart!.values, base, overlay))).toEqual([]);
          else expect(chart!.schema, `${pin.name} ${pin.version} ships no values.schema.json`).toBeUndefined();
        });
      }
    });
  }

  it("node ports are written as strings (23.x schema types them so)", () => {
    const chart = loadChart("redis", "23.1.1");
    const spec = specFrom(CASES["sentinel nodeport, local volumes, metrics"]!);
    const overlay = environmentValues(spec, chart.source) as { sentinel: { service: { nodePorts: Values } } };
    expect(overlay.sentinel.service.nodePorts).toEqual({ redis: "31379", sentinel: "31383" });
    const integerPorts = merge(chart.values, overlay, { sentinel: { service: { nodePorts: { redis: 31379 } } } });
    expect(validator(chart.schema!)(integerPorts).join("\n")).toContain("/sentinel/service/nodePorts/redis must be string");
  });

  it("allowInsecureImages only where the chart has it and only when the images would be refused", () => {
    const flags = CASES["replication nodeport, registry + prefix, servicemonitor"]!;
    const spec = specFrom(flags);
    const insecure = (version: string) =>
      (environmentValues(spec, loadChart("redis", version).source).global as Values | undefined)?.security;
    expect(insecure("19.6.1")).toBeUndefined();
    expect(insecure("23.1.1")).toEqual({ allowInsecureImages: true });
    const legacy = specFrom({ storage: "existing:nfs", bitnamiLegacy: true });
    expect(environmentValues(legacy, loadChart("redis", "23.1.1").source).global).toBeUndefined();
    const sameRegistry = specFrom({ storage: "existing:nfs", imageRegistry: "docker.io" });
    expect(environmentValues(sameRegistry, loadChart("redis", "23.1.1").source).global).toEqual({ imageRegistry: "docker.io" });
  });

  it("a prefix rewrites every image the chart declares, with metrics on or off", () => {
    for (const pin of PINS) {
      for (const metrics of ["off", "servicemonitor"]) {
        const chart = loadChart(pin.name, pin.version);
        const flags: EnvFlags = { storage: "existing:nfs", imageRepositoryPrefix: "mirror", metrics, ...(pin.name === "redis-cluster" ? { topology: "cluster" } : {}) };
        const overlay = environmentValues(specFrom(flags), chart.source);
        const declared = leafPaths(chart.values).filter((p) => /(^|\.)(image\.)?repository$/.test(p) && String(getPath(chart.values, p)).startsWith("bitnami/"));
        const rewritten = leafPaths(overlay).filter((p) => p.endsWith("repository"));
        expect(rewritten.sort(), `${pin.name} ${pin.version} metrics ${metrics}`).toEqual(declared.sort());
        if (metrics !== "off") expect(getPath(overlay, "metrics.enabled"), `${pin.name} ${pin.version}`).toBe(true);
      }
    }
  });
});

function getPath(values: Values, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), values);
}

if (!haveCharts) it.skip(SKIP_REASON, () => {});
