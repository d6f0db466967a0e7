/**
 * Rule "config": gitops-redis.yaml against the hand validator (src/config/schema.ts, the authority) and, when the
 * caller passes it, the JSON Schema (schema/gitops-redis.schema.json), each problem at its key. A schema error at a
 * path the hand validator already reports (or above one) is left out; unknown keys, which only the schema sees, are
 * warnings: gitops-redis ignores them. Pure.
 */
import { describe, parseConfig } from "../config/schema.js";
import { CONFIG_FILE } from "../layout.js";
import { isPlainObject } from "../yaml.js";
import { findingAt, parseDotPath, type KeyPath } from "./parse.js";
import { dotted, getIn, type RepoView } from "./repo.js";
import { closestName } from "./suggest.js";
import type { ConfigSchemaCheck, ConfigSchemaError, Finding, Severity } from "./types.js";

export function checkConfig(view: RepoView, schema?: ConfigSchemaCheck): Finding[] {
  const file = view.config;
  if (!file) {
    return [{ path: CONFIG_FILE, line: 0, col: 0, rule: "config", severity: "error", message: `missing ${CONFIG_FILE}: this is not a gitops-redis repository (run gitops-redis init)` }];
  }
  if (file.docs.length === 0) return []; // the yaml rule already reported why
  const value = file.docs[0]?.value;
  const { problems } = parseConfig(value);
  const findings = problems.map((message) => findingAt(file, 0, fieldOf(message), "config", "error", message));
  if (!schema) return findings;
  // Dot paths as the messages print them (a key may itself contain dots, e.g. an annotation key).
  const reported = problems.map(fieldText);
  const seen = new Set<string>();
  for (const problem of schemaProblems(schema(value), value)) {
    const field = dotted(problem.path);
    // Same key, or a key above one the hand validator names (an if/then or type error about the whole object).
    if (reported.some((path) => path === field || field === "" || path.startsWith(`${field}.`) || path.startsWith(`${field}[`))) continue;
    if (seen.has(`${field} ${problem.message}`)) continue;
    seen.add(`${field} ${problem.message}`);
    findings.push(findingAt(file, 0, problem.path, "config", problem.severity, problem.message));
  }
  return findings;
}

const ENV_NAME_PROBLEM = /^invalid environment name ("(?:[^"\\]|\\.)*")/;

/** The key a schema message is about: `invalid <field> <value>: ...` / `missing <field>: ...`. */
function fieldOf(message: string): (string | number)[] {
  const name = ENV_NAME_PROBLEM.exec(message);
  if (name?.[1]) return ["environments", JSON.parse(name[1]) as string];
  const field = fieldText(message);
  return field ? parseDotPath(field) : [];
}

/** The same as the message prints it, e.g. `environments.prod.storage.volumes[0].node`; "" for the whole file. */
function fieldText(message: string): string {
  const name = ENV_NAME_PROBLEM.exec(message);
  if (name?.[1]) return `environments.${JSON.parse(name[1]) as string}`;
  return /^(?:invalid|missing) (\S+)/.exec(message)?.[1]?.replace(/:$/, "") ?? "";
}

interface SchemaProblem {
  path: KeyPath;
  severity: Severity;
  message: string;
}

const TYPE_WORDS: Record<string, string> = {
  string: "expected a string",
  integer: "expected a whole number",
  number: "expected a number",
  boolean: "expected true or false",
  object: "expected a mapping",
  array: "expected a list",
};

/** ajv errors -> one line each in the project's words: `invalid <dot.path> <value>: <what is allowed>`. */
function schemaProblems(errors: readonly ConfigSchemaError[], config: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const error of errors) {
    // "if" and "propertyNames" only summarize the errors reported beside them.
    if (error.keyword === "if" || error.keyword === "propertyNames") continue;
    const at = pointerPath(error.instancePath, config);
    const parent = isPlainObject(error.parentSchema) ? error.parentSchema : {};
    const params = error.params;
    if (error.keyword === "additionalProperties") {
      const key = String(params.additionalProperty);
      const known = isPlainObject(parent.properties) ? Object.keys(parent.properties) : [];
      const hint = closestName(key, known);
      const path = [...at, key];
      out.push({ path, severity: "warning", message: `unknown key ${dotted(path)}: gitops-redis ignores it${hint ? ` (did you mean ${dotted([...at, hint])}?)` : ""}` });
      continue;
    }
    if (error.keyword === "required") {
      const path = [...at, String(params.missingProperty)];
      out.push({ path, severity: "error", message: `missing ${dotted(path)}: required` });
      continue;
    }
    // Under propertyNames the error is about a key, not a value.
    const path = error.propertyName === undefined ? at : [...at, error.propertyName];
    const value = error.propertyName === undefined ? getIn(config, at) : error.propertyName;
    out.push({ path, severity: "error", message: `invalid ${dotted(path) || "gitops-redis.yaml"} ${describe(value)}: ${allowed(error, parent)}` });
  }
  return out;
}

function allowed(error: ConfigSchemaError, parent: Record<string, unknown>): string {
  const params = error.params;
  switch (error.keyword) {
    case "enum":
      return `expected one of ${(params.allowedValues as unknown[]).join(", ")}`;
    case "const":
      return `expected ${String(params.allowedValue)}`;
    case "type":
      return TYPE_WORDS[String(params.type)] ?? `expected ${String(params.type)}`;
    case "pattern":
      return typeof parent.patternErrorMessage === "string" ? parent.patternErrorMessage : `expected a value matching ${String(params.pattern)}`;
    case "minLength":
      return params.limit === 1 ? "expected a non-empty string" : `at least ${String(params.limit)} characters`;
    case "maxLength":
      return `at most ${String(params.limit)} characters`;
    case "minimum":
    case "maximum":
      return typeof parent.minimum === "number" && typeof parent.maximum === "number"
        ? `expected a whole number from ${parent.minimum} to ${parent.maximum}`
        : `expected ${error.keyword === "minimum" ? "at least" : "at most"} ${String(params.limit)}`;
    case "minItems":
      return `expected at least ${String(params.limit)} entries`;
    case "false schema":
      return "does not apply with the other settings here";
    default:
      return error.message ?? `fails the schema keyword ${error.keyword}`;
  }
}

/** `/environments/prod/storage/volumes/0` -> ["environments", "prod", "storage", "volumes", 0]: numbers only for list items. */
function pointerPath(pointer: string, config: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let current = config;
  for (const raw of pointer === "" ? [] : pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key = Array.isArray(current) ? Number(part) : part;
    path.push(key);
    current = getIn(current, [key]);
  }
  return path;
}
