/**
 * Rule "chart-keys": every key in a values file exists in the pinned chart version's values.yaml (a typo such as
 * master.service.nodePort silently does nothing in Helm). The key lists are generated data (chart-keys.json,
 * from scripts/chart-keys.mjs). Unknown keys are warnings with the closest known key. Pure.
 */
import data from "./chart-keys.json" with { type: "json" };
import { isPlainObject } from "../yaml.js";
import { findingAt, type ParsedFile } from "./parse.js";
import { closestName } from "./suggest.js";
import type { ChartRef, RepoView } from "./repo.js";
import type { Finding } from "./types.js";

interface KeyIndex {
  known: Set<string>;
  open: Set<string>;
  /** parent path -> child key names, for suggestions. */
  children: Map<string, string[]>;
}

const indexes = new Map<string, KeyIndex>();
const KEY_LISTS = data as Record<string, string[]>;

export const chartKeyVersions = (): string[] => Object.keys(KEY_LISTS);

function indexFor(chart: string, version: string): KeyIndex | undefined {
  const id = `${chart}@${version}`;
  const cached = indexes.get(id);
  if (cached) return cached;
  const list = KEY_LISTS[id];
  if (!list) return undefined;
  const index: KeyIndex = { known: new Set(), open: new Set(), children: new Map() };
  for (const entry of list) {
    const path = entry.endsWith(".*") ? entry.slice(0, -2) : entry;
    if (entry.endsWith(".*")) index.open.add(path);
    index.known.add(path);
    const dot = path.lastIndexOf(".");
    const parent = dot === -1 ? "" : path.slice(0, dot);
    const siblings = index.children.get(parent) ?? [];
    siblings.push(path.slice(dot + 1));
    index.children.set(parent, siblings);
  }
  indexes.set(id, index);
  return index;
}

function suggest(index: KeyIndex, parent: string, key: string): string | undefined {
  const name = closestName(key, index.children.get(parent) ?? []);
  if (name === undefined) return undefined;
  return parent ? `${parent}.${name}` : name;
}

function walk(index: KeyIndex, value: Record<string, unknown>, prefix: string[], report: (path: string[], hint?: string) => void): void {
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, key];
    const dotted = path.join(".");
    if (!index.known.has(dotted)) {
      report(path, suggest(index, prefix.join("."), key));
      continue;
    }
    // Below an open map, or a key the chart defines as a scalar or list, anything goes.
    if (index.open.has(dotted) || !index.children.has(dotted) || !isPlainObject(child)) continue;
    walk(index, child, path, report);
  }
}

/** Each values file with the chart whose values it sets: the shared files their chart's, an overlay its environment's. */
function valuesTargets(view: RepoView): { file: ParsedFile; chart: ChartRef; at: string }[] {
  const targets = new Map<ParsedFile, { file: ParsedFile; chart: ChartRef; at: string }>();
  if (view.base) targets.set(view.base, { file: view.base, chart: view.chart, at: "chart" });
  if (view.clusterBase) targets.set(view.clusterBase, { file: view.clusterBase, chart: view.clusterChart, at: "clusterChart" });
  for (const env of view.envs) {
    if (env.overlay) targets.set(env.overlay, { file: env.overlay, chart: env.chart, at: env.chart === view.clusterChart ? "clusterChart" : "chart" });
  }
  return [...targets.values()];
}

export function checkChartKeys(view: RepoView): Finding[] {
  const findings: Finding[] = [];
  const unknownCharts = new Set<string>();
  for (const { file, chart, at } of valuesTargets(view)) {
    const index = indexFor(chart.name, chart.version);
    if (index) {
      findings.push(...checkFile(index, file, chart));
      continue;
    }
    if (unknownCharts.has(`${chart.name}@${chart.version}`)) continue;
    unknownCharts.add(`${chart.name}@${chart.version}`);
    const where = view.config ? findingAt(view.config, 0, [at, "version"], "chart-keys", "warning", "") : undefined;
    findings.push({
      path: where?.path ?? file.path,
      line: where?.line ?? 0,
      col: where?.col ?? 0,
      rule: "chart-keys",
      severity: "warning",
      message: `values keys not checked: gitops-redis has no key list for ${chart.name} ${chart.version} (known: ${chartKeyVersions().join(", ")})`,
    });
  }
  return findings;
}

function checkFile(index: KeyIndex, file: ParsedFile, chart: ChartRef): Finding[] {
  const value = file.docs[0]?.value;
  if (!isPlainObject(value)) return [];
  const findings: Finding[] = [];
  walk(index, value, [], (path, hint) => {
    const message = `unknown key ${path.join(".")} for ${chart.name} ${chart.version}: Helm ignores it${hint ? ` (did you mean ${hint}?)` : ""}`;
    findings.push(findingAt(file, 0, path, "chart-keys", "warning", message));
  });
  return findings;
}
