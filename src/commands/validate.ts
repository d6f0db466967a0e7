/** `gitops-redis validate [dir]`: every offline check over the whole repository; exit 1 on any error. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ChecksFailed, UsageError } from "../errors.js";
import { loadConfigSchema } from "../config/json-schema.js";
import { CONFIG_FILE } from "../layout.js";
import { loadSchemas } from "../manifests/schemas.js";
import { objectKinds, validateRepository, type Finding } from "../validate/index.js";
import { readBaseFiles, readWorkTree } from "../validate/load.js";
import type { CommandContext } from "./context.js";

export interface ValidateCommandOptions {
  json?: boolean;
  base?: string;
}

export interface ValidateResult {
  findings: Finding[];
  errors: number;
  warnings: number;
  files: number;
  base: string | null;
}

export function formatFinding(f: Finding): string {
  const where = f.line ? `${f.path}:${f.line}:${f.col}` : f.path;
  return `${where}  ${f.rule}  ${f.severity === "warning" ? "warning: " : ""}${f.message}`;
}

export function summary(result: ValidateResult): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const base = result.base ? `, compared with ${result.base}` : "";
  return `${plural(result.errors, "error")}, ${plural(result.warnings, "warning")} in ${plural(result.files, "file")}${base}`;
}

export async function runValidate(dirArg: string | undefined, options: ValidateCommandOptions, ctx: CommandContext): Promise<ValidateResult> {
  const dir = resolve(ctx.cwd, dirArg ?? ".");
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new UsageError(`${dir} is not a directory`);
  const files = await readWorkTree(dir, ctx.env);
  if (!files.has(CONFIG_FILE)) {
    throw new UsageError(`${dir} has no ${CONFIG_FILE}: not a gitops-redis repository`, { hint: "run gitops-redis init first, or pass the repository's directory" });
  }
  const base = await readBaseFiles(dir, ctx.env, files, options.base);
  if (options.base && !base) throw new UsageError(`cannot read --base ${options.base}: no such commit in ${dir}`);
  const [schemas, configSchema] = await Promise.all([loadSchemas(objectKinds(files)), loadConfigSchema()]);
  const findings = validateRepository(files, { schemas, configSchema, baseFiles: base?.files });
  const result: ValidateResult = {
    findings,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    files: files.size,
    base: base?.ref ?? null,
  };
  if (ctx.out.jsonMode) ctx.out.json({ ok: result.errors === 0, ...result });
  else {
    for (const finding of findings) ctx.out.info(formatFinding(finding));
    ctx.out.info(summary(result));
  }
  if (result.errors > 0) throw new ChecksFailed("validate failed: fix the errors listed above");
  return result;
}
