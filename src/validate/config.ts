/** Rule "config": gitops-redis.yaml against the config schema (src/config/schema.ts), each problem at its key. Pure. */
import { parseConfig } from "../config/schema.js";
import { CONFIG_FILE } from "../layout.js";
import { findingAt, parseDotPath } from "./parse.js";
import type { RepoView } from "./repo.js";
import type { Finding } from "./types.js";

export function checkConfig(view: RepoView): Finding[] {
  const file = view.config;
  if (!file) {
    return [{ path: CONFIG_FILE, line: 0, col: 0, rule: "config", severity: "error", message: `missing ${CONFIG_FILE}: this is not a gitops-redis repository (run gitops-redis init)` }];
  }
  if (file.docs.length === 0) return []; // the yaml rule already reported why
  const { problems } = parseConfig(file.docs[0]?.value);
  return problems.map((message) => findingAt(file, 0, fieldOf(message), "config", "error", message));
}

/** The key a schema message is about: `invalid <field> <value>: ...` / `missing <field>: ...`. */
function fieldOf(message: string): (string | number)[] {
  const name = /^invalid environment name ("(?:[^"\\]|\\.)*")/.exec(message);
  if (name?.[1]) return ["environments", JSON.parse(name[1]) as string];
  const field = /^(?:invalid|missing) (\S+)/.exec(message)?.[1];
  return field ? parseDotPath(field.replace(/:$/, "")) : [];
}
