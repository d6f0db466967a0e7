/**
 * The shared path of add-env and set: flags -> spec -> plan on the default branch -> commit on the environment's
 * branch -> push. Every check runs before the first write.
 */
import { ConflictError, UsageError } from "../errors.js";
import { GitRepo } from "../git/repo.js";
import { CONFIG_FILE, branchFor } from "../layout.js";
import { CONTROLLER_TITLES, type EnvironmentSpec, type RepoConfig } from "../model.js";
import { Problems, checkAcrossEnvironments, configLabel, parseConfig } from "../config/schema.js";
import { environmentToData } from "../config/serialize.js";
import { describeEnvironment, environmentInputPaths, planEnvironmentFiles } from "../plan/environment.js";
import { parseYamlDocument, YamlParseError } from "../yaml.js";
import { environmentFromFlags, flagLabel, type EnvFlags } from "./env-options.js";
import type { CommandContext } from "./context.js";
import { hasRemote, pushBranch, REMOTE } from "./publish.js";
import { formatDiff } from "./diff.js";

export interface ChangeOptions extends EnvFlags {
  dryRun?: boolean;
  json?: boolean;
  push?: boolean;
}

export type ChangeAction = "add-env" | "set";

interface LoadedRepo {
  repo: GitRepo;
  config: RepoConfig;
  base: string;
}

export async function loadRepository(ctx: CommandContext): Promise<LoadedRepo> {
  const repo = new GitRepo(ctx.cwd, ctx.env);
  if (!(await repo.isRepoRoot())) {
    throw new UsageError(`${ctx.cwd} is not the top of a git repository`, { hint: "run gitops-redis init first, or cd into the repository" });
  }
  const head = await repo.resolve("HEAD");
  const text = head ? await repo.readFile("HEAD", CONFIG_FILE) : undefined;
  const branchHint = text === undefined ? undefined : parseDefaultBranch(text);
  const defaultBranch = branchHint ?? (await repo.currentBranch()) ?? "main";
  const base = await repo.resolve(`refs/heads/${defaultBranch}`);
  const baseText = base ? await repo.readFile(base, CONFIG_FILE) : undefined;
  if (!base || baseText === undefined) {
    throw new UsageError(`${CONFIG_FILE} not found on the default branch ${defaultBranch}`, {
      hint: "run gitops-redis init first",
    });
  }
  let raw: unknown;
  try {
    raw = parseYamlDocument(baseText, CONFIG_FILE).toJS();
  } catch (error) {
    if (error instanceof YamlParseError) throw new UsageError(error.message);
    throw error;
  }
  const { config, problems } = parseConfig(raw);
  if (!config) throw new UsageError(problems.map((p) => `${CONFIG_FILE}: ${p}`));
  return { repo, config, base };
}

function parseDefaultBranch(text: string): string | undefined {
  try {
    const value = parseYamlDocument(text, CONFIG_FILE).getIn(["repo", "defaultBranch"]);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

const sameSettings = (a: EnvironmentSpec, b: EnvironmentSpec): boolean =>
  JSON.stringify(environmentToData({ ...a, preset: undefined })) === JSON.stringify(environmentToData({ ...b, preset: undefined }));

export async function runEnvironmentChange(
  action: ChangeAction,
  name: string,
  options: ChangeOptions,
  ctx: CommandContext,
): Promise<void> {
  const { out } = ctx;
  const { repo, config, base } = await loadRepository(ctx);
  const existing = config.environments[name];
  if (action === "set" && !existing) {
    throw new UsageError(`environment ${name} does not exist on ${config.defaultBranch}`, {
      hint: `add it with: gitops-redis add-env ${name} --storage <kind> ...`,
    });
  }
  const { spec, problems } = environmentFromFlags(name, options, action === "set" ? existing : undefined, config.controller);
  const cross = new Problems();
  const others = Object.values(config.environments).filter((e) => e.name !== name);
  checkAcrossEnvironments([...others, spec], cross, (env) => (env === name ? flagLabel(name) : configLabel(env)));
  const all = [...problems, ...cross.list];
  if (all.length) throw new UsageError(all);

  if (action === "add-env" && existing) {
    if (sameSettings(existing, spec)) {
      out.info(`Environment ${name} already exists on ${config.defaultBranch} with these settings; nothing to change.`);
      out.json({ action: "unchanged", env: name, branch: null, commit: null, files: [] });
      return;
    }
    throw new ConflictError(`environment ${name} already exists on ${config.defaultBranch} with other settings`, {
      hint: `change it with: gitops-redis set ${name} <flags> (see gitops-redis set --help)`,
    });
  }

  const branch = branchFor(action, name);
  const nextConfig: RepoConfig = { ...config, environments: { ...config.environments, [name]: spec } };
  const current = await repo.readFiles(base, environmentInputPaths(config, spec));
  const changes = planEnvironmentFiles(nextConfig, spec, current);
  const files = [...changes.keys()];
  const message = commitMessage(action, spec);

  if (options.dryRun) {
    out.info(`Dry run: ${action} ${name} (${describeEnvironment(spec)}) would commit on ${branch}:`);
    out.info(`  ${message}`);
    out.info(formatDiff(current, changes));
    out.json({ action: "dry-run", env: name, branch, commit: null, files });
    return;
  }
  if (changes.size === 0) {
    out.info(`Environment ${name} on ${config.defaultBranch} already has these settings; nothing to change.`);
    out.json({ action: "unchanged", env: name, branch: null, commit: null, files: [] });
    return;
  }

  const tip = await repo.resolve(`refs/heads/${branch}`);
  const built = await repo.commitOnto({ parent: base, changes, message });
  if (!built) throw new Error("planned changes produced no tree change");
  const checkedOut = (await repo.currentBranch()) === branch;
  if (checkedOut && (await repo.dirtyPaths()).length) {
    throw new ConflictError(`${branch} is checked out with uncommitted changes`, { hint: `commit or stash them, or git switch ${config.defaultBranch}` });
  }

  let commit = built.commit;
  let result: "created" | "updated" | "unchanged";
  if (tip && (await repo.treeOf(tip)) === built.tree && (await isOnTopOf(repo, tip, base))) {
    commit = tip;
    result = "unchanged";
  } else {
    await repo.setBranch(branch, built.commit, tip);
    if (checkedOut) await repo.syncWorkTree();
    result = tip ? "updated" : "created";
  }

  let pushed = false;
  if (options.push !== false && (await hasRemote(repo))) {
    const remoteTip = await repo.remoteBranch(REMOTE, branch);
    if (remoteTip !== commit) {
      await pushBranch(repo, branch, ctx, { lease: true });
      pushed = true;
    }
  }

  if (result === "unchanged") {
    out.info(`Branch ${branch} already holds these settings; nothing to change${pushed ? " (pushed it, the remote was behind)" : ""}.`);
  } else {
    out.info(`${result === "created" ? "Created" : "Rebuilt"} branch ${branch} from ${config.defaultBranch}: ${message}`);
    for (const [path, content] of changes) out.info(`  ${content === null ? "-" : current.has(path) ? "~" : "+"} ${path}`);
    out.info(pushed ? `Pushed ${branch} to ${REMOTE}.` : `Not pushed. Push with: git push -u ${REMOTE} ${branch}`);
    out.info(`Next: open a pull request from ${branch} into ${config.defaultBranch}; merging it lets ${CONTROLLER_TITLES[config.controller]} deploy ${name}.`);
  }
  out.json({ action: result, env: name, branch, commit, files });
}

async function isOnTopOf(repo: GitRepo, tip: string, base: string): Promise<boolean> {
  return (await repo.resolve(`${tip}^`)) === base;
}

function commitMessage(action: ChangeAction, spec: EnvironmentSpec): string {
  return action === "add-env"
    ? `feat(${spec.name}): add Redis environment ${spec.name} (${describeEnvironment(spec)})`
    : `feat(${spec.name}): update Redis environment ${spec.name} (${describeEnvironment(spec)})`;
}
