import type { Octokit } from "@octokit/rest";
import { GitopsRedisError, RemoteError } from "../errors.js";
import { redact } from "../git/credentials.js";

export interface PullRequestInput {
  owner: string;
  repo: string;
  /** Branch name in `owner/repo` (same-repository pull requests only). */
  head: string;
  base: string;
  title: string;
  body: string;
  labels: readonly string[];
  /** Logins, or `org/team` for team reviewers. Requested only when the pull request is created. */
  reviewers?: readonly string[];
  draft?: boolean;
  /** Hidden HTML comment identifying what the pull request is for, e.g. `<!-- gitops-redis:env=prod -->`. */
  marker: string;
  /**
   * The head branch did not exist on the remote before this run pushed it. GitHub closes a pull request whose head
   * branch is deleted, so none can be open for it: create without searching first (a lost race still adopts).
   */
  newHead?: boolean;
}

export interface PullRequestResult {
  action: "created" | "updated" | "unchanged";
  number: number;
  url: string;
  /** Best-effort steps (labels, reviewers) that failed; already logged. */
  warnings: string[];
}

export interface PullRequestDeps {
  log?: { warn(message: string): void };
}

export interface RepoContext {
  owner: string;
  repo: string;
  /** API root, named in messages; defaults to the origin of the failed request. */
  baseUrl?: string;
  /** Removed from any text taken from the error, should the server echo it. */
  token?: string;
}

type ListedPullRequest = Awaited<ReturnType<Octokit["rest"]["pulls"]["list"]>>["data"][number];

/** What upsert reads from a pull request: the list and the create answers both carry it. */
interface PullRequestSummary {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  base: { ref: string };
  labels: { name?: string }[];
}

const MARKER = /^<!--[^]*-->$/;

/** The body as we send it: the caller's text with the marker appended when absent. */
export function bodyWithMarker(body: string, marker: string): string {
  if (!MARKER.test(marker) || marker.slice(4, -3).includes("--")) {
    throw new Error(`pull request marker must be a single HTML comment, got ${JSON.stringify(marker)}`);
  }
  return body.includes(marker) ? body : `${body.trimEnd()}\n\n${marker}\n`;
}

// GitHub turns LF into CRLF when a body is edited in the web UI; that alone is not a change.
const sameText = (a: string | null | undefined, b: string) =>
  (a ?? "").replace(/\r\n/g, "\n").trimEnd() === b.replace(/\r\n/g, "\n").trimEnd();

async function findOpenByHead(octokit: Octokit, input: PullRequestInput): Promise<PullRequestSummary | undefined> {
  const { data } = await octokit.rest.pulls.list({
    owner: input.owner,
    repo: input.repo,
    state: "open",
    head: `${input.owner}:${input.head}`,
    per_page: 100,
  });
  return data.find((pr) => pr.base.ref === input.base) ?? data[0];
}

/** First open pull request whose body carries `marker`, newest first. */
export async function findPullRequestByMarker(
  octokit: Octokit,
  ref: { owner: string; repo: string; marker: string },
): Promise<ListedPullRequest | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner: ref.owner,
    repo: ref.repo,
    state: "open",
    per_page: 100,
  });
  for await (const page of pages) {
    const hit = page.data.find((pr) => pr.body?.includes(ref.marker));
    if (hit) return hit;
  }
  return undefined;
}

function isPullRequest(data: unknown): data is PullRequestSummary {
  const pr = data as Partial<PullRequestSummary> | null;
  return typeof pr === "object" && pr !== null && !Array.isArray(pr) && typeof pr.number === "number" && Array.isArray(pr.labels);
}

function isAlreadyExists(err: unknown): boolean {
  const e = asHttpError(err);
  if (e?.status !== 422) return false;
  const errors = (e.response?.data as { errors?: { message?: unknown }[] } | undefined)?.errors ?? [];
  return errors.some((x) => typeof x.message === "string" && x.message.startsWith("A pull request already exists"));
}

/** The open pull request for head, else a new one; a create that loses a race adopts the winner. */
async function findOrCreate(
  octokit: Octokit,
  input: PullRequestInput,
  body: string,
): Promise<{ pr: PullRequestSummary; created: boolean }> {
  const existing = input.newHead ? undefined : await findOpenByHead(octokit, input);
  if (existing) return { pr: existing, created: false };
  try {
    const { data, status, url } = await octokit.rest.pulls.create({
      owner: input.owner,
      repo: input.repo,
      head: input.head,
      base: input.base,
      title: input.title,
      body,
      draft: input.draft ?? false,
    });
    // A 301/302 turns the POST into a GET (as fetch does), whose answer is a list, not the new pull request.
    if (!isPullRequest(data)) {
      throw new RemoteError(`GitHub answered the pull request create with ${status} from ${url}, not a pull request: was the API URL redirected?`, {
        hint: "point --api-url (or github.apiUrl in gitops-redis.yaml) at the API itself, then re-run the same command",
      });
    }
    return { pr: data, created: true };
  } catch (err) {
    // Another run (or an earlier attempt whose answer was lost) opened it after our search.
    if (!isAlreadyExists(err)) throw err;
    const raced = await findOpenByHead(octokit, input);
    if (!raced) throw err;
    return { pr: raced, created: false };
  }
}

async function updateIfChanged(
  octokit: Octokit,
  input: PullRequestInput,
  pr: PullRequestSummary,
  body: string,
): Promise<"updated" | "unchanged"> {
  const changes = {
    ...(pr.title === input.title ? {} : { title: input.title }),
    ...(sameText(pr.body, body) ? {} : { body }),
    ...(pr.base.ref === input.base ? {} : { base: input.base }),
  };
  if (Object.keys(changes).length === 0) return "unchanged";
  await octokit.rest.pulls.update({ owner: input.owner, repo: input.repo, pull_number: pr.number, ...changes });
  return "updated";
}

/**
 * Makes sure one open pull request from `head` into `base` carries `title` and `body`: updates the open one
 * found by head branch, else creates one. Re-running with the same input makes no write request. Labels the
 * pull request lacks are added and reviewers requested on creation, both best effort.
 */
export async function upsertPullRequest(
  octokit: Octokit,
  input: PullRequestInput,
  deps: PullRequestDeps = {},
): Promise<PullRequestResult> {
  const body = bodyWithMarker(input.body, input.marker);
  const ctx: RepoContext = { owner: input.owner, repo: input.repo, baseUrl: octokit.request.endpoint.DEFAULTS.baseUrl };
  const warnings: string[] = [];
  const bestEffort = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (err) {
      const line = `could not ${what} on ${input.owner}/${input.repo}: ${mapGitHubError(err, ctx).message}`;
      warnings.push(line);
      deps.log?.warn(line);
    }
  };

  try {
    const { pr, created } = await findOrCreate(octokit, input, body);
    const action = created ? "created" : await updateIfChanged(octokit, input, pr, body);

    const have = new Set(pr.labels.map((l) => l.name));
    const missing = input.labels.filter((l) => !have.has(l));
    if (missing.length > 0) {
      await bestEffort(`add labels ${missing.join(", ")} to #${pr.number}`, () =>
        octokit.rest.issues.addLabels({ owner: input.owner, repo: input.repo, issue_number: pr.number, labels: missing }),
      );
    }
    const reviewers = created ? (input.reviewers ?? []) : [];
    if (reviewers.length > 0) {
      const teams = reviewers.filter((r) => r.includes("/")).map((r) => r.slice(r.indexOf("/") + 1));
      const users = reviewers.filter((r) => !r.includes("/"));
      await bestEffort(`request reviews from ${reviewers.join(", ")} on #${pr.number}`, () =>
        octokit.rest.pulls.requestReviewers({
          owner: input.owner,
          repo: input.repo,
          pull_number: pr.number,
          reviewers: users,
          team_reviewers: teams,
        }),
      );
    }
    return { action, number: pr.number, url: pr.html_url, warnings };
  } catch (err) {
    throw mapGitHubError(err, ctx);
  }
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | number | undefined>; url?: string };
  request?: { url?: string };
}

function asHttpError(err: unknown): HttpErrorLike | undefined {
  if (!(err instanceof Error) || err.name !== "HttpError") return undefined;
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" ? (err as Error & HttpErrorLike) : undefined;
}

const PERMISSIONS = "contents: write and pull_requests: write";

function redirectedElsewhere(api: string, url: string | undefined): boolean {
  try {
    return url !== undefined && new URL(api).origin !== new URL(url).origin;
  } catch {
    return false;
  }
}

/**
 * Turns an Octokit failure into one line naming what to fix, as a RemoteError (exit 4). Never copies the
 * request (its headers carry the token). Errors that are not HTTP failures are returned as they are: bugs.
 */
export function mapGitHubError(err: unknown, ctx: RepoContext): Error {
  if (err instanceof GitopsRedisError) return err;
  const e = asHttpError(err);
  if (!e) return err instanceof Error ? err : new Error(String(err));

  const slug = `${ctx.owner}/${ctx.repo}`;
  let api = ctx.baseUrl;
  if (api === undefined) {
    try {
      api = new URL(e.request?.url ?? "").origin;
    } catch {
      api = "the GitHub API";
    }
  }
  const data = e.response?.data as { message?: unknown; errors?: { message?: unknown; code?: unknown; field?: unknown }[] } | undefined;
  const said = typeof data?.message === "string" ? data.message : e.message;
  const headers = e.response?.headers ?? {};
  const resume = "the local branch and commit are kept; re-run the same command to resume";

  let line: string;
  if (!e.response) {
    line = `could not reach the GitHub API at ${api} (${e.message}); ${resume}`;
  } else if (e.status === 401 && redirectedElsewhere(api, e.response.url)) {
    // fetch does not send credentials to another origin: the token was never offered.
    line = `the GitHub API at ${api} redirected to ${new URL(e.response.url!).origin}, which is not sent the token (401 ${said}): point --api-url or github.apiUrl at the API itself`;
  } else if (e.status === 401) {
    line = `GitHub rejected the token (401 ${said}): set GITHUB_TOKEN or GH_TOKEN to a token with ${PERMISSIONS}`;
  } else if ((e.status === 403 || e.status === 429) && (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(said))) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const when = headers["x-ratelimit-remaining"] === "0" && reset > 0 ? `it resets at ${new Date(reset * 1000).toISOString()}` : "wait a few minutes";
    line = `GitHub rate limit exceeded for ${slug} (${said}); ${when}, then re-run: ${resume}`;
  } else if (e.status === 403) {
    // GitHub names what the refused call needed, e.g. "pull_requests=write; contents=read".
    const accepted = headers["x-accepted-github-permissions"];
    const needs = accepted === undefined ? "" : ` (this call needs ${String(accepted)})`;
    line = `GitHub denied access to ${slug} (403 ${said}): the token needs ${PERMISSIONS} on that repository${needs}`;
  } else if (e.status === 404) {
    line = `GitHub repository ${slug} not found at ${api} (or the token cannot see it)`;
  } else if (e.status === 422) {
    const details = (data?.errors ?? []).map((x) => (typeof x.message === "string" ? x.message : `${String(x.field)} ${String(x.code)}`));
    line = `GitHub refused the change to ${slug} (422 ${[said, ...details].join(": ")})`;
  } else if (e.status >= 500) {
    line = `the GitHub API at ${api} kept failing (${e.status} ${said}); ${resume}`;
  } else {
    line = `GitHub request for ${slug} failed (${e.status} ${said})`;
  }
  return new RemoteError(redact(line, [ctx.token]).replace(/\s+/g, " ").trim());
}
