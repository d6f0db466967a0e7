import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigSchema } from "../src/config/json-schema.js";
import { loadSchemas } from "../src/manifests/schemas.js";
import { objectKinds, repoView, validateRepository } from "../src/validate/index.js";
import { effectiveValuesDiff, riskList } from "../src/validate/markdown.js";
import { documentToString, parseYamlDocument, writtenValue } from "../src/yaml.js";
import { updateManagedKeys } from "../src/plan/files.js";
import { FIXTURES, fixtureRepo, readTree } from "./support/fixtures.js";

interface Expected {
  path: string;
  line: number;
  rule: string;
  severity: string;
}

const dir = join(FIXTURES, "validate");
const cases = readdirSync(dir).filter((name) => !name.startsWith("_")).sort();
const base = () => readTree(join(dir, "_base"));

/**
 * The fixtures use the chart's default images, which the images rule always warns about, and several add an
 * environment's values file alone, which the environments rule reports; both rules have their own tests.
 */
async function run(files: Map<string, string>, baseFiles?: Map<string, string>, rules: "all" | "per-fixture" = "per-fixture") {
  const findings = validateRepository(files, { schemas: await loadSchemas(objectKinds(files)), configSchema: await loadConfigSchema(), baseFiles });
  return rules === "all" ? findings : findings.filter((f) => f.rule !== "images" && f.rule !== "environments");
}

describe("validate rules: one fixture repository per rule, with the exact finding expected", () => {
  it("the shared base repository validates clean", async () => {
    expect(await run(base(), base())).toEqual([]);
  });

  it.each(cases)("%s", async (name) => {
    const expected = JSON.parse(readFileSync(join(dir, name, "expected.json"), "utf8")) as Expected[];
    const findings = await run(fixtureRepo(name), name.startsWith("data-safety") ? base() : undefined);
    expect(findings.map(({ path, line, rule, severity }) => ({ path, line, rule, severity }))).toEqual(expected);
    for (const finding of findings) {
      expect(finding.col).toBeGreaterThan(0);
      expect(finding.message).not.toBe("");
    }
  });

  it("images: the chart's versioned docker.io/bitnami images are a warning; a mirror or bitnamilegacy is not", async () => {
    const findings = (await run(base(), undefined, "all")).filter((f) => f.rule === "images");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "images", severity: "warning" });
    expect(findings[0]!.message).toMatch(/docker\.io\/bitnami\/redis:\S+ left the free Bitnami catalog on 2025-08-28/);
    const mirrored = new Map(base());
    mirrored.set("values/base.yaml", `${mirrored.get("values/base.yaml")}global:\n  imageRegistry: myharbor.com/bigdata\n`);
    expect((await run(mirrored, undefined, "all")).filter((f) => f.rule === "images")).toEqual([]);
    const legacy = new Map(base());
    legacy.set("values/base.yaml", `${legacy.get("values/base.yaml")}image:\n  repository: bitnamilegacy/redis\n`);
    expect((await run(legacy, undefined, "all")).filter((f) => f.rule === "images")).toEqual([]);
  });

  it("a file gitops-redis has just written is not parsed again, and its findings point where a parse of it would", async () => {
    const files = fixtureRepo("config");
    // Written from a document, as add-env and set write gitops-redis.yaml: its value is known (src/yaml.ts).
    const written = documentToString(parseYamlDocument(files.get("gitops-redis.yaml")!, "gitops-redis.yaml"));
    expect(writtenValue(written)).toBeDefined();
    const asWritten = await run(new Map(files).set("gitops-redis.yaml", written), undefined, "all");
    // One more newline at the end: the same positions, a text nobody wrote.
    const asRead = await run(new Map(files).set("gitops-redis.yaml", `${written}\n`), undefined, "all");
    expect(asWritten.filter((f) => f.path === "gitops-redis.yaml" && f.line > 1).length).toBeGreaterThan(0);
    expect(asWritten).toEqual(asRead);
  });

  it("a written file whose edited value had an explicit tag is read as the file says: the value set", () => {
    const files = base();
    const path = "envs/prod/values.yaml";
    const tagged = files.get(path)!.replace("replicaCount: 1", "replicaCount: !!str 1");
    // set --replicas 2 on a value the user had tagged a string: the tag goes with the old value.
    const written = updateManagedKeys(tagged, path, { replica: { replicaCount: 2 } }, ["replica.replicaCount"]);
    expect(written).toContain("replicaCount: 2\n");
    const before = repoView(new Map(files).set(path, tagged));
    const after = repoView(new Map(files).set(path, written));
    expect(after.envs.find((env) => env.name === "prod")?.values.replica).toMatchObject({ replicaCount: 2 });
    expect(effectiveValuesDiff(before, after, "prod")).toContain('| `replica.replicaCount` | `"1"` | `2` |');
  });

  it("messages say what is wrong, the value and what is allowed", async () => {
    const [range] = await run(fixtureRepo("nodeport-range"));
    expect(range?.message).toBe('invalid master.service.nodePorts.redis "11379": the NodePort range is 30000-32767');
    const [cluster] = await run(fixtureRepo("topology-redis-cluster"));
    expect(cluster?.message).toContain("Redis Cluster requires at least 3 master nodes");
    const [typo] = await run(fixtureRepo("chart-keys"));
    expect(typo?.message).toContain("did you mean master.service.nodePorts?");
    const [token] = await run(fixtureRepo("secrets-token"));
    expect(token?.message).not.toContain("AAAA"); // the token itself is never printed
  });
});

describe("pull request body parts", () => {
  it("effectiveValuesDiff shows the merged values that change, before and after", () => {
    const diff = effectiveValuesDiff(repoView(base()), repoView(fixtureRepo("data-safety")), "prod");
    expect(diff).toBe(
      ["#### Effective values of `prod`", "", "| key | before | after |", "|---|---|---|", '| `master.persistence.size` | `"8Gi"` | `"16Gi"` |', ""].join("\n"),
    );
    expect(effectiveValuesDiff(repoView(new Map()), repoView(base()), "prod")).toContain("(new environment)");
    expect(effectiveValuesDiff(repoView(base()), repoView(base()), "prod")).toContain("No change to the values Helm sees.");
  });

  it("riskList puts destructive changes first, then errors, then warnings", async () => {
    const findings = [...(await run(fixtureRepo("data-safety"), base())), ...(await run(fixtureRepo("nodeport-range"))), ...(await run(fixtureRepo("chart-keys")))];
    const text = riskList(findings);
    const order = ["Destructive", "Errors (1)", "Warnings (1)"].map((word) => text.indexOf(word));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(riskList([])).toContain("found nothing to report");
  });
});
