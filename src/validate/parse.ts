/**
 * Parses every YAML file once and answers "where is this key" for the rules. Pure: text in, positions out. (A text
 * gitops-redis has just written from an edited document, src/yaml.ts, is not parsed again unless a finding needs a
 * position in it: its value is the document's.)
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from "yaml";
import { writtenValue } from "../yaml.js";
import type { Finding, RepoFiles, RuleName, Severity } from "./types.js";

export interface ParsedDoc {
  doc: Document;
  /** Plain JS value of the document. */
  value: unknown;
}

export interface ParsedFile {
  path: string;
  text: string;
  docs: ParsedDoc[];
  lines: LineCounter;
}

export const isYamlPath = (path: string): boolean => /\.ya?ml$/.test(path);

export function parseFile(path: string, text: string, findings: Finding[]): ParsedFile {
  const known = writtenValue(text);
  return known && known.value != null ? parsedForPositions(path, text, known.value) : parseText(path, text, findings);
}

function parseText(path: string, text: string, findings: Finding[]): ParsedFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  const list = Array.isArray(docs) ? docs : [];
  const parsed: ParsedDoc[] = [];
  for (const doc of list) {
    const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === "DUPLICATE_KEY")];
    for (const error of problems) {
      const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      const message = error.code === "DUPLICATE_KEY" ? "duplicate key: the later value silently wins in some tools and fails in others" : error.message.split("\n")[0] ?? error.message;
      findings.push({ path, line: pos.line, col: pos.col, rule: "yaml", severity: "error", message });
    }
    if (doc.errors.length === 0 && doc.contents !== null) parsed.push({ doc, value: doc.toJS({ maxAliasCount: 100 }) });
  }
  return { path, text, docs: parsed, lines };
}

/**
 * A file gitops-redis has just written from a document (src/yaml.ts): its value is known and it parses without
 * error, so it is parsed only if a finding needs a position in it.
 */
function parsedForPositions(path: string, text: string, value: unknown): ParsedFile {
  let parsed: ParsedFile | undefined;
  const positions = () => (parsed ??= parseText(path, text, []));
  return {
    path,
    text,
    docs: [
      {
        value,
        get doc() {
          return positions().docs[0]!.doc;
        },
      },
    ],
    get lines() {
      return positions().lines;
    },
  };
}

/** Parses every YAML file; a file whose text equals one in `reuse` (same path) is not parsed again. */
export function parseFiles(files: RepoFiles, findings: Finding[], reuse?: ReadonlyMap<string, ParsedFile>): Map<string, ParsedFile> {
  const out = new Map<string, ParsedFile>();
  for (const [path, text] of files) {
    if (!isYamlPath(path)) continue;
    const known = reuse?.get(path);
    out.set(path, known && known.text === text ? known : parseFile(path, text, findings));
  }
  return out;
}

export type KeyPath = readonly (string | number)[];

/** The key node at `path` (or the closest existing ancestor) inside `doc`, so a finding points at the key the user typed. */
export function nodeAt(doc: Document, path: KeyPath): Node | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = (doc.contents as Node | null) ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) return found;
      found = (isScalar(pair.key) ? pair.key : (pair.value as Node | null)) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key];
      if (!item) return found;
      found = item as Node;
      node = item;
    } else return found;
  }
  return found;
}

export function position(file: ParsedFile, node: Node | undefined): { line: number; col: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, col: 1 };
  return file.lines.linePos(offset);
}

/** Builds a finding that points at `path` in document `docIndex` of `file`. */
export function findingAt(
  file: ParsedFile,
  docIndex: number,
  path: KeyPath,
  rule: RuleName,
  severity: Severity,
  message: string,
): Finding {
  const doc = file.docs[docIndex]?.doc;
  const { line, col } = doc ? position(file, nodeAt(doc, path)) : { line: 1, col: 1 };
  return { path: file.path, line, col, rule, severity, message };
}

/** Position of a character offset, for rules that scan raw text. */
export function offsetPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** `a.b[0].c` -> ["a", "b", 0, "c"]. */
export function parseDotPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      out.push(part);
      continue;
    }
    if (match[1]) out.push(match[1]);
    for (const index of match[2]?.matchAll(/\[(\d+)\]/g) ?? []) out.push(Number(index[1]));
  }
  return out;
}
