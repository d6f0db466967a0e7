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
  "environments",
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

/** One error of the config's JSON Schema, as ajv reports it (verbose: with the failing subschema). */
export interface ConfigSchemaError {
  keyword: string;
  /** JSON pointer of the value, e.g. /environments/prod/replicas. */
  instancePath: string;
  params: Record<string, unknown>;
  /** Set on errors about a key of an object under `propertyNames`. */
  propertyName?: string;
  parentSchema?: unknown;
  message?: string;
}
/** Checks the parsed gitops-redis.yaml against schema/gitops-redis.schema.json. */
export type ConfigSchemaCheck = (config: unknown) => ConfigSchemaError[];

export interface ValidateOptions {
  /** The default branch's files, for the data-safety rule; omitted: that rule does not run. */
  baseFiles?: RepoFiles;
  /** Schema models, preloaded by the caller (they are heavy and imported lazily). Omitted: the schema rule does not run. */
  schemas?: SchemaLookup;
  /** The config file's JSON Schema, compiled by the caller (ajv is imported lazily). Omitted: the config rule runs the hand validator only. */
  configSchema?: ConfigSchemaCheck;
  /**
   * The files are one environment's (with gitops-redis.yaml and the base values), not the whole repository: checks
   * that need every file do not run, and the rules that go environment by environment look at this one alone (the
   * others' values files are not there, so what they would say of the others would be wrong).
   */
  partial?: { environment: string };
}
