/** Getting a branch to the remote and its pull request to GitHub. Octokit loads only when a PR is opened. */
import { UsageError } from "../errors.js";
import { guarded } from "../guarded.js";
import { tokenPushEnv } from "../git/credentials.js";
import type { GitRepo } from "../git/repo.js";
import { apiUrlFor, parseGitHubRemote, resolveToken } from "../github/repo-ref.js";
import type { RepoConfig } from "../model.js";
import type { PullRequestText } from "../plan/pull-request.js";
import type { CommandContext } from "./context.js";

export const REMOTE = "origin";

/** How git reaches origin: its URL, and credentials for one process at a time (never written to disk). */
export interface RemoteAccess {
  url: string;
  env: Record<string, string>;
}

export async function remoteAccess(repo: GitRepo, ctx: CommandContext): Promise<RemoteAccess | undefined> {
  const url = await repo.remoteUrl(REMOTE);
  if (!url) return undefined;
  const token = resolveToken(ctx.env);
  return { url, env: (token && tokenPushEnv(url, token, ctx.env)) || {} };
}

export const trackingRef = (branch: string): `refs/${string}` => `refs/remotes/${REMOTE}/${branch}`;

/** Brings origin's default branch and our branches up to date in refs/remotes; false when offline. */
export function fetchRemote(repo: GitRepo, access: RemoteAccess, defaultBranch: string): Promise<boolean> {
  return repo.fetch(
    REMOTE,
    [`+refs/heads/${defaultBranch}:${trackingRef(defaultBranch)}`, `+refs/heads/gitops-redis/*:${trackingRef("gitops-redis/*")}`],
    access.env,
  );
}

/**
 * Pushes `branch` with a lease on what we last saw of it on origin, so a push that somebody made since is
 * detected (PushRejected) instead of silently overwritten. `seen` is that tip when the caller has just resolved it.
 */
export async function pushBranch(
  repo: GitRepo,
  access: RemoteAccess,
  branch: string,
  lease: boolean,
  options: { seen?: { tip: string | undefined }; onStarted?: () => void } = {},
): Promise<void> {
  const { onStarted } = options;
  if (!lease) {
    await repo.push(REMOTE, branch, { env: access.env, onStarted });
    return;
  }
  const expected = options.seen ? options.seen.tip : await repo.resolve(trackingRef(branch));
  await repo.push(REMOTE, branch, { lease: { expected }, env: access.env, onStarted });
}

export interface GitHubTarget {
  owner: string;
  repo: string;
  apiUrl: string;
}

/**
 * The GitHub repository of the pull requests: the config's, else origin's when origin is on GitHub, else the one
 * the controller clones (repo.url).
 */
export function gitHubTarget(config: RepoConfig, originUrl: string | undefined, apiUrlFlag: string | undefined, env: NodeJS.ProcessEnv): GitHubTarget | undefined {
  const remote = (originUrl ? parseGitHubRemote(originUrl) : undefined) ?? parseGitHubRemote(config.repoUrl);
  const slug = config.github?.repository ?? (remote ? `${remote.owner}/${remote.repo}` : undefined);
  // Any git host parses as owner/repo (GitLab, Gitea, ...): guess GitHub only for github.com and GHE.com; other hosts
  // need github.repository, --api-url or GITHUB_API_URL to say they are GitHub Enterprise Server.
  const knownGitHub = remote && (remote.host === "github.com" || remote.host.endsWith(".ghe.com"));
  if (!config.github && remote && !knownGitHub && !apiUrlFlag && !env.GITHUB_API_URL) return undefined;
  if (!slug) return undefined;
  const [owner, repo] = slug.split("/") as [string, string];
  const [field, apiUrl] =
    apiUrlFlag !== undefined ? ["--api-url", apiUrlFlag]
    : env.GITHUB_API_URL ? ["GITHUB_API_URL", env.GITHUB_API_URL]
    : config.github?.apiUrl !== undefined ? ["github.apiUrl", config.github.apiUrl]
    : ["--api-url", apiUrlFor(remote?.host ?? "github.com")];
  if (!/^https?:\/\/\S+$/.test(apiUrl)) throw new UsageError(`invalid ${field} ${JSON.stringify(apiUrl)}: expected the GitHub API URL, e.g. https://ghe.example.com/api/v3`);
  return { owner, repo, apiUrl: apiUrl.replace(/\/+$/, "") };
}

export interface PullRequestOutcome {
  action: "created" | "updated" | "unchanged";
  number: number;
  url: string;
}

export interface PullRequestModules {
  reviewChange: typeof import("./what-changes.js").reviewChange;
  createGitHubClient: typeof import("../github/client.js").createGitHubClient;
  upsertPullRequest: typeof import("../github/pull-request.js").upsertPullRequest;
  mapGitHubError: typeof import("../github/pull-request.js").mapGitHubError;
}

/**
 * Starts loading what opening a pull request needs (Octokit, the validate rules, node:http), so it compiles
 * while git processes run instead of after them. Only called when a pull request may be opened.
 */
export function loadPullRequestModules(): Promise<PullRequestModules> {
  // Awaited only if the run gets that far; a failure is reported there, not as an unhandled rejection.
  return guarded(
    Promise.all([import("./what-changes.js"), import("../github/client.js"), import("../github/pull-request.js")]).then(
      ([{ reviewChange }, { createGitHubClient }, { upsertPullRequest, mapGitHubError }]) => ({ reviewChange, createGitHubClient, upsertPullRequest, mapGitHubError }),
    ),
  );
}

export async function openPullRequest(
  { createGitHubClient, upsertPullRequest, mapGitHubError }: PullRequestModules,
  target: GitHubTarget,
  token: string,
  request: PullRequestText & { head: string; base: string; reviewers: string[]; draft: boolean; newHead: boolean },
  ctx: CommandContext,
): Promise<PullRequestOutcome> {
  const warn = (message: string) => ctx.out.warn(message);
  const octokit = createGitHubClient({
    token,
    baseUrl: target.apiUrl,
    userAgent: "gitops-redis",
    log: { debug: () => {}, warn },
    // GitHub asks for a second between writes when a client makes many; a run makes at most three (create,
    // labels, reviewers), and a secondary rate limit is still honoured through retry-after.
    writeIntervalMs: 0,
    ...(ctx.github ?? {}),
  });
  try {
    const result = await upsertPullRequest(
      octokit,
      { owner: target.owner, repo: target.repo, ...request },
      { log: { warn } },
    );
    return { action: result.action, number: result.number, url: result.url };
  } catch (error) {
    throw mapGitHubError(error, { owner: target.owner, repo: target.repo, baseUrl: target.apiUrl, token });
  }
}

/** What to tell a user who has no token: the branch is there, this is how to open the PR by hand. */
export function manualPullRequestHint(target: GitHubTarget | undefined, head: string, base: string, title: string): string {
  const gh = `gh pr create --base ${base} --head ${head} --title ${JSON.stringify(title)}`;
  if (!target) return `open a pull request from ${head} into ${base} (e.g. ${gh})`;
  const web = target.apiUrl === "https://api.github.com" ? `https://github.com/${target.owner}/${target.repo}/compare/${base}...${head}?expand=1` : undefined;
  return `set GITHUB_TOKEN (or GH_TOKEN) and re-run, or open it yourself: ${gh}${web ? ` or ${web}` : ""}`;
}
