/**
 * schema/gitops-redis.schema.json: what editors complete and `validate` checks. It accepts every config gitops-redis
 * writes, rejects what the hand validator (src/config/schema.ts, the authority) rejects, shares its enums and name
 * rules, and its findings point at the exact line of gitops-redis.yaml.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { formatFinding } from "../src/commands/validate.js";
import { AJV_OPTIONS, loadConfigSchema, readConfigSchema } from "../src/config/json-schema.js";
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, MAX_ENV_NAME, NODE_PORT_MAX, NODE_PORT_MIN } from "../src/config/rules.js";
import {
  AUTH_MODES,
  CONTROLLERS,
  MAX_REPLICAS,
  NFS_PROVISIONERS,
  parseConfig,
  RECLAIM_POLICIES,
  STORAGE_KINDS,
  TLS_MODES,
  TOPOLOGIES,
} from "../src/config/schema.js";
import { configSchemaUrl } from "../src/layout.js";
import { DEFAULT_CLUSTER_CHART_VERSION, SUPPORTED_CHART_VERSIONS, type RepoConfig } from "../src/model.js";
import { planInitFiles } from "../src/plan/init.js";
import { validateRepository } from "../src/validate/index.js";
import { fixtureRepo } from "./support/fixtures.js";
import { gitEnv, runCli, tempDir } from "./support/repo.js";

const GOLDEN = join(import.meta.dirname, "golden");
const schema = readConfigSchema();
const definitions = schema.definitions as Record<string, Record<string, unknown>>;
const environment = definitions.environment as { properties: Record<string, Record<string, unknown>> };

/** Every golden gitops-redis.yaml: argocd/<scenario>, flux/<scenario>, topologies/<controller>/<topology>. */
const goldenConfigs = (readdirSync(GOLDEN, { recursive: true }) as string[])
  .map((path) => path.split(sep).join("/"))
  .filter((path) => path.endsWith("/gitops-redis.yaml"))
  .sort();
const readGoldenConfig = (path: string): Record<string, unknown> => parse(readFileSync(join(GOLDEN, path), "utf8")) as Record<string, unknown>;

let validate: ValidateFunction;
beforeAll(() => {
  validate = new Ajv(AJV_OPTIONS).compile(schema);
});
const schemaErrors = (config: unknown): string[] =>
  validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath}${e.propertyName ? `/${e.propertyName}` : ""} ${e.keyword}`);

describe("the schema file", () => {
  it("is draft-07 that ajv's default class compiles in strict mode, without warnings", () => {
    const warnings: unknown[] = [];
    const logger = { log: () => undefined, warn: (...args: unknown[]) => warnings.push(args), error: (...args: unknown[]) => warnings.push(args) };
    const ajv = new Ajv({ ...AJV_OPTIONS, validateSchema: true, logger });
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    ajv.compile(schema);
    expect(warnings).toEqual([]);
  });

  it("gives every property a title and a description (editors show them)", () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${path}/${i}`));
      if (typeof node !== "object" || node === null) return;
      for (const [key, child] of Object.entries(node)) {
        if (key === "properties" && !path.includes("/if") && !path.includes("/then") && !path.includes("/else")) {
          for (const [name, property] of Object.entries(child as Record<string, unknown>)) {
            const p = property as Record<string, unknown>;
            if (typeof p.title !== "string" || typeof p.description !== "string") missing.push(`${path}/properties/${name}`);
          }
        }
        visit(child, `${path}/${key}`);
      }
    };
    visit(schema, "#");
    expect(missing).toEqual([]);
  });

  it("shares the closed sets and name rules of the hand validator", () => {
    const top = schema.properties as Record<string, Record<string, unknown>>;
    const env = environment.properties;
    const storage = env.storage!.properties as Record<string, Record<string, unknown>>;
    const nfs = storage.nfs!.properties as Record<string, Record<string, unknown>>;
    const expose = env.expose!.properties as Record<string, Record<string, unknown>>;
    const auth = env.auth!.properties as Record<string, Record<string, unknown>>;
    const tls = env.tls!.properties as Record<string, Record<string, unknown>>;
    expect(top.controller!.enum).toEqual(CONTROLLERS);
    expect(env.topology!.enum).toEqual(TOPOLOGIES);
    expect(storage.kind!.enum).toEqual(STORAGE_KINDS);
    expect(storage.reclaimPolicy!.enum).toEqual(RECLAIM_POLICIES);
    expect(nfs.provisioner!.enum).toEqual(NFS_PROVISIONERS);
    expect(expose.type!.enum).toEqual(["ClusterIP", "NodePort", "LoadBalancer"]);
    expect(auth.mode!.enum).toEqual(AUTH_MODES);
    expect(tls.mode!.enum).toEqual(TLS_MODES);
    const names = top.environments!.propertyNames as Record<string, unknown>;
    expect([names.pattern, names.maxLength]).toEqual([DNS1035_LABEL.source, MAX_ENV_NAME]);
    expect(definitions.dns1123Label!.pattern).toBe(DNS1123_LABEL.source);
    expect(definitions.dns1123Subdomain!.pattern).toBe(DNS1123_SUBDOMAIN.source.replace(/\\\./g, "\\."));
    expect([definitions.nodePort!.minimum, definitions.nodePort!.maximum]).toEqual([NODE_PORT_MIN, NODE_PORT_MAX]);
    expect(env.replicas!.maximum).toBe(MAX_REPLICAS);
    const chart = definitions.chart!.properties as Record<string, Record<string, unknown>>;
    expect(chart.version!.examples).toEqual(expect.arrayContaining([...SUPPORTED_CHART_VERSIONS, DEFAULT_CLUSTER_CHART_VERSION]));
  });
});

describe("configs gitops-redis writes", () => {
  it.each(goldenConfigs)("%s validates against the schema", (path) => {
    expect(schemaErrors(readGoldenConfig(path))).toEqual([]);
  });

  it("includes both controllers and all four topologies", () => {
    const configs = goldenConfigs.map(readGoldenConfig);
    expect(new Set(configs.map((c) => c.controller))).toEqual(new Set(CONTROLLERS));
    const topologies = configs.flatMap((c) => Object.values(c.environments as Record<string, { topology: string }>).map((e) => e.topology));
    expect(new Set(topologies)).toEqual(new Set(TOPOLOGIES));
  });

  it("the generated config names the schema of this version on its first line", () => {
    const config: RepoConfig = {
      controller: "argocd",
      repoUrl: "https://git.example.invalid/redis.git",
      defaultBranch: "main",
      chart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: "redis", version: "23.1.1" },
      clusterChart: { repository: "oci://registry-1.docker.io/bitnamicharts", name: "redis-cluster", version: "13.0.5" },
      argocd: { namespace: "argocd", project: "default" },
      environments: {},
    };
    const text = planInitFiles(config, "1.2.3").get("gitops-redis.yaml")!;
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=https://unpkg.com/gitops-redis@1.2.3/schema/gitops-redis.schema.json");
    expect(configSchemaUrl("1.2.3")).toBe("https://unpkg.com/gitops-redis@1.2.3/schema/gitops-redis.schema.json");
    expect(schemaErrors(parse(text))).toEqual([]);
  });
});

/** A parsed YAML document the table below reaches into. */
type Config = Record<string, any>;

/** A bad config, made from a good one, and the schema error expected first: `<instance path> <keyword>`. */
const BAD: [string, (c: Config, prod: Config) => void, string][] = [
  ["unknown controller", (c) => (c.controller = "jenkins"), "/controller enum"],
  ["another apiVersion", (c) => (c.apiVersion = "gitops-redis.io/v2"), "/apiVersion const"],
  ["no chart version", (c) => delete c.chart.version, "/chart required"],
  ["environment name not DNS-1035", (c, prod) => ((c.environments = { Prod_1: prod })), "/environments/Prod_1 pattern"],
  ["namespace not DNS-1123", (_, prod) => (prod.namespace = "Redis_Prod"), "/environments/prod/namespace pattern"],
  ["unknown topology", (_, prod) => (prod.topology = "ha"), "/environments/prod/topology enum"],
  ["replicas out of range", (_, prod) => (prod.replicas = 51), "/environments/prod/replicas maximum"],
  ["replicas on standalone", (_, prod) => Object.assign(prod, { topology: "standalone", replicas: 2 }), "/environments/prod/replicas const"],
  ["sentinel settings without topology sentinel", (_, prod) => (prod.sentinel = { quorum: 2 }), "/environments/prod/sentinel false schema"],
  ["size without a unit suffix Kubernetes knows", (_, prod) => (prod.size.master = "8GB"), "/environments/prod/size/master pattern"],
  ["unknown storage kind", (_, prod) => (prod.storage.kind = "ceph"), "/environments/prod/storage/kind enum"],
  ["unknown reclaim policy", (_, prod) => (prod.storage.reclaimPolicy = "Recycle"), "/environments/prod/storage/reclaimPolicy enum"],
  ["storage nfs without nfs settings", (_, prod) => (prod.storage = { kind: "nfs", className: "redis-nfs", reclaimPolicy: "Retain" }), "/environments/prod/storage required"],
  [
    "unknown nfs provisioner",
    (_, prod) => (prod.storage = { kind: "nfs", className: "redis-nfs", reclaimPolicy: "Retain", nfs: { server: "10.0.0.2", path: "/exports", provisioner: "ganesha" } }),
    "/environments/prod/storage/nfs/provisioner enum",
  ],
  ["relative base path", (_, prod) => (prod.storage.basePath = "data/redis"), "/environments/prod/storage/basePath pattern"],
  ["unknown expose type", (_, prod) => (prod.expose = { type: "Ingress" }), "/environments/prod/expose/type enum"],
  ["node port outside 30000-32767", (_, prod) => (prod.expose = { type: "NodePort", nodePort: 8080 }), "/environments/prod/expose/nodePort minimum"],
  ["unknown auth mode", (_, prod) => (prod.auth.mode = "plain"), "/environments/prod/auth/mode enum"],
  ["auth none with a Secret", (_, prod) => (prod.auth = { mode: "none", existingSecret: "x" }), "/environments/prod/auth/existingSecret false schema"],
  ["unknown tls mode", (_, prod) => (prod.tls = { mode: "on" }), "/environments/prod/tls/mode enum"],
  ["CPU as a YAML number", (_, prod) => (prod.resources.master.limits.cpu = 1), "/environments/prod/resources/master/limits/cpu type"],
  ["Argo CD cluster that is not a URL", (_, prod) => (prod.cluster = "prod-cluster"), "/environments/prod/cluster pattern"],
  [
    "Flux cluster that is a URL",
    (c, prod) => {
      c.controller = "flux";
      prod.cluster = "https://kubernetes.default.svc";
    },
    "/environments/prod/cluster pattern",
  ],
];

/** Valid settings the golden repositories do not show: the schema must not be stricter than the hand validator. */
const GOOD: [string, (c: Config, prod: Config) => void][] = [
  ["defaults left out (cluster, topology, expose, syncPolicy, passwordKey)", (_, prod) => {
    for (const key of ["cluster", "topology", "expose", "syncPolicy", "resources", "preset"]) delete prod[key];
    delete prod.auth.passwordKey;
  }],
  ["auth none", (_, prod) => (prod.auth = { mode: "none" })],
  ["github repository on GitHub Enterprise", (c) => (c.github = { repository: "acme/redis-gitops", apiUrl: "https://ghe.example.com/api/v3" })],
  ["image repository prefix", (_, prod) => (prod.images = { registry: "mirror.example.com:5000", repositoryPrefix: "mirror/bitnami" })],
  ["imageRegistry, the key before images existed", (_, prod) => (prod.imageRegistry = "myharbor.com/bigdata")],
  ["nfs-subdir-external-provisioner", (_, prod) => (prod.storage = { kind: "nfs", className: "redis-nfs", reclaimPolicy: "Delete", nfs: { server: "nfs.example.com", path: "/exports/redis", provisioner: "nfs-subdir-external-provisioner" } })],
  ["StorageClasses declared existing", (c) => (c.existingStorageClasses = ["fast-ssd", "nfs"])],
  ["Flux with a cluster name and no argocd block", (c, prod) => {
    c.controller = "flux";
    delete c.argocd;
    prod.cluster = "edge-1";
  }],
  ["sentinel with both node port blocks", (_, prod) => {
    Object.assign(prod, { topology: "sentinel", replicas: 3, sentinel: { quorum: 2, masterSet: "mymaster" }, expose: { type: "NodePort", nodePort: 31379, sentinelNodePort: 31479 } });
    prod.size.replica = prod.size.master;
  }],
];

describe("bad configs: rejected by the schema and by the hand validator", () => {
  const good = readGoldenConfig("argocd/prod/gitops-redis.yaml");

  it("the starting point is valid for both", () => {
    expect(schemaErrors(good)).toEqual([]);
    expect(parseConfig(good).problems).toEqual([]);
  });

  it.each(BAD)("%s", (_, mutate, expected) => {
    const config = structuredClone(good) as Config;
    mutate(config, config.environments.prod);
    expect(schemaErrors(config)).toContain(expected);
    expect(parseConfig(config).problems).not.toEqual([]);
  });

  it.each(GOOD)("accepted by both: %s", (_, mutate) => {
    const config = structuredClone(good) as Config;
    mutate(config, config.environments.prod);
    expect(parseConfig(config).problems).toEqual([]);
    expect(schemaErrors(config)).toEqual([]);
  });

  it("unknown keys only the schema sees (gitops-redis ignores them)", () => {
    const config = structuredClone(good) as Config;
    config.environments.prod.replica = 2;
    expect(parseConfig(config).problems).toEqual([]);
    expect(schemaErrors(config)).toEqual(["/environments/prod additionalProperties"]);
  });
});

describe("validate: schema findings at the key in gitops-redis.yaml", () => {
  it("reports unknown keys with the line, the column and the closest known key", async () => {
    const dir = tempDir();
    for (const [path, text] of fixtureRepo("config-unknown-key")) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const result = await runCli(["validate", dir], { cwd: dir, env: gitEnv(dir) });
    // Other rules (images) may warn about the fixture's values files; this test is about the config.
    expect(result.stdout.split("\n").filter((line) => line.startsWith("gitops-redis.yaml"))).toEqual([
      "gitops-redis.yaml:51:7  config  warning: unknown key environments.prod.metrics.servicemonitor: gitops-redis ignores it (did you mean environments.prod.metrics.serviceMonitor?)",
      "gitops-redis.yaml:52:5  config  warning: unknown key environments.prod.syncpolicy: gitops-redis ignores it (did you mean environments.prod.syncPolicy?)",
    ]);
    expect(result.code).toBe(0);
  });

  it("a top-level typo such as enviroments:", async () => {
    const files = fixtureRepo("config-unknown-key");
    files.set("gitops-redis.yaml", files.get("gitops-redis.yaml")!.replace("\nenvironments:", "\nenviroments:"));
    const findings = validateRepository(files, { configSchema: await loadConfigSchema() }).filter((f) => f.rule === "config");
    expect(findings.map(formatFinding)).toEqual(["gitops-redis.yaml:15:1  config  warning: unknown key enviroments: gitops-redis ignores it (did you mean environments?)"]);
  });

  it("reports each problem once: schema errors where the hand validator already speaks are left out", async () => {
    const files = fixtureRepo("config");
    const text = files.get("gitops-redis.yaml")!;
    files.set("gitops-redis.yaml", text.replace("kind: existing", "kind: ceph").replace("    replicas: two\n", "    replicas: two\n    exposure: {}\n"));
    const findings = validateRepository(files, { configSchema: await loadConfigSchema() }).filter((f) => f.rule === "config");
    expect(findings.map(formatFinding)).toEqual([
      'gitops-redis.yaml:21:5  config  invalid environments.prod.replicas "two": expected a whole number from 0 to 50',
      "gitops-redis.yaml:22:5  config  warning: unknown key environments.prod.exposure: gitops-redis ignores it (did you mean environments.prod.expose?)",
      'gitops-redis.yaml:27:7  config  invalid environments.prod.storage.kind "ceph": expected one of existing, nfs, openebs-hostpath, local',
    ]);
  });

  it("also where a key holds dots (annotation keys) or the environment name is bad", async () => {
    const files = fixtureRepo("config");
    const text = files.get("gitops-redis.yaml")!.replace("replicas: two", "replicas: 1").replace("  prod:\n", "  Prod:\n");
    files.set("gitops-redis.yaml", text.replace("      type: ClusterIP\n", '      type: LoadBalancer\n      annotations: {"Example.com/internal": "true"}\n'));
    const findings = validateRepository(files, { configSchema: await loadConfigSchema() }).filter((f) => f.rule === "config");
    expect(findings.map((f) => f.message.split(":")[0])).toEqual(['invalid environment name "Prod"', 'invalid environments.Prod.expose.annotations.Example.com/internal "Example.com/internal"']);
  });

  it("words schema-only errors in the project's style", async () => {
    const files = fixtureRepo("config");
    const text = files.get("gitops-redis.yaml")!.replace("replicas: two", "replicas: 1");
    files.set("gitops-redis.yaml", text.replace("    syncPolicy:\n      automated: true\n      prune: false\n      selfHeal: true\n", "    syncPolicy: on\n"));
    const findings = validateRepository(files, { configSchema: await loadConfigSchema() }).filter((f) => f.rule === "config");
    expect(findings.map(formatFinding)).toEqual(['gitops-redis.yaml:49:5  config  invalid environments.prod.syncPolicy "on": expected a mapping']);
  });
});
