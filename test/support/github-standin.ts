// A local stand-in for the parts of GitHub's REST API that gitops-redis calls. Octokit reaches it through
// `baseUrl`; every request is checked against GitHub's OpenAPI description (see openapi-check.ts) and recorded.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { loadOpenApiChecker, type OperationMatch, type ViolationKind } from "./openapi-check.js";

const OPERATIONS = [
  "repos/get",
  "pulls/list",
  "pulls/get",
  "pulls/create",
  "pulls/update",
  "issues/add-labels",
  "pulls/request-reviewers",
] as const;
type OperationId = (typeof OPERATIONS)[number];

export type Fault =
  | { kind: "server-error"; status?: 500 | 502 | 503 }
  /** 403 "You have exceeded a secondary rate limit" with a retry-after header (seconds). */
  | { kind: "secondary-rate-limit"; retryAfter?: number }
  /** 403 with x-ratelimit-remaining: 0 and a reset this many seconds ahead. */
  | { kind: "rate-limit"; resetInSeconds?: number }
  | { kind: "bad-credentials" }
  /** 403 "Resource not accessible by integration": the token lacks a permission. */
  | { kind: "forbidden" }
  | { kind: "not-found" }
  /** The connection is destroyed without an answer. */
  | { kind: "network" }
  /** Any canned answer, e.g. an empty list GitHub's eventual consistency can return right after a create. */
  | { kind: "reply"; status: number; body?: unknown; headers?: Record<string, string> };

export interface FaultOptions {
  /** operationId (`pulls/create`) or `METHOD /template`; every request when omitted. */
  route?: string;
  /** How many matching requests get the fault; Infinity for "down until clearFaults()". Default 1. */
  times?: number;
}

export interface RecordedRequest {
  /** performance.now() when the request arrived, in ms. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  operationId?: string;
  template?: string;
  /** Request headers, the Authorization value replaced by its scheme and "[redacted]". */
  headers: Record<string, string>;
  hasAuthorization: boolean;
  body?: unknown;
  /** Status answered, or "network" when the connection was destroyed. */
  status: number | "network";
}

export interface Violation {
  method: string;
  url: string;
  kind: ViolationKind;
  message: string;
}

export interface SeedRepo {
  owner: string;
  repo: string;
  defaultBranch?: string;
  private?: boolean;
}

export interface StandinPullRequest {
  number: number;
  headOwner: string;
  head: string;
  base: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  createdAt: string;
  updatedAt: string;
}

export interface StandinOptions {
  /** When set, requests must authenticate with exactly this token (else 401 Bad credentials). */
  token?: string;
  /** Login of the token's user: the author of pull requests it creates. Default "gitops-redis-bot". */
  login?: string;
  /** Web address used in html_url. Default https://github.com. */
  htmlBaseUrl?: string;
  /** Serve the API under a path, as GitHub Enterprise Server does with "/api/v3". */
  pathPrefix?: string;
}

export interface GitHubStandin {
  /** Give this to Octokit as `baseUrl`. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedRequest[];
  readonly violations: readonly Violation[];
  seedRepo(repo: SeedRepo): void;
  seedPullRequest(
    owner: string,
    repo: string,
    pr: { head: string; base?: string; title: string; body?: string; state?: "open" | "closed"; labels?: string[] },
  ): StandinPullRequest;
  /** The live records: a test may edit one to mimic a change made on GitHub by someone else. */
  pullRequests(owner: string, repo: string): readonly StandinPullRequest[];
  fault(fault: Fault, options?: FaultOptions): void;
  clearFaults(): void;
  /** Recorded requests that were not GET or HEAD. */
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

interface RepoState {
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  id: number;
  pulls: StandinPullRequest[];
}

type Json = unknown;
interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

const DOCS = "https://docs.github.com/rest";
const splitHead = (head: string, defaultOwner: string): [owner: string, ref: string] =>
  head.includes(":") ? [head.slice(0, head.indexOf(":")), head.slice(head.indexOf(":") + 1)] : [defaultOwner, head];

const message = (status: number, text: string, extra: Record<string, Json> = {}): Reply => ({
  status,
  body: { message: text, ...extra, documentation_url: DOCS, status: String(status) },
});

function faultReply(fault: Exclude<Fault, { kind: "network" }>): Reply {
  switch (fault.kind) {
    case "server-error": {
      const status = fault.status ?? 500;
      return message(status, status === 503 ? "Service Unavailable" : "Server Error");
    }
    case "secondary-rate-limit":
      return {
        ...message(
          403,
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
            "If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
        ),
        headers: { "retry-after": String(fault.retryAfter ?? 1) },
      };
    case "rate-limit":
      return {
        ...message(403, "API rate limit exceeded for user ID 1."),
        headers: {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 1)),
        },
      };
    case "bad-credentials":
      return message(401, "Bad credentials");
    case "forbidden":
      return {
        ...message(403, "Resource not accessible by integration"),
        headers: { "x-accepted-github-permissions": "pull_requests=write; contents=read" },
      };
    case "not-found":
      return message(404, "Not Found");
    case "reply":
      return { status: fault.status, body: fault.body, headers: fault.headers };
  }
}

export async function startGitHubStandin(options: StandinOptions = {}): Promise<GitHubStandin> {
  const checker = await loadOpenApiChecker(OPERATIONS);
  const login = options.login ?? "gitops-redis-bot";
  const htmlBase = options.htmlBaseUrl ?? "https://github.com";
  const repos = new Map<string, RepoState>();
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const faults: { fault: Fault; route?: string; left: number }[] = [];
  let ids = 1000;
  let baseUrl = "";

  const repoJson = (r: RepoState) => ({
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner, id: r.id + 1, type: "Organization" },
    private: r.private,
    html_url: `${htmlBase}/${r.owner}/${r.name}`,
    url: `${baseUrl}/repos/${r.owner}/${r.name}`,
    default_branch: r.defaultBranch,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  });

  const labelJson = (name: string) => ({
    id: [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7),
    node_id: `LA_${name}`,
    url: `${baseUrl}/labels/${encodeURIComponent(name)}`,
    name,
    color: "ededed",
    default: false,
    description: null,
  });

  const prJson = (r: RepoState, pr: StandinPullRequest) => {
    const ref = (owner: string, branch: string) => ({
      label: `${owner}:${branch}`,
      ref: branch,
      sha: "0".repeat(40),
      user: { login: owner },
      repo: repoJson(r),
    });
    return {
      url: `${baseUrl}/repos/${r.owner}/${r.name}/pulls/${pr.number}`,
      id: r.id * 1000 + pr.number,
      node_id: `PR_${r.id}_${pr.number}`,
      html_url: `${htmlBase}/${r.owner}/${r.name}/pull/${pr.number}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      draft: pr.draft,
      user: { login, type: "Bot" },
      labels: pr.labels.map(labelJson),
      requested_reviewers: pr.requestedReviewers.map((l) => ({ login: l, type: "User" })),
      requested_teams: pr.requestedTeams.map((slug) => ({ slug, name: slug })),
      head: ref(pr.headOwner, pr.head),
      base: ref(r.owner, pr.base),
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: null,
      merged_at: null,
    };
  };

  const findRepo = (owner: string, repo: string) => repos.get(`${owner}/${repo}`.toLowerCase());
  const sameHead = (p: StandinPullRequest, owner: string, ref: string) => p.head === ref && p.headOwner.toLowerCase() === owner.toLowerCase();
  const pull = (r: RepoState, number: string | undefined) => r.pulls.find((p) => p.number === Number(number));

  function addPull(r: RepoState, pr: Omit<StandinPullRequest, "number" | "createdAt" | "updatedAt">): StandinPullRequest {
    const now = new Date().toISOString();
    const created = { ...pr, number: r.pulls.length + 1, createdAt: now, updatedAt: now };
    r.pulls.push(created);
    return created;
  }

  const handlers: Record<OperationId, (r: RepoState, m: OperationMatch, query: URLSearchParams, body: Record<string, Json>) => Reply> = {
    "repos/get": (r) => ({ status: 200, body: repoJson(r) }),

    "pulls/list": (r, _m, q) => {
      const state = q.get("state") ?? "open";
      const head = q.get("head");
      const base = q.get("base");
      // Like GitHub, a head filter without "owner:" is ignored rather than rejected.
      const [headOwner, headRef] = head?.includes(":") ? splitHead(head, "") : [];
      const hits = r.pulls
        .filter((p) => state === "all" || p.state === state)
        .filter((p) => headRef === undefined || sameHead(p, headOwner ?? "", headRef))
        .filter((p) => !base || p.base === base)
        .sort((a, b) => (q.get("direction") === "asc" ? a.number - b.number : b.number - a.number));
      const perPage = Math.min(Number(q.get("per_page") ?? 30), 100);
      const page = Number(q.get("page") ?? 1);
      const headers: Record<string, string> = {};
      if (hits.length > page * perPage) {
        const next = new URL(`${baseUrl}/repos/${r.owner}/${r.name}/pulls`);
        q.forEach((v, k) => next.searchParams.set(k, v));
        next.searchParams.set("page", String(page + 1));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return { status: 200, headers, body: hits.slice((page - 1) * perPage, page * perPage).map((p) => prJson(r, p)) };
    },

    "pulls/get": (r, m) => {
      const pr = pull(r, m.params.pull_number);
      return pr ? { status: 200, body: prJson(r, pr) } : message(404, "Not Found");
    },

    "pulls/create": (r, _m, _q, b) => {
      if (typeof b.title !== "string" && b.issue === undefined) {
        return message(422, "Validation Failed", { errors: [{ resource: "PullRequest", field: "title", code: "missing_field" }] });
      }
      const [headOwner, head] = splitHead(String(b.head), r.owner);
      const base = String(b.base);
      if (r.pulls.some((p) => p.state === "open" && sameHead(p, headOwner, head) && p.base === base)) {
        return message(422, "Validation Failed", {
          errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${headOwner}:${head}.` }],
        });
      }
      const pr = addPull(r, {
        headOwner,
        head,
        base,
        title: String(b.title),
        body: typeof b.body === "string" ? b.body : null,
        state: "open",
        draft: b.draft === true,
        labels: [],
        requestedReviewers: [],
        requestedTeams: [],
      });
      return { status: 201, headers: { location: `${baseUrl}/repos/${r.owner}/${r.name}/pulls/${pr.number}` }, body: prJson(r, pr) };
    },

    "pulls/update": (r, m, _q, b) => {
      const pr = pull(r, m.params.pull_number);
      if (!pr) return message(404, "Not Found");
      if (typeof b.title === "string") pr.title = b.title;
      if (typeof b.body === "string") pr.body = b.body;
      if (b.state === "open" || b.state === "closed") pr.state = b.state;
      if (typeof b.base === "string") pr.base = b.base;
      pr.updatedAt = new Date().toISOString();
      return { status: 200, body: prJson(r, pr) };
    },

    "issues/add-labels": (r, m, _q, b) => {
      const pr = pull(r, m.params.issue_number);
      if (!pr) return message(404, "Not Found");
      const asked = Array.isArray(b.labels) ? b.labels : [];
      for (const l of asked) {
        const name = typeof l === "string" ? l : String((l as { name?: unknown }).name);
        if (!pr.labels.includes(name)) pr.labels.push(name);
      }
      return { status: 200, body: pr.labels.map(labelJson) };
    },

    "pulls/request-reviewers": (r, m, _q, b) => {
      const pr = pull(r, m.params.pull_number);
      if (!pr) return message(404, "Not Found");
      const users = Array.isArray(b.reviewers) ? b.reviewers.map(String) : [];
      if (users.includes(login)) return message(422, "Review cannot be requested from pull request author.");
      pr.requestedReviewers.push(...users.filter((u) => !pr.requestedReviewers.includes(u)));
      const teams = Array.isArray(b.team_reviewers) ? b.team_reviewers.map(String) : [];
      pr.requestedTeams.push(...teams.filter((t) => !pr.requestedTeams.includes(t)));
      return { status: 201, body: prJson(r, pr) };
    },
  };

  function takeFault(match: OperationMatch): Fault | undefined {
    const keys = [match.operationId, `${match.method} ${match.template}`];
    const routed = faults.findIndex((f) => f.route !== undefined && keys.includes(f.route));
    const index = routed >= 0 ? routed : faults.findIndex((f) => f.route === undefined);
    const entry = faults[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  function answer(req: IncomingMessage, url: URL, raw: string, record: RecordedRequest): Reply | "network" {
    const result = checker.check(req.method ?? "GET", url, raw);
    record.operationId = result.match?.operationId;
    record.template = result.match?.template;
    record.body = result.body;
    if (result.problem) {
      violations.push({ method: record.method, url: req.url ?? "", ...result.problem });
      const notFound = result.problem.kind === "unknown-route" || result.problem.kind === "unimplemented";
      return notFound ? message(404, "Not Found") : message(400, `Invalid request.\n\n${result.problem.message}`);
    }
    const match = result.match as OperationMatch;
    const fault = takeFault(match);
    if (fault?.kind === "network") return "network";
    if (fault) return faultReply(fault);

    const auth = req.headers.authorization;
    if (!auth) return message(401, "Requires authentication");
    if (options.token !== undefined && auth.replace(/^(token|bearer)\s+/i, "") !== options.token) {
      return message(401, "Bad credentials");
    }
    const repo = findRepo(match.params.owner ?? "", match.params.repo ?? "");
    if (!repo) return message(404, "Not Found");
    const handler = handlers[match.operationId as OperationId];
    return handler(repo, match, url.searchParams, (result.body ?? {}) as Record<string, Json>);
  }

  function respond(res: ServerResponse, reply: Reply): void {
    const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-request-id": `STANDIN:${requests.length}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      ...reply.headers,
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", baseUrl);
      const prefix = options.pathPrefix ?? "";
      if (prefix && url.pathname.startsWith(`${prefix}/`)) url.pathname = url.pathname.slice(prefix.length);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined) continue;
        headers[k] = k === "authorization" ? `${String(v).split(" ")[0]} [redacted]` : String(v);
      }
      const record: RecordedRequest = {
        at: performance.now(),
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        hasAuthorization: req.headers.authorization !== undefined,
        status: 0,
      };
      requests.push(record);
      let reply: Reply | "network";
      try {
        reply = answer(req, url, Buffer.concat(chunks).toString("utf8"), record);
      } catch (err) {
        reply = message(500, `stand-in bug: ${String(err)}`);
      }
      if (reply === "network") {
        record.status = "network";
        req.socket.destroy();
        return;
      }
      record.status = reply.status;
      respond(res, reply);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.pathPrefix ?? ""}`;

  return {
    baseUrl,
    requests,
    violations,
    seedRepo(seed) {
      repos.set(`${seed.owner}/${seed.repo}`.toLowerCase(), {
        owner: seed.owner,
        name: seed.repo,
        defaultBranch: seed.defaultBranch ?? "main",
        private: seed.private ?? true,
        id: (ids += 1),
        pulls: [],
      });
    },
    seedPullRequest(owner, repo, pr) {
      const r = findRepo(owner, repo);
      if (!r) throw new Error(`seed the repository ${owner}/${repo} first`);
      return addPull(r, {
        headOwner: r.owner,
        head: pr.head,
        base: pr.base ?? r.defaultBranch,
        title: pr.title,
        body: pr.body ?? null,
        state: pr.state ?? "open",
        draft: false,
        labels: pr.labels ?? [],
        requestedReviewers: [],
        requestedTeams: [],
      });
    },
    pullRequests: (owner, repo) => findRepo(owner, repo)?.pulls ?? [],
    fault(fault, opts = {}) {
      faults.push({ fault, route: opts.route, left: opts.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    writes: () => requests.filter((r) => r.method !== "GET" && r.method !== "HEAD"),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
