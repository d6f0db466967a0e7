import { GitRepo } from "../git/repo.js";
import type { CommandContext } from "./context.js";
import type { ChangeAction, ChangeOptions } from "./environment-change.js";
import { startRepository } from "./repository-start.js";

/** `gitops-redis add-env <name>`: a new environment on branch gitops-redis/add-env-<name>. */
export function runAddEnv(name: string, options: ChangeOptions, ctx: CommandContext): Promise<void> {
  return runChange("add-env", name, options, ctx);
}

/** `gitops-redis set <name>`: change an environment that is on the default branch. */
export function runSet(name: string, options: ChangeOptions, ctx: CommandContext): Promise<void> {
  return runChange("set", name, options, ctx);
}

async function runChange(action: ChangeAction, name: string, options: ChangeOptions, ctx: CommandContext): Promise<void> {
  const repo = new GitRepo(ctx.cwd, ctx.env);
  try {
    // git starts reading and fetching while the planning code loads.
    const start = startRepository(repo, ctx, { online: options.push !== false && !options.dryRun });
    // Its answers first: loading the planning code holds the event loop for tens of milliseconds, and the fetch,
    // which starts from them, then runs while it loads instead of after.
    await start.catch(() => undefined);
    const { changeEnvironment } = await import("./environment-change.js");
    await changeEnvironment(repo, start, action, name, options, ctx);
  } finally {
    await repo.close();
  }
}
