/**
 * The shared path of add-env and set: flags -> spec -> plan on the default branch -> commit on the environment's
 * branch -> push -> pull request. Every input check runs before the first write a user can see (a ref, the working
 * tree, the remote). The commit built while the fetch runs (buildAhead) is checked against the default branch as it
 * was; when the fetch brings a change that the input then fails against, its objects stay behind unreferenced, as
 * git's own aborted commands leave theirs, for git gc.
 */
import { ConflictError, RemoteError, UsageError } from "../errors.js";
import { GitRepo, PushRejected, type CommitResult } from "../git/repo.js";
import { resolveToken } from "../github/repo-ref.js";
import { CONFIG_FILE, branchFor } from "../layout.js";
import { CONTROLLER_TITLES, type EnvironmentSpec, type RepoConfig } from "../model.js";
import { Problems, checkAcrossEnvironments, checkApiUrl, configLabel } from "../config/schema.js";
import { configFromText } from "../config/text.js";
import { defaultBranchOf } from "../config/default-branch.js";
import { environmentToData } from "../config/serialize.js";
import { connectionNotes, describeEnvironment, environmentInputPaths, planEnvironmentFiles } from "../plan/environment.js";
import { environmentWarnings, secretNotes } from "../plan/notes.js";
import { pullRequestText, type PullRequestText } from "../plan/pull-request.js";
import { environmentFromFlags, flagLabel, type EnvFlags } from "./env-options.js";
import type { CommandContext } from "./context.js";
import {
  REMOTE,
  fetchRemote,
  gitHubTarget,
  loadPullRequestModules,
  manualPullRequestHint,
  openPullRequest,
  pushBranch,
  trackingRef,
  type GitHubTarget,
  type PullRequestModules,
  type PullRequestOutcome,
  type RemoteAccess,
} from "./publish.js";
import { formatDiff } from "./diff.js";
import { leafValues } from "../yaml.js";
import { guarded } from "../guarded.js";
import type { ChangeReview } from "./what-changes.js";
import { startRepository, type RepositoryStart } from "./repository-start.js";

export interface ChangeOptions extends EnvFlags {
  dryRun?: boolean;
  json?: boolean;
  push?: boolean;
  apiUrl?: string;
  reviewer?: string[];
  draft?: boolean;
  base?: string;
  requirePr?: boolean;
}

export type ChangeAction = "add-env" | "set";

interface LoadedRepo {
  repo: GitRepo;
  config: RepoConfig;
  /** Commit the change is built on: the newer of the local and the fetched default branch. */
  base: string;
  access?: RemoteAccess;
  online: boolean;
}


async function chooseBase(repo: GitRepo, local: string | undefined, remote: string | undefined, ctx: CommandContext, branch: string): Promise<string | undefined> {
  if (!remote || remote === local) return local ?? remote;
  if (!local || (await repo.isAncestor(local, remote))) return remote;
  if (!(await repo.isAncestor(remote, local))) {
    ctx.out.warn(`${branch} and ${REMOTE}/${branch} have diverged; building on the local ${branch}`);
  } else {
    const ahead = await repo.countCommits(`${remote}..${local}`);
    ctx.out.warn(`local ${branch} is ${ahead} commit(s) ahead of ${REMOTE}/${branch}; they will be part of the pull request unless you push ${branch} first`);
  }
  return local;
}

export async function loadRepository(
  repo: GitRepo,
  ctx: CommandContext,
  options: { online: boolean },
  start: Promise<RepositoryStart> = startRepository(repo, ctx),
  ahead?: BuiltAhead,
): Promise<LoadedRepo> {
  const { isRoot, access, current, headConfig, fetching } = await start;
  if (!isRoot) {
    throw new UsageError(`${ctx.cwd} is not the top of a git repository`, { hint: "run gitops-redis init first, or cd into the repository" });
  }
  const defaultBranch = defaultBranchAt(headConfig, current);
  let online = false;
  if (access && options.online) {
    online = await (fetching?.branch === defaultBranch ? fetching.done : fetchRemote(repo, access, defaultBranch));
    if (!online) ctx.out.warn(`could not fetch from ${REMOTE}; building on the local ${defaultBranch}`);
  }
  const base = await chooseBase(
    repo,
    await repo.resolve(`refs/heads/${defaultBranch}`),
    access ? await repo.resolve(trackingRef(defaultBranch)) : undefined,
    ctx,
    defaultBranch,
  );
  const config = base && (ahead?.base === base ? ahead.config : await configAt(repo, base, current, headConfig));
  if (!base || !config) {
    throw new UsageError(`${CONFIG_FILE} not found on the default branch ${defaultBranch}`, { hint: "run gitops-redis init first" });
  }
  return { repo, config, base, access, online };
}

/** The default branch as HEAD's gitops-redis.yaml names it, else the checked-out branch, else main. */
const defaultBranchAt = (headConfig: string | undefined, current: string | undefined): string => defaultBranchOf(headConfig) ?? current ?? "main";

/** gitops-redis.yaml at `base`, parsed; HEAD's copy, already read, when `base` is the checked-out branch's tip. */
async function configAt(repo: GitRepo, base: string, current: string | undefined, headConfig: string | undefined): Promise<RepoConfig | undefined> {
  const text = base === (current && (await repo.resolve(`refs/heads/${current}`))) ? headConfig : await repo.readFile(base, CONFIG_FILE);
  return text === undefined ? undefined : configFromText(text);
}

const sameSettings = (a: EnvironmentSpec, b: EnvironmentSpec): boolean =>
  JSON.stringify(environmentToData({ ...a, preset: undefined })) === JSON.stringify(environmentToData({ ...b, preset: undefined }));

function checkPublishOptions(options: ChangeOptions): string[] {
  const problems = new Problems();
  const apiProblem = options.apiUrl === undefined ? undefined : checkApiUrl(options.apiUrl);
  if (apiProblem) problems.add("--api-url", options.apiUrl, apiProblem);
  for (const reviewer of options.reviewer ?? []) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\/[A-Za-z0-9._-]+)?$/.test(reviewer)) {
      problems.add("--reviewer", reviewer, "expected a GitHub login or org/team");
    }
  }
  if (options.base !== undefined && !/^[A-Za-z0-9][-A-Za-z0-9._/]*$/.test(options.base)) {
    problems.add("--base", options.base, "expected a branch name");
  }
  return problems.list;
}

/** Validated input: the environment as it should be, checked against every other environment. */
function resolveSpec(action: ChangeAction, name: string, options: ChangeOptions, config: RepoConfig): EnvironmentSpec {
  const existing = config.environments[name];
  if (action === "set" && !existing) {
    throw new UsageError(`environment ${name} does not exist on ${config.defaultBranch}`, {
      hint: `add it with: gitops-redis add-env ${name} --storage <kind> ...`,
    });
  }
  const { spec, problems } = environmentFromFlags(name, options, action === "set" ? existing : undefined, config.controller);
  if (!spec) throw new UsageError([...problems, ...checkPublishOptions(options)]);
  const cross = new Problems();
  const others = Object.values(config.environments).filter((e) => e.name !== name);
  checkAcrossEnvironments([...others, spec], cross, (env) => (env === name ? flagLabel(name, options) : configLabel(env)));
  const all = [...problems, ...cross.list, ...checkPublishOptions(options)];
  if (all.length) throw new UsageError(all);
  return spec;
}

interface BuiltChange {
  commit: string;
  result: "created" | "updated" | "unchanged";
  changes: Map<string, string | null>;
  current: Map<string, string>;
  /** The branch's commit before this run rebuilt it. */
  replaced?: string;
}

/** Plans on `base` and points the environment branch at the result; "unchanged" when it already holds it. */
async function buildBranch(
  loaded: LoadedRepo,
  spec: EnvironmentSpec,
  branch: string,
  message: string,
  ahead?: BuiltAhead,
): Promise<BuiltChange | undefined> {
  const { repo, config, base } = loaded;
  // Same base, so the same config (loadRepository took the early one's), spec and plan.
  const { current, changes, built } = ahead?.base === base ? ahead : await commitChange(repo, config, base, spec, message);
  if (!built) return undefined;
  const tip = await repo.resolve(`refs/heads/${branch}`);
  if (tip && (await repo.treeOf(tip)) === built.tree && (await repo.resolve(`${tip}^`)) === base) {
    return { commit: tip, result: "unchanged", changes, current };
  }
  const elsewhere = tip && (await repo.otherWorktreeWith(branch));
  if (elsewhere) {
    throw new ConflictError(`${branch} is checked out in the worktree ${elsewhere}`, {
      hint: "switch that worktree to another branch (or remove it; git worktree prune if its folder is gone), then re-run",
    });
  }
  const checkedOut = (await repo.currentBranch()) === branch;
  if (checkedOut && (await repo.dirtyPaths()).length) {
    throw new ConflictError(`${branch} is checked out with uncommitted changes`, { hint: `commit or stash them, or git switch ${config.defaultBranch}` });
  }
  await repo.setBranch(branch, built, tip);
  if (checkedOut) await repo.syncWorkTree();
  return { commit: built.commit, result: tip ? "updated" : "created", changes, current, replaced: tip };
}

interface PlannedCommit {
  current: Map<string, string>;
  changes: Map<string, string | null>;
  /** Undefined when the plan changes nothing. */
  built: CommitResult | undefined;
}

/** The environment's files as `base` has them, and what `spec` changes in them. */
async function planChange(repo: GitRepo, config: RepoConfig, base: string, spec: EnvironmentSpec): Promise<Omit<PlannedCommit, "built">> {
  const nextConfig: RepoConfig = { ...config, environments: { ...config.environments, [spec.name]: spec } };
  const current = await repo.readFiles(base, environmentInputPaths(config, spec));
  return { current, changes: planEnvironmentFiles(nextConfig, spec, current) };
}

/** The plan of `spec` on `base`, committed (objects only: no ref moves). */
async function commitChange(repo: GitRepo, config: RepoConfig, base: string, spec: EnvironmentSpec, message: string): Promise<PlannedCommit> {
  const { current, changes } = await planChange(repo, config, base, spec);
  const built = changes.size === 0 ? undefined : await repo.commitOnto({ parent: base, changes, message });
  return { current, changes, built };
}

/** A commit made while the fetch runs, on the default branch as it was before: kept if the fetch did not move it. */
interface BuiltAhead extends PlannedCommit {
  base: string;
  config: RepoConfig;
}

/**
 * Plans and commits (objects only) on the default branch as the refs had it before the fetch, while the fetch runs:
 * usually the fetch brings nothing new and the run goes on from here, not from the fetch's end. Only the plain case
 * (the local default branch and origin's agree, or there is only one of them) is tried; any other case, and any
 * failure, is left to the normal path, which reports it. Writes nothing a user sees: objects no ref points at.
 */
async function buildAhead(
  repo: GitRepo,
  start: Promise<RepositoryStart>,
  action: ChangeAction,
  name: string,
  options: ChangeOptions,
  env: NodeJS.ProcessEnv,
): Promise<BuiltAhead | undefined> {
  const { isRoot, access, current, headConfig } = await start;
  if (!isRoot || !access) return undefined;
  const defaultBranch = defaultBranchAt(headConfig, current);
  const [local, remote] = await Promise.all([repo.refCommitAsListed(`refs/heads/${defaultBranch}`), repo.refCommitAsListed(trackingRef(defaultBranch))]);
  const base = local && remote && local !== remote ? undefined : (local ?? remote);
  const config = base && (await configAt(repo, base, current, headConfig));
  if (!base || !config || (action === "add-env" && config.environments[name])) return undefined;
  // Both throw on input the normal path rejects before writing anything.
  const spec = resolveSpec(action, name, options, config);
  gitHubTarget(config, access.url, options.apiUrl, env);
  return { base, config, ...(await commitChange(repo, config, base, spec, commitMessage(action, spec))) };
}

/** add-env and set once `start` (see add-env.ts) has begun reading `repo`; the caller closes `repo`. */
export async function changeEnvironment(
  repo: GitRepo,
  start: Promise<RepositoryStart>,
  action: ChangeAction,
  name: string,
  options: ChangeOptions,
  ctx: CommandContext,
): Promise<void> {
  const { out } = ctx;
  const online = options.push !== false && !options.dryRun;
  const token = resolveToken(ctx.env);
  // A failed early build is left to the normal path, which reports it.
  const building = online ? buildAhead(repo, start, action, name, options, ctx.env).catch(() => undefined) : undefined;
  const prModules = online && token ? loadPullRequestModules() : undefined;
  const ahead = await building;
  let loaded = await loadRepository(repo, ctx, { online }, start, ahead);
  const { config } = loaded;
  const spec = resolveSpec(action, name, options, config);
  // Checked before anything is written: the API URL can come from the environment or the config.
  const target = loaded.access && online ? gitHubTarget(config, loaded.access.url, options.apiUrl, ctx.env) : undefined;
  const existing = config.environments[name];

  if (action === "add-env" && existing) {
    if (sameSettings(existing, spec)) {
      out.info(`Environment ${name} already exists on ${config.defaultBranch} with these settings; nothing to change.`);
      out.json({ action: "unchanged", env: name, branch: null, commit: null, files: [], pr: null });
      return;
    }
    throw new ConflictError(`environment ${name} already exists on ${config.defaultBranch} with other settings`, {
      hint: `change it with: gitops-redis set ${name} <flags> (see gitops-redis set --help)`,
    });
  }

  const branch = branchFor(action, name);
  const message = commitMessage(action, spec);

  if (options.dryRun) {
    const { current, changes } = await planChange(loaded.repo, config, loaded.base, spec);
    await loaded.repo.checkPaths(loaded.base, changes);
    out.info(`Dry run: ${action} ${name} (${describeEnvironment(spec)}) would commit on ${branch}:`);
    out.info(`  ${message}`);
    out.info(changes.size ? formatDiff(current, changes) : "  (no file would change)");
    printNotes(ctx, { ...config, environments: { ...config.environments, [name]: spec } }, spec);
    if (action === "set" && changes.size) printRisks(ctx, await reviewOf(undefined, loaded, spec, { current, changes }));
    out.json({ action: "dry-run", env: name, branch, commit: null, files: [...changes.keys()], pr: null });
    return;
  }

  let built = await buildBranch(loaded, spec, branch, message, ahead);
  if (!built) {
    out.info(`Environment ${name} on ${config.defaultBranch} already has these settings; nothing to change.`);
    // A set back to the default branch's settings leaves an earlier, unmerged set as it is: say so.
    if (action === "set" && (await earlierSetPending(loaded, branch, spec))) {
      out.warn(`the unmerged ${branch} still changes ${name}; to drop that change, delete the branch (and close its pull request)`);
    }
    out.json({ action: "unchanged", env: name, branch: null, commit: null, files: [], pr: null });
    return;
  }
  if (action === "set" && built.replaced) {
    const dropped = await droppedSettings(loaded, built.replaced, spec);
    if (dropped.length) {
      out.warn(`the unmerged ${branch} also changed ${dropped.join(", ")}; it is rebuilt from ${config.defaultBranch} with the flags of this run only, so pass those again to keep them`);
    }
  }

  const { access } = loaded;
  const remoteTip = access ? await loaded.repo.resolve(trackingRef(branch)) : undefined;
  // What the change risks, and the pull request's "What changes": read from the repository while git pushes. Only
  // `set` changes an environment that runs, so only it can risk data; a pull request needs the section either way.
  const opensPr = Boolean(prModules && target && token);
  const startReview = (change: BuiltChange) => (opensPr || action === "set" ? guarded(reviewOf(prModules, loaded, spec, change)) : undefined);
  let review: ReturnType<typeof startReview>;
  let pushed = false;
  let rebuilt = false;
  if (access && options.push !== false && (!loaded.online || remoteTip !== built.commit)) {
    // The review parses YAML on the main thread for several ms: started once git push runs, it fills the push's wait
    // instead of holding back its start.
    const reviewWhilePushing = (change: BuiltChange) => ({ onStarted: () => (review ??= startReview(change)) });
    try {
      await pushBranch(loaded.repo, access, branch, true, { seen: { tip: remoteTip }, ...reviewWhilePushing(built) });
    } catch (error) {
      if (!(error instanceof PushRejected)) throw error;
      // The remote branch moved since we looked: rebuild on the current default branch and try once more.
      out.warn(`${error.message}; rebuilding ${branch} on the current ${config.defaultBranch}`);
      loaded = await loadRepository(repo, ctx, { online: true });
      const again = await buildBranch(loaded, resolveSpec(action, name, options, loaded.config), branch, message);
      // The first build already moved the branch: a branch this run created stays "created" whatever the rebuild says.
      if (again) built = { ...again, result: built.result === "created" || again.result === "unchanged" ? built.result : again.result };
      review = undefined;
      rebuilt = true;
      await pushBranch(loaded.repo, access, branch, true, reviewWhilePushing(built));
    }
    pushed = true;
  }
  review ??= startReview(built);

  const files = [...built.changes.keys()];
  if (built.result === "unchanged") {
    out.info(`Branch ${branch} already holds these settings; nothing to change${pushed ? " (pushed it: the remote was behind)" : ""}.`);
  } else {
    out.info(`${built.result === "created" ? "Created" : "Rebuilt"} branch ${branch} from ${config.defaultBranch}: ${message}`);
    for (const [path, content] of built.changes) out.info(`  ${content === null ? "-" : built.current.has(path) ? "~" : "+"} ${path}`);
    printNotes(ctx, { ...config, environments: { ...config.environments, [name]: spec } }, spec);
    printRisks(ctx, review && (await review));
  }
  if (pushed) out.info(`Pushed ${branch} to ${REMOTE}.`);
  const change = built;
  const text = opensPr && review ? guarded(review.then((r) => pullRequestText(action, loaded.config, spec, message, change.changes, change.current, branch, r.markdown))) : undefined;

  // Only a branch that was not on the remote before this run can have no pull request yet.
  const newHead = loaded.online && remoteTip === undefined && pushed && !rebuilt;
  const pr = await publishPullRequest(loaded, spec, branch, message, options, ctx, { target, token, modules: prModules, text, newHead });
  out.json({ action: built.result, env: name, branch, commit: built.commit, files, pr: pr ? { number: pr.number, url: pr.url, action: pr.action } : null });
}

/**
 * Settings a rebuilt `set` branch had changed from the default branch that this run leaves as the default branch has
 * them: `set` starts from the default branch, so a second `set` before the first is merged drops the first's changes.
 */
async function droppedSettings(loaded: LoadedRepo, replaced: string, spec: EnvironmentSpec): Promise<string[]> {
  const before = loaded.config.environments[spec.name];
  const earlier = await environmentAt(loaded.repo, replaced, spec.name);
  if (!earlier || !before) return [];
  const flat = (env: EnvironmentSpec) => {
    const leaves = leafValues(environmentToData({ ...env, preset: undefined }));
    return new Map([...leaves].map(([key, value]) => [key, JSON.stringify(value)]));
  };
  const [base, old, now] = [flat(before), flat(earlier), flat(spec)];
  return [...old.keys()].filter((key) => old.get(key) !== base.get(key) && now.get(key) === base.get(key));
}

/**
 * Whether the branch of an earlier `set` (here or on origin) gives the environment other settings than `spec`, which
 * the default branch has: a merged one (squashed too) gives the same, a branch deleted on origin is pruned by the fetch.
 */
async function earlierSetPending(loaded: LoadedRepo, branch: string, spec: EnvironmentSpec): Promise<boolean> {
  const { repo, access } = loaded;
  for (const ref of [`refs/heads/${branch}`, ...(access ? [trackingRef(branch)] : [])] as const) {
    const tip = await repo.resolve(ref);
    const theirs = tip && (await environmentAt(repo, tip, spec.name));
    if (theirs && !sameSettings(theirs, spec)) return true;
  }
  return false;
}

/** The environment as gitops-redis.yaml at `commit` has it; undefined when it has none or does not parse there. */
async function environmentAt(repo: GitRepo, commit: string, name: string): Promise<EnvironmentSpec | undefined> {
  const text = await repo.readFile(commit, CONFIG_FILE);
  try {
    return text === undefined ? undefined : configFromText(text).environments[name];
  } catch {
    return undefined;
  }
}

async function reviewOf(
  modules: Promise<PullRequestModules> | undefined,
  loaded: LoadedRepo,
  spec: EnvironmentSpec,
  change: Pick<BuiltChange, "current" | "changes">,
): Promise<ChangeReview> {
  const { reviewChange } = modules ? await modules : await import("./what-changes.js");
  return reviewChange(loaded.repo, loaded.base, loaded.config, change.current, change.changes, spec.name);
}

/** Data-safety risks, as validate and the pull request body name them. */
function printRisks(ctx: CommandContext, review: ChangeReview | undefined): void {
  for (const risk of review?.risks ?? []) ctx.out.warn(`data-safety: ${risk.message}`);
}

interface PullRequestPlan {
  target: GitHubTarget | undefined;
  token: string | undefined;
  modules: Promise<PullRequestModules> | undefined;
  /** Prepared while the branch was pushed; present when target, token and modules are. */
  text: Promise<PullRequestText> | undefined;
  newHead: boolean;
}

async function publishPullRequest(
  loaded: LoadedRepo,
  spec: EnvironmentSpec,
  branch: string,
  title: string,
  options: ChangeOptions,
  ctx: CommandContext,
  plan: PullRequestPlan,
): Promise<PullRequestOutcome | undefined> {
  const { out } = ctx;
  const { config, access } = loaded;
  const base = options.base ?? config.defaultBranch;
  if (!access || options.push === false) {
    const why = access ? "--no-push" : `no remote ${REMOTE}`;
    if (options.requirePr) throw new RemoteError(`cannot open the pull request: ${why}`, { hint: `git push -u ${REMOTE} ${branch}` });
    out.info(`Not pushed (${why}). Push with: git push -u ${REMOTE} ${branch}`);
    out.info(`Then ${manualPullRequestHint(undefined, branch, base, title)}; merging it lets ${CONTROLLER_TITLES[config.controller]} deploy ${spec.name}.`);
    return undefined;
  }
  const { target, token } = plan;
  if (!target || !token || !plan.modules || !plan.text) {
    const why = !target ? `${REMOTE} is not a GitHub repository and gitops-redis.yaml names none (init --github owner/repo)` : "GITHUB_TOKEN and GH_TOKEN are not set";
    if (options.requirePr) throw new RemoteError(`cannot open the pull request: ${why}`, { hint: manualPullRequestHint(target, branch, base, title) });
    out.warn(`no pull request opened: ${why}`);
    out.info(`Next: ${manualPullRequestHint(target, branch, base, title)}`);
    return undefined;
  }
  const pr = await openPullRequest(
    await plan.modules,
    target,
    token,
    { ...(await plan.text), head: branch, base, reviewers: options.reviewer ?? [], draft: Boolean(options.draft), newHead: plan.newHead },
    ctx,
  );
  const said = { created: "Opened pull request", updated: "Updated pull request", unchanged: "Pull request is up to date:" };
  out.info(`${said[pr.action]} #${pr.number}: ${pr.url}`);
  out.info(`Next: review and merge it; ${CONTROLLER_TITLES[config.controller]} then deploys ${spec.name}.`);
  return pr;
}

function printNotes(ctx: CommandContext, config: RepoConfig, spec: EnvironmentSpec): void {
  for (const line of secretNotes(spec)) ctx.out.info(`Password: ${line}`);
  for (const line of connectionNotes(spec)) ctx.out.info(`Connect: ${line}`);
  for (const line of environmentWarnings(config, spec)) ctx.out.info(`Warning: ${line}`);
}

function commitMessage(action: ChangeAction, spec: EnvironmentSpec): string {
  return action === "add-env"
    ? `feat(${spec.name}): add Redis environment ${spec.name} (${describeEnvironment(spec)})`
    : `feat(${spec.name}): update Redis environment ${spec.name} (${describeEnvironment(spec)})`;
}
