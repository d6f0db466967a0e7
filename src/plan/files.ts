/** Pure string -> string updaters for the files gitops-redis shares with its users. */
import { isCollection, isMap, isScalar, type Document } from "yaml";
import { documentToString, parseYamlDocument } from "../yaml.js";

export type FileContents = ReadonlyMap<string, string>;
/** The files a change writes (string) or deletes (null), keyed by repository path. */
export type FileChanges = Map<string, string | null>;

function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function toJs(node: unknown): unknown {
  return isCollection(node) ? node.toJSON() : (node as { toJSON?: () => unknown } | undefined)?.toJSON?.() ?? node;
}

/**
 * Replaces a value in place when it is a scalar, so a comment on its line survives. A tag the user gave the old value
 * (`replicaCount: !!str 3`) goes with it: kept, the file would say what the tag says (`!!str "5"`, or `!!bool true`
 * for 5), not the value set.
 */
function setValue(doc: Document, path: readonly string[], value: unknown): void {
  const node = doc.getIn(path, true);
  if (isScalar(node) && (value === null || typeof value !== "object")) {
    node.value = value;
    node.tag = undefined;
  } else doc.setIn(path, doc.createNode(value));
  blockStyleAlong(doc, path);
}

/** A map written as `{}` stays in flow style when keys are added; turn it into a block so diffs stay readable. */
function blockStyleAlong(doc: Document, path: readonly string[]): void {
  for (let depth = 0; depth <= path.length; depth++) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isMap(node) && node.flow && node.items.length > 0) node.flow = false;
  }
}

function deleteAndPruneEmptyParents(doc: Document, path: readonly string[]): void {
  if (doc.getIn(path, true) === undefined) return;
  doc.deleteIn(path);
  for (let depth = path.length - 1; depth > 0; depth--) {
    const parent = doc.getIn(path.slice(0, depth), true);
    if (isMap(parent) && parent.items.length === 0) doc.deleteIn(path.slice(0, depth));
    else break;
  }
}

/**
 * Rewrites only the `managed` dot paths of a YAML document to match `desired`; every other key, and every
 * comment, stays as the user left it. Unchanged input gives byte-identical output.
 */
export function updateManagedKeys(
  text: string,
  file: string,
  desired: Record<string, unknown>,
  managed: readonly string[],
): string {
  const doc = parseYamlDocument(text, file);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  let changed = false;
  for (const dotted of managed) {
    const path = dotted.split(".");
    const want = getPath(desired, path);
    const have = toJs(doc.getIn(path, true));
    if (want === undefined) {
      if (have !== undefined) {
        deleteAndPruneEmptyParents(doc, path);
        changed = true;
      }
    } else if (JSON.stringify(have) !== JSON.stringify(want)) {
      setValue(doc, path, want);
      changed = true;
    }
  }
  return changed ? documentToString(doc) : text;
}

/** Sets `path` in a user-owned YAML document to `value` (whole subtree), keeping comments elsewhere. */
export function setSubtree(text: string, file: string, path: readonly string[], value: unknown): string {
  const doc = parseYamlDocument(text, file);
  const have = toJs(doc.getIn(path, true));
  if (JSON.stringify(have) === JSON.stringify(value)) return text;
  if (value === undefined) doc.deleteIn(path);
  else if (have !== undefined && typeof value === "object" && value !== null && !Array.isArray(value)) {
    // Merge key by key so comments on unchanged settings of this subtree survive.
    const leaves = leafPaths(value as Record<string, unknown>);
    for (const leaf of leaves) {
      const want = getPath(value, leaf);
      if (JSON.stringify(toJs(doc.getIn([...path, ...leaf], true))) !== JSON.stringify(want)) {
        setValue(doc, [...path, ...leaf], want);
      }
    }
    for (const stale of leafPaths(have as Record<string, unknown>)) {
      if (getPath(value, stale) === undefined) deleteAndPruneEmptyParents(doc, [...path, ...stale]);
    }
  } else doc.setIn(path, doc.createNode(value));
  blockStyleAlong(doc, path);
  return documentToString(doc);
}

function leafPaths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === "object" && child !== null && !Array.isArray(child) && Object.keys(child).length > 0) {
      out.push(...leafPaths(child as Record<string, unknown>, [...prefix, key]));
    } else out.push([...prefix, key]);
  }
  return out;
}

/**
 * Sets top-level `key` of a user-owned YAML mapping to `value`; a new key goes right after `after` (or last),
 * so related settings stay together. Unchanged input gives byte-identical output.
 */
export function setTopLevelAfter(text: string, file: string, after: string, key: string, value: unknown): string {
  const doc = parseYamlDocument(text, file);
  if (doc.has(key)) return setSubtree(text, file, [key], value);
  const root = doc.contents;
  if (!isMap(root)) return setSubtree(text, file, [key], value);
  const index = root.items.findIndex((pair) => toJs(pair.key) === after);
  const pair = doc.createPair(key, value);
  if (index < 0) root.items.push(pair);
  else root.items.splice(index + 1, 0, pair);
  return documentToString(doc);
}
