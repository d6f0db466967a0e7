import type { CommandContext } from "./context.js";
import { runEnvironmentChange, type ChangeOptions } from "./environment-change.js";

/** `gitops-redis add-env <name>`: a new environment on branch gitops-redis/add-env-<name>. */
export function runAddEnv(name: string, options: ChangeOptions, ctx: CommandContext): Promise<void> {
  return runEnvironmentChange("add-env", name, options, ctx);
}

/** `gitops-redis set <name>`: change an environment that is on the default branch. */
export function runSet(name: string, options: ChangeOptions, ctx: CommandContext): Promise<void> {
  return runEnvironmentChange("set", name, options, ctx);
}
