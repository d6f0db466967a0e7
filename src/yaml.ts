import { Document, isNode, parseAllDocuments, parseDocument, stringify, visit, type YAMLError } from "yaml";
import { UsageError } from "./errors.js";

/** One serialization for every generated file, so the same input always gives the same bytes. */
const STRINGIFY_OPTIONS = { lineWidth: 0, indent: 2, indentSeq: true } as const;

export function toYaml(value: unknown): string {
  return stringify(value, STRINGIFY_OPTIONS);
}

export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((value) => toYaml(value)).join("---\n");
}

/** A YAML file of the repository that does not parse: the user's to fix (exit 2). */
export class YamlParseError extends UsageError {
  constructor(message: string) {
    super(message, { hint: "fix the YAML in that file, then re-run" });
  }
}

/** The first error of a text, at its line and column (the parser reports an offset only, without prettyErrors). */
function parseFailure(text: string, file: string, error: YAMLError): YamlParseError {
  const before = text.slice(0, error.pos[0]);
  const line = before.split("\n").length;
  const col = before.length - before.lastIndexOf("\n");
  return new YamlParseError(`${file}:${line}:${col}: ${error.message.split("\n")[0]}`);
}

/** Parses every document of a file and fails on the first syntax error, naming file, line and column. */
export function parseYamlDocuments(text: string, file: string): Document[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const [error] = doc.errors;
    if (error) throw parseFailure(text, file, error);
  }
  return list.filter((doc) => doc.contents !== null);
}

/**
 * Documents parsed only to be read (readYaml), kept for the next caller that edits the same text: a command that
 * reads gitops-redis.yaml and then changes it parses it once, which at 1,000 environments (1 MB) saves 0.4 s.
 */
const parsedForReading = new Map<string, Document>();

/** The plain value of a YAML text; the parsed document is handed to the next parseYamlDocument of the same text. */
export function readYaml(text: string, file: string): unknown {
  const doc = parseYamlDocument(text, file);
  parsedForReading.clear();
  parsedForReading.set(text, doc);
  return doc.toJS();
}

/**
 * Documents gitops-redis edited and wrote out, by the text written: what that text parses to is already known, and
 * validate takes it (writtenValue) instead of parsing the text again: at 1,000 environments, gitops-redis.yaml's
 * 1 MB for the pull request's What-changes section. Never handed to an editor, which could change them, nor read
 * instead of the text: a later edit starts from the text, as in a run of its own. A few only: one run's plan.
 */
const written = new Map<string, Document>();
const WRITTEN_KEPT = 8;

/** A document the caller may change; parsed anew unless readYaml just parsed the same text. */
export function parseYamlDocument(text: string, file: string): Document {
  const kept = parsedForReading.get(text);
  if (kept) {
    parsedForReading.delete(text);
    return kept;
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const [error] = doc.errors;
  if (error) throw parseFailure(text, file, error);
  return doc;
}

/** The text of an edited document; a document written again is known by its last text only. */
export function documentToString(doc: Document): string {
  const text = doc.toString(STRINGIFY_OPTIONS);
  for (const [earlier, known] of written) if (known === doc || earlier === text) written.delete(earlier);
  if (readsOtherwise(doc, text)) return text;
  written.set(text, doc);
  if (written.size > WRITTEN_KEPT) written.delete(written.keys().next().value!);
  return text;
}

/**
 * Whether a text may parse to other than its document's value, so that it must be parsed to be known:
 * - a node with an explicit tag (`replicaCount: !!str 3`) whose value an edit changed without dropping the tag says
 *   what the tag says (`!!str "5"`, or `!!bool true` for 5), not the node's value. The plan's updaters drop it
 *   (src/plan/files.ts); a tagged document is parsed all the same, at the cost of a search for `!`;
 * - in a YAML 1.1 document (merge keys), a key `<<` an edit added is a merge in the document but is written quoted,
 *   a plain string, in the text.
 * A text without `!` has no tag, one without `<<` no merge key.
 */
function readsOtherwise(doc: Document, text: string): boolean {
  if (text.includes("<<") && doc.schema.tags.some((tag) => tag.tag === "tag:yaml.org,2002:merge")) return true;
  if (!text.includes("!")) return false;
  let tagged = false;
  visit(doc, (_key, node) => {
    if (isNode(node) && node.tag) {
      tagged = true;
      return visit.BREAK;
    }
    return undefined;
  });
  return tagged;
}

/** The plain value of a text documentToString wrote (as parsing it would give), or undefined when it did not. */
export function writtenValue(text: string): { value: unknown } | undefined {
  const doc = written.get(text);
  return doc && { value: doc.toJS({ maxAliasCount: 100 }) };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every leaf of a plain value by its dot path (`master.persistence.size`); an empty map counts as a leaf. */
export function leafValues(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leafValues(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) out.set(prefix, value);
  return out;
}

