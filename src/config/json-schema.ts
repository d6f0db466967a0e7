/**
 * schema/gitops-redis.schema.json compiled with ajv, for `gitops-redis validate`: the same file editors use through
 * the yaml-language-server comment of the generated config. ajv is imported and the schema compiled only when
 * validate asks, once per process.
 */
import type { Options } from "ajv";
import { readAsset } from "../assets.js";
import { CONFIG_SCHEMA_FILE } from "../layout.js";
import type { ConfigSchemaCheck } from "../validate/types.js";

/**
 * Draft-07 with ajv's default class. Strict, except `required` naming a key defined beside an if/then (a standard
 * pattern); the editor-only keywords of VS Code / yaml-language-server are declared so strict mode accepts them.
 * `verbose` gives each error its subschema (patternErrorMessage, the known keys). Compiling is most of the cost of
 * the schema in a validate run, so the schema itself is checked against draft-07 by the tests rather than on every
 * run, and the generated code is not optimized (it validates one small document): about 40 ms instead of 70.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  keywords: ["patternErrorMessage", "deprecationMessage"],
  validateSchema: false,
  code: { optimize: false },
};

export const readConfigSchema = (): Record<string, unknown> => JSON.parse(readAsset("schema", CONFIG_SCHEMA_FILE)) as Record<string, unknown>;

let compiled: Promise<ConfigSchemaCheck> | undefined;

export function loadConfigSchema(): Promise<ConfigSchemaCheck> {
  compiled ??= (async () => {
    // ajv is CommonJS: its module.exports (the default import, also in the esbuild chunk) carries the class as .Ajv.
    const { Ajv } = (await import("ajv")).default;
    const validate = new Ajv(AJV_OPTIONS).compile(readConfigSchema());
    return (config) => (validate(config) ? [] : [...(validate.errors ?? [])]);
  })();
  return compiled;
}
