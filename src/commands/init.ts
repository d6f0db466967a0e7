/** `gitops-redis init [dir]`: scaffold (or adopt) a GitOps repository. */
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ConflictError, UsageError } from "../errors.js";
import { GitRepo } from "../git/repo.js";
import { writeFileAtomic, readFileIfExists } from "../io/files.js";
import { CONFIG_FILE } from "../layout.js";
import {
  CONTROLLER_TITLES,
  DEFAULT_CLUSTER_CHART_NAME,
  DEFAULT_CLUSTER_CHART_VERSION,
  SUPPORTED_CHART_VERSIONS,
  type Controller,
  type RepoConfig,
} from "../model.js";
import { CONTROLLERS, Problems, checkApiUrl, checkChartRepository, checkChartVersion, checkRepoSlug } from "../config/schema.js";
import { checkNamespace } from "../config/rules.js";
import { defaultBranchOf } from "../config/default-branch.js";
import { configFromText } from "../config/text.js";
import { parseGitHubRemote } from "../github/repo-ref.js";
import { bootstrapHint, planInitFiles } from "../plan/init.js";
import { packageVersion } from "../assets.js";
import type { Output } from "../output.js";
import type { CommandContext } from "./context.js";
import { REMOTE, pushBranch, remoteAccess } from "./publish.js";

export interface InitOptions {
  controller: string;
  chartRepo: string;
  chartVersion: string;
  defaultBranch: string;
  remote?: string;
  repoUrl?: string;
  github?: string;
  apiUrl?: string;
  /** Argo CD only; "argocd" when not given. */
  argocdNamespace?: string;
  push: boolean;
  json: boolean;
  /** Options typed on the command line (not defaults): on a repository already initialized they must agree with it. */
  given?: readonly string[];
}

export const INIT_COMMIT_MESSAGE = "chore: initialize gitops-redis repository";

function checkOptions(options: InitOptions): void {
  const problems = new Problems();
  if (!(CONTROLLERS as readonly string[]).includes(options.controller)) {
    problems.add("--controller", options.controller, `expected one of ${CONTROLLERS.join(", ")}`);
  }
  const repoProblem = checkChartRepository(options.chartRepo);
  if (repoProblem) problems.add("--chart-repo", options.chartRepo, repoProblem);
  const versionProblem = checkChartVersion(options.chartVersion);
  if (versionProblem) problems.add("--chart-version", options.chartVersion, versionProblem);
  if (!/^[A-Za-z0-9][-A-Za-z0-9._/]*$/.test(options.defaultBranch) || options.defaultBranch.includes("..")) {
    problems.add("--default-branch", options.defaultBranch, "expected a git branch name such as main");
  }
  for (const [flag, value] of [["--remote", options.remote], ["--repo-url", options.repoUrl]] as const) {
    if (value !== undefined && !/^(https?:\/\/|ssh:\/\/|git@|file:\/\/)\S+$/.test(value)) {
      problems.add(flag, value, "expected a git URL (https://, ssh://, git@host:owner/repo.git or file://)");
    }
  }
  const slugProblem = options.github === undefined ? undefined : checkRepoSlug(options.github);
  if (slugProblem) problems.add("--github", options.github, slugProblem);
  const apiProblem = options.apiUrl === undefined ? undefined : checkApiUrl(options.apiUrl);
  if (apiProblem) problems.add("--api-url", options.apiUrl, apiProblem);
  if (options.argocdNamespace !== undefined) {
    const namespaceProblem = options.controller === "flux" ? "only applies to --controller argocd" : checkNamespace(options.argocdNamespace);
    if (namespaceProblem) problems.add("--argocd-namespace", options.argocdNamespace, namespaceProblem);
  }
  if (problems.list.length) throw new UsageError(problems.list);
}

export async function runInit(dirArg: string | undefined, options: InitOptions, ctx: CommandContext): Promise<void> {
  const { out } = ctx;
  checkOptions(options);
  const dir = resolve(ctx.cwd, dirArg ?? ".");
  const exists = await stat(dir).then((s) => s.isDirectory(), () => false);
  const repo = new GitRepo(dir, ctx.env);
  try {
    await initRepository(repo, dir, exists, options, ctx);
  } finally {
    await repo.close();
  }
}

async function initRepository(repo: GitRepo, dir: string, exists: boolean, options: InitOptions, ctx: CommandContext): Promise<void> {
  const { out } = ctx;
  const isRepo = exists && (await repo.isRepoRoot());

  const found = isRepo ? await whatIsAt(dir, CONFIG_FILE) : undefined;
  // Something other than a file there is in the way, as the check below says.
  const existingConfig = typeof found === "string" ? found : undefined;
  if (existingConfig !== undefined) {
    refuseChanges(existingConfig, options);
    await refuseRemote(repo, options, defaultBranchOf(existingConfig) ?? "main");
    out.info(`${dir} is already a gitops-redis repository (${CONFIG_FILE} exists); nothing to change.`);
    out.info("Next: gitops-redis add-env <name> --storage <kind> ...");
    const branch = defaultBranchOf(existingConfig) ?? (await repo.currentBranch()) ?? null;
    out.json({ action: "unchanged", dir, branch, commit: await repo.resolve("HEAD"), files: [] });
    return;
  }

  if (isRepo) {
    const dirty = await repo.dirtyPaths();
    if (dirty.length) {
      throw new ConflictError(`refusing to initialize ${dir}: the working tree has uncommitted changes: ${dirty.join(", ")}`, {
        hint: "commit or stash them, then run gitops-redis init again",
      });
    }
  }
  const origin = isRepo ? await repo.remoteUrl("origin") : undefined;
  if (options.remote && origin && origin !== options.remote) {
    throw new ConflictError(`remote origin already points at ${origin}, not ${options.remote}`, {
      hint: "drop --remote to use the existing origin, or change it with git remote set-url origin <url>",
    });
  }
  const repoUrl = options.repoUrl ?? options.remote ?? origin ?? (options.github ? `https://github.com/${options.github}.git` : undefined);
  if (!repoUrl) {
    throw new UsageError(`missing --repo-url: ${CONTROLLER_TITLES[options.controller as Controller]} needs the URL it clones this repository from; pass --remote <git-url>, --repo-url <git-url> or --github owner/repo`);
  }

  const config: RepoConfig = {
    controller: options.controller as Controller,
    repoUrl,
    defaultBranch: options.defaultBranch,
    chart: { repository: options.chartRepo, name: "redis", version: options.chartVersion },
    clusterChart: { repository: options.chartRepo, name: DEFAULT_CLUSTER_CHART_NAME, version: DEFAULT_CLUSTER_CHART_VERSION },
    argocd: { namespace: options.argocdNamespace ?? "argocd", project: "default" },
    environments: {},
  };
  if (options.github) config.github = { repository: options.github };
  if (options.apiUrl) config.github = { repository: config.github?.repository ?? slugFromUrl(repoUrl, options.apiUrl), apiUrl: options.apiUrl };
  const files = planInitFiles(config, packageVersion());

  if (exists) {
    const foreign: string[] = [];
    for (const [path, content] of files) {
      const present = await whatIsAt(dir, path);
      const blocked = typeof present === "object" ? present.inTheWay : present !== undefined && present !== content ? path : undefined;
      if (blocked !== undefined && !foreign.includes(blocked)) foreign.push(blocked);
    }
    if (foreign.length) {
      throw new ConflictError(`refusing to overwrite files gitops-redis would generate: ${foreign.join(", ")}`, {
        hint: "move them away (or init a new directory) and run gitops-redis init again",
      });
    }
  }
  if (isRepo) {
    const head = await repo.currentBranch();
    if ((await repo.resolve("HEAD")) && head !== options.defaultBranch) {
      throw new ConflictError(`the checked-out branch is ${head ?? "(detached)"}, not the default branch ${options.defaultBranch}`, {
        hint: `git switch ${options.defaultBranch}, or pass --default-branch ${head ?? "<branch>"}`,
      });
    }
  }

  if (/^file:/.test(repoUrl)) {
    out.warn(`${CONTROLLER_TITLES[config.controller]} will clone ${repoUrl}, which only this machine can reach; pass --repo-url with the URL the cluster can clone`);
  }
  if (!SUPPORTED_CHART_VERSIONS.includes(options.chartVersion as (typeof SUPPORTED_CHART_VERSIONS)[number])) {
    out.warn(`chart version ${options.chartVersion} is not one gitops-redis was checked against (${SUPPORTED_CHART_VERSIONS.join(", ")})`);
  }

  await mkdir(dir, { recursive: true });
  if (!isRepo) await repo.init(options.defaultBranch);
  if (options.remote && !origin) await repo.addRemote("origin", options.remote);
  for (const [path, content] of files) await writeFileAtomic(join(dir, path), content);
  const commit = await repo.commitPaths([...files.keys()], INIT_COMMIT_MESSAGE);
  out.info(`Initialized gitops-redis repository in ${dir} (${CONTROLLER_TITLES[config.controller]}, chart ${config.chart.name} ${config.chart.version}).`);
  for (const path of files.keys()) out.info(`  + ${path}`);
  await report(out, await pushIfRemote(repo, options, ctx), options.defaultBranch, bootstrapHint(config));
  out.json({ action: "created", dir, branch: options.defaultBranch, commit, files: [...files.keys()] });
}

/**
 * The file at `path`: its text, undefined when nothing is there, or what is in the way of writing it (a folder there,
 * or a file where one of its folders goes).
 */
async function whatIsAt(dir: string, path: string): Promise<string | undefined | { inTheWay: string }> {
  try {
    return await readFileIfExists(join(dir, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") return { inTheWay: path };
    if (code !== "ENOTDIR") throw error;
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join("/");
      if ((await stat(join(dir, ancestor)).catch(() => undefined))?.isFile()) return { inTheWay: ancestor };
    }
    return { inTheWay: path };
  }
}

type PushOutcome = "pushed" | "no-push" | "no-remote";

async function pushIfRemote(repo: GitRepo, options: InitOptions, ctx: CommandContext): Promise<PushOutcome> {
  const access = await remoteAccess(repo, ctx);
  if (!access) return "no-remote";
  if (!options.push) return "no-push";
  await pushBranch(repo, access, options.defaultBranch, false);
  return "pushed";
}

async function report(out: Output, pushed: PushOutcome, branch: string, bootstrap: string): Promise<void> {
  if (pushed === "pushed") out.info(`Pushed ${branch} to ${REMOTE}.`);
  else if (pushed === "no-push") out.info(`Not pushed (--no-push). Push with: git push -u ${REMOTE} ${branch}`);
  else out.info(`No push (no remote ${REMOTE}): add one with git remote add ${REMOTE} <url> && git push -u ${REMOTE} ${branch}`);
  out.info(`Next: gitops-redis add-env <name> --storage <kind> ...   ${bootstrap}.`);
}

/** --api-url without --github: the repository is the one the git URL names. */
function slugFromUrl(repoUrl: string, apiUrl: string): string {
  const remote = parseGitHubRemote(repoUrl);
  if (!remote) {
    throw new UsageError(`missing --github: --api-url ${apiUrl} needs the repository of the pull requests (owner/repo); ${repoUrl} names none`);
  }
  return `${remote.owner}/${remote.repo}`;
}

/** One spelling of a git URL for comparing: no final `/` or `.git`. */
const spelling = (url: string): string => url.trim().replace(/\/+$/, "").replace(/\.git$/, "");

/** --remote on an initialized repository: origin must already be that remote, since init changes nothing there. */
async function refuseRemote(repo: GitRepo, options: InitOptions, branch: string): Promise<void> {
  if (options.remote === undefined) return;
  // The same remote, however spelled: as configured or as insteadOf rewrites it, with or without a final / or .git.
  const same = (url: string | undefined) => url !== undefined && spelling(url) === spelling(options.remote!);
  const [configured, origin] = await Promise.all([repo.configuredRemoteUrl(REMOTE), repo.remoteUrl(REMOTE)]);
  if (same(configured) || same(origin)) return;
  const has = origin === undefined ? "it has no remote origin" : `its origin is ${origin}`;
  throw new ConflictError(`already a gitops-redis repository; init does not change it: --remote ${options.remote} (${has})`, {
    hint: origin === undefined ? `add it yourself: git remote add ${REMOTE} ${options.remote} && git push -u ${REMOTE} ${branch}` : `change it yourself: git remote set-url ${REMOTE} ${options.remote}`,
  });
}

/**
 * init does not change a repository it initialized before: a flag that disagrees with gitops-redis.yaml is refused
 * rather than ignored (re-running with the same flags, or none, stays a no-op).
 */
function refuseChanges(configText: string, options: InitOptions): void {
  const config = configFromText(configText);
  const current: Record<string, string | undefined> = {
    controller: config.controller,
    chartRepo: config.chart.repository,
    chartVersion: config.chart.version,
    defaultBranch: config.defaultBranch,
    repoUrl: config.repoUrl,
    github: config.github?.repository,
    apiUrl: config.github?.apiUrl,
    argocdNamespace: config.argocd.namespace,
  };
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const given = (key: string) => String((options as unknown as Record<string, unknown>)[key]);
  const differing = (options.given ?? []).filter((key) => key in current && given(key) !== current[key]);
  if (differing.length === 0) return;
  const what = differing.map((key) => `${flag(key)} ${given(key)} (it has ${current[key] ?? "none"})`);
  throw new ConflictError(`already a gitops-redis repository; init does not change it: ${what.join(", ")}`, {
    hint: `${CONFIG_FILE} is the source of truth: change it there (and the files it generates) in a pull request, or initialize a new repository`,
  });
}

