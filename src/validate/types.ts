/** What validate reports and what its pure core takes. */
export type Severity = "error" | "warning";

export interface Finding {
  /** Repository-relative path, `/`-separated. */
  path: string;
  /** 1-based; 0 when the finding is about the file as a whole. */
  line: number;
  col: number;
  rule: RuleName;
  severity: Severity;
  message: string;
}

export const RULES = [
  "yaml",
  "config",
  "schema",
  "names",
  "nodeport",
  "storage",
  "topology",
  "secrets",
  "chart-keys",
  "images",
  "data-safety",
] as const;
export type RuleName = (typeof RULES)[number];

/** Path -> text of every file validate looks at. */
export type RepoFiles = ReadonlyMap<string, string>;

/** Validates one Kubernetes object; returns problems as (JSON pointer, message) pairs, or undefined when unknown. */
export type SchemaLookup = (apiVersion: string, kind: string) => ObjectValidator | "no-schema" | undefined;
export type ObjectValidator = (object: unknown) => { pointer: string; message: string }[];

export interface ValidateOptions {
  /** The default branch's files, for the data-safety rule; omitted: that rule does not run. */
  baseFiles?: RepoFiles;
  /** Schema models, preloaded by the caller (they are heavy and imported lazily). Omitted: the schema rule does not run. */
  schemas?: SchemaLookup;
}
