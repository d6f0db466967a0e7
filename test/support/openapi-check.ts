// Checks requests against GitHub's published OpenAPI description (from @octokit/openapi), so the stand-in
// fails tests that call routes, parameters or bodies GitHub would not accept.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonObject;
}

interface Route {
  template: string;
  segments: string[];
  literals: number;
  /** HTTP method (lower case) -> operationId */
  methods: Map<string, string>;
}

export interface OperationMatch {
  operationId: string;
  method: string;
  template: string;
  params: Record<string, string>;
}

export type ViolationKind = "unknown-route" | "unimplemented" | "bad-parameter" | "bad-body";

export interface CheckResult {
  match?: OperationMatch;
  body?: unknown;
  problem?: { kind: ViolationKind; message: string };
}

interface CompiledOperation {
  path: ValidateFunction;
  query: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
}

export interface OpenApiChecker {
  check(method: string, url: URL, rawBody: string): CheckResult;
}

const SPEC_ID = "https://standin.invalid/github-openapi.json";

interface Extract {
  routes: Map<number, Route[]>;
  /** operationId -> what validation needs, $refs resolved for parameters */
  operations: Map<string, { parameters: Parameter[]; body?: JsonObject; bodyRequired: boolean }>;
  schemas: JsonObject;
}

const checkers = new Map<string, Promise<OpenApiChecker>>();

function deref<T>(spec: JsonObject, value: Json): T {
  const ref = (value as JsonObject | null)?.$ref;
  if (typeof ref !== "string") return value as T;
  let node: Json = spec;
  for (const part of ref.replace(/^#\//, "").split("/")) node = (node as JsonObject)[part.replace(/~1/g, "/").replace(/~0/g, "~")] ?? null;
  return node as T;
}

function collectSchemaRefs(node: Json, schemas: JsonObject, out: JsonObject): void {
  if (Array.isArray(node)) return node.forEach((n) => collectSchemaRefs(n, schemas, out));
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    const name = key === "$ref" && typeof value === "string" ? /^#\/components\/schemas\/(.+)$/.exec(value)?.[1] : undefined;
    if (name !== undefined) {
      if (!(name in out)) {
        out[name] = schemas[name] ?? null;
        collectSchemaRefs(out[name] ?? null, schemas, out);
      }
    } else {
      collectSchemaRefs(value, schemas, out);
    }
  }
}

/** Reads the 13 MB description once per process and keeps only the route table and the operations asked for. */
async function extract(operationIds: readonly string[]): Promise<Extract> {
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(await readFile(file, "utf8")) as JsonObject;
  const paths = spec.paths as { [template: string]: { [method: string]: JsonObject } };
  const allSchemas = ((spec.components as JsonObject).schemas ?? {}) as JsonObject;
  const wanted = new Set(operationIds);
  const routes = new Map<number, Route[]>();
  const operations: Extract["operations"] = new Map();
  const schemas: JsonObject = {};

  for (const [template, item] of Object.entries(paths)) {
    const segments = template.split("/").slice(1);
    const route: Route = { template, segments, literals: segments.filter((s) => !s.startsWith("{")).length, methods: new Map() };
    for (const [method, op] of Object.entries(item)) {
      if (typeof op.operationId !== "string") continue;
      route.methods.set(method, op.operationId);
      if (!wanted.has(op.operationId)) continue;
      const params = [...((item.parameters as unknown as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])];
      const requestBody = deref<JsonObject | undefined>(spec, op.requestBody ?? null) ?? undefined;
      const body = (((requestBody?.content as JsonObject | undefined)?.["application/json"] as JsonObject | undefined)?.schema ?? undefined) as JsonObject | undefined;
      if (body) collectSchemaRefs(body, allSchemas, schemas);
      operations.set(op.operationId, {
        parameters: params.map((p) => deref<Parameter>(spec, p)),
        body,
        bodyRequired: requestBody?.required === true,
      });
    }
    const bucket = routes.get(segments.length) ?? [];
    bucket.push(route);
    routes.set(segments.length, bucket);
  }
  const missing = operationIds.filter((id) => !operations.has(id));
  if (missing.length > 0) throw new Error(`operations not in GitHub's OpenAPI description: ${missing.join(", ")}`);
  return { routes, operations, schemas };
}

function paramsSchema(params: Parameter[], where: "path" | "query"): JsonObject {
  const chosen = params.filter((p) => p.in === where);
  return {
    type: "object",
    properties: Object.fromEntries(chosen.map((p) => [p.name, p.schema ?? {}])),
    required: chosen.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

function findRoute(ex: Extract, pathname: string): { route: Route; values: string[] } | undefined {
  const segments = pathname.split("/").slice(1);
  let best: { route: Route; values: string[] } | undefined;
  for (const route of ex.routes.get(segments.length) ?? []) {
    const values: string[] = [];
    const fits = route.segments.every((s, i) => {
      if (s.startsWith("{")) return segments[i] !== "" && values.push(decodeURIComponent(segments[i] ?? "")) > 0;
      return s === segments[i];
    });
    if (fits && (!best || route.literals > best.route.literals)) best = { route, values };
  }
  return best;
}

/** A checker for the given operations, built once per process and set of operations (it holds no state). */
export function loadOpenApiChecker(operationIds: readonly string[]): Promise<OpenApiChecker> {
  const key = [...operationIds].sort().join(",");
  let pending = checkers.get(key);
  if (!pending) {
    pending = extract(operationIds).then(buildChecker);
    checkers.set(key, pending);
  }
  return pending;
}

function buildChecker(ex: Extract): OpenApiChecker {

  // GitHub's description is OpenAPI 3.0 (nullable, x-* keywords, custom formats): validate shapes, not formats.
  const bodies = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const params = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: true });
  bodies.addSchema({ $id: SPEC_ID, components: { schemas: ex.schemas } });
  const compiled = new Map<string, CompiledOperation>();
  for (const [id, op] of ex.operations) {
    compiled.set(id, {
      path: params.compile(paramsSchema(op.parameters, "path")),
      query: params.compile(paramsSchema(op.parameters, "query")),
      body: op.body && bodies.compile(relocateRefs(op.body)),
      bodyRequired: op.bodyRequired,
    });
  }

  return {
    check(method, url, rawBody) {
      const found = findRoute(ex, url.pathname);
      const operationId = found?.route.methods.get(method.toLowerCase());
      if (!found || !operationId) {
        return { problem: { kind: "unknown-route", message: `${method} ${url.pathname} is not in GitHub's REST API` } };
      }
      const names = found.route.segments.filter((s) => s.startsWith("{")).map((s) => s.slice(1, -1));
      const match: OperationMatch = {
        operationId,
        method: method.toUpperCase(),
        template: found.route.template,
        params: Object.fromEntries(names.map((n, i) => [n, found.values[i] ?? ""])),
      };
      const op = compiled.get(operationId);
      if (!op) {
        return { match, problem: { kind: "unimplemented", message: `${operationId} (${method} ${found.route.template}) is not served by the stand-in` } };
      }
      const bad = (where: string, v: ValidateFunction) =>
        ({ match, problem: { kind: "bad-parameter" as const, message: `${operationId}: ${describe(v, where)}` } });
      if (!op.path({ ...match.params })) return bad("path", op.path);
      const query: Record<string, string> = Object.fromEntries(url.searchParams);
      if (!op.query(query)) return bad("query", op.query);

      if (rawBody === "") {
        if (op.bodyRequired) return { match, problem: { kind: "bad-body", message: `${operationId}: a JSON body is required` } };
        return { match };
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return { match, problem: { kind: "bad-body", message: `${operationId}: body is not JSON` } };
      }
      if (!op.body) return { match, problem: { kind: "bad-body", message: `${operationId} takes no body` } };
      if (!op.body(body)) {
        return { match, body, problem: { kind: "bad-body", message: `${operationId}: ${describe(op.body, "body")}` } };
      }
      return { match, body };
    },
  };
}

function describe(validate: ValidateFunction, where: string): string {
  return (validate.errors ?? [])
    .map((e) => {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${where}${e.instancePath} ${e.message ?? "is invalid"}${extra === undefined ? "" : ` (${extra})`}`;
    })
    .join("; ");
}

/** Points the body's "#/components/..." references at the components document added under SPEC_ID. */
function relocateRefs(node: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(node).replace(/"\$ref":"#\/components\//g, `"$ref":"${SPEC_ID}#/components/`)) as JsonObject;
}
