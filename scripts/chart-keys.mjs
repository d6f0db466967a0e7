// Generates src/validate/chart-keys.json: the key paths of each pinned chart's values.yaml, so validate can warn
// about keys a chart does not know without the charts themselves. Run: node scripts/chart-keys.mjs [charts-dir]
// (default ../shared/charts). The output is the charts' key names only.
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
export const OUTPUT = join(root, "src", "validate", "chart-keys.json");
export const DEFAULT_CHARTS_DIR = join(root, "..", "shared", "charts");

const isMap = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** Dot paths of every key; a map that is empty by default (labels, annotations, resources) is open: `path.*`. */
export function keyPaths(values, prefix = "") {
  const out = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isMap(value) && Object.keys(value).length > 0) out.push(path, ...keyPaths(value, path));
    else out.push(isMap(value) ? `${path}.*` : path);
  }
  return out;
}

/** `{ "redis@23.1.1": [...] }` for every <chart>-<version> folder holding a values.yaml. */
export function generate(chartsDir = DEFAULT_CHARTS_DIR) {
  const out = {};
  for (const dir of readdirSync(chartsDir).sort()) {
    const match = /^(.+)-(\d+\.\d+\.\d+)$/.exec(dir);
    const file = join(chartsDir, dir, "values.yaml");
    if (!match || !existsSync(file)) continue;
    out[`${match[1]}@${match[2]}`] = keyPaths(parse(readFileSync(file, "utf8")) ?? {});
  }
  return out;
}

export const serialize = (data) => `${JSON.stringify(data, null, 0).replace(/\],"/g, '],\n"')}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT, serialize(generate(process.argv[2] ?? DEFAULT_CHARTS_DIR)));
  console.log(`wrote ${OUTPUT}`);
}
