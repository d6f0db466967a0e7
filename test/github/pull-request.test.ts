import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExitCode, RemoteError, UsageError } from "../../src/errors.js";
import { createGitHubClient, type GitHubClient } from "../../src/github/client.js";
import {
  bodyWithMarker,
  findPullRequestByMarker,
  mapGitHubError,
  upsertPullRequest,
  type PullRequestInput,
} from "../../src/github/pull-request.js";
import { startGitHubStandin, type GitHubStandin } from "../support/github-standin.js";

// Token-shaped, made at test time so no committed file looks like a leaked token.
const TOKEN = ["ghp", "SecretTestToken0123456789abcdef"].join("_");
const BASE_MS = 10; // one retry-after second lasts 10 ms in these tests

const input: PullRequestInput = {
  owner: "acme",
  repo: "redis-gitops",
  head: "gitops-redis/prod",
  base: "main",
  title: "redis: add environment prod",
  body: "Adds Redis for prod.",
  labels: ["gitops-redis", "env:prod"],
  reviewers: ["alice", "acme/platform"],
  marker: "<!-- gitops-redis:env=prod -->",
};

describe("upsertPullRequest", () => {
  let gh: GitHubStandin;
  let octokit: GitHubClient;
  let logged: string[];

  beforeEach(async () => {
    gh = await startGitHubStandin({ token: TOKEN });
    gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
    logged = [];
    octokit = client();
  });
  afterEach(async () => {
    expect(gh.violations).toEqual([]);
    await gh.close();
  });

  function client(token = TOKEN, baseUrl = gh.baseUrl): GitHubClient {
    const capture = (level: string) => (m: string) => void logged.push(`${level}: ${m}`);
    return createGitHubClient({
      token,
      baseUrl,
      userAgent: "gitops-redis-test",
      log: { debug: capture("debug"), warn: capture("warn") },
      retry: { retries: 3, retryAfterBaseMs: BASE_MS },
      writeIntervalMs: 0,
    });
  }

  const calls = (operationId: string) => gh.requests.filter((r) => r.operationId === operationId);

  async function failure(promise: Promise<unknown>): Promise<RemoteError> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RemoteError);
    return err as RemoteError;
  }

  it("creates exactly one pull request carrying the marker, labels and reviewers", async () => {
    const result = await upsertPullRequest(octokit, input);

    expect(result).toEqual({ action: "created", number: 1, url: "https://github.com/acme/redis-gitops/pull/1", warnings: [] });
    const prs = gh.pullRequests("acme", "redis-gitops");
    expect(prs).toHaveLength(1);
    expect(prs[0]).toMatchObject({
      head: "gitops-redis/prod",
      base: "main",
      title: input.title,
      body: "Adds Redis for prod.\n\n<!-- gitops-redis:env=prod -->\n",
      draft: false,
      labels: ["gitops-redis", "env:prod"],
      requestedReviewers: ["alice"],
      requestedTeams: ["platform"],
    });
    expect(gh.writes().map((r) => r.operationId)).toEqual(["pulls/create", "issues/add-labels", "pulls/request-reviewers"]);
    expect(calls("pulls/list")[0]?.query).toMatchObject({ state: "open", head: "acme:gitops-redis/prod" });
    expect(gh.requests.every((r) => r.hasAuthorization)).toBe(true);
  });

  it("makes no write request when run again with the same input", async () => {
    await upsertPullRequest(octokit, input);
    const before = gh.writes().length;

    const again = await upsertPullRequest(octokit, input);

    expect(again).toMatchObject({ action: "unchanged", number: 1 });
    expect(gh.writes()).toHaveLength(before);
  });

  it("treats line-ending changes made by the web editor as unchanged", async () => {
    await upsertPullRequest(octokit, { ...input, body: "line one\nline two" });
    const pr = gh.pullRequests("acme", "redis-gitops")[0]!;
    pr.body = (pr.body ?? "").replace(/\n/g, "\r\n");
    const before = gh.writes().length;

    expect((await upsertPullRequest(octokit, { ...input, body: "line one\nline two" })).action).toBe("unchanged");
    expect(gh.writes()).toHaveLength(before);
  });

  it("updates title and body of the open pull request in place", async () => {
    await upsertPullRequest(octokit, input);

    const result = await upsertPullRequest(octokit, { ...input, title: "redis: prod (3 replicas)", body: "Now with 3 replicas." });

    expect(result).toMatchObject({ action: "updated", number: 1 });
    expect(gh.pullRequests("acme", "redis-gitops")).toHaveLength(1);
    expect(gh.pullRequests("acme", "redis-gitops")[0]).toMatchObject({
      title: "redis: prod (3 replicas)",
      body: "Now with 3 replicas.\n\n<!-- gitops-redis:env=prod -->\n",
    });
    expect(calls("pulls/update").map((r) => r.body)).toEqual([
      { title: "redis: prod (3 replicas)", body: "Now with 3 replicas.\n\n<!-- gitops-redis:env=prod -->\n" },
    ]);
    expect(calls("pulls/request-reviewers")).toHaveLength(1); // reviewers are asked once, at creation
  });

  it("adds only the labels an existing pull request lacks", async () => {
    gh.seedPullRequest("acme", "redis-gitops", { head: input.head, title: input.title, body: input.body + "\n\n" + input.marker, labels: ["gitops-redis"] });

    expect((await upsertPullRequest(octokit, input)).action).toBe("unchanged");
    expect(gh.writes().map((r) => [r.operationId, r.body])).toEqual([["issues/add-labels", { labels: ["env:prod"] }]]);
  });

  it("retries server errors and creates the pull request once", async () => {
    gh.fault({ kind: "server-error", status: 502 }, { route: "pulls/create", times: 1 });
    gh.fault({ kind: "server-error", status: 503 }, { route: "pulls/create", times: 1 });

    expect(await upsertPullRequest(octokit, input)).toMatchObject({ action: "created", number: 1 });
    expect(calls("pulls/create").map((r) => r.status)).toEqual([502, 503, 201]);
    expect(gh.pullRequests("acme", "redis-gitops")).toHaveLength(1);
  });

  it("gives up on server errors after the configured retries", async () => {
    gh.fault({ kind: "server-error", status: 500 }, { times: Infinity });

    const err = await failure(upsertPullRequest(octokit, input));

    expect(err.message).toBe(
      `the GitHub API at ${gh.baseUrl} kept failing (500 Server Error); the local branch and commit are kept; re-run the same command to resume`,
    );
    expect(calls("pulls/list")).toHaveLength(4);
    expect(gh.writes()).toHaveLength(0);
  });

  it("waits for retry-after on a secondary rate limit, then succeeds", async () => {
    gh.fault({ kind: "secondary-rate-limit", retryAfter: 3 }, { route: "pulls/create" });

    expect(await upsertPullRequest(octokit, input)).toMatchObject({ action: "created", number: 1 });

    const [limited, retried] = calls("pulls/create");
    expect([limited?.status, retried?.status]).toEqual([403, 201]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(3 * BASE_MS);
    expect(logged).toContainEqual(expect.stringMatching(/^warn: GitHub secondary rate limit on POST .*: waiting 3s then retrying \(1\/3\)$/));
  });

  it("waits for the primary rate limit reset, then succeeds", async () => {
    gh.fault({ kind: "rate-limit", resetInSeconds: 1 }, { route: "pulls/list" });

    expect(await upsertPullRequest(octokit, input)).toMatchObject({ action: "created" });
    expect(calls("pulls/list").map((r) => r.status)).toEqual([403, 200]);
  });

  it("does not wait an hour for the primary rate limit: it stops at once and says when the limit resets", async () => {
    gh.fault({ kind: "rate-limit", resetInSeconds: 3600 }, { route: "pulls/list" });

    const err = await failure(upsertPullRequest(octokit, input));

    expect(calls("pulls/list")).toHaveLength(1);
    expect(err.message).toMatch(/^GitHub rate limit exceeded for acme\/redis-gitops \(API rate limit exceeded for user ID 1\.\); it resets at \d{4}-\d\d-\d\dT[\d:.]+Z, then re-run: the local branch and commit are kept/);
    expect(logged).toContainEqual(expect.stringMatching(/^warn: GitHub primary rate limit on GET .*: giving up \(it lifts in 360[01]s\)$/));
  });

  it("gives up on a secondary rate limit that outlasts the retries", async () => {
    gh.fault({ kind: "secondary-rate-limit", retryAfter: 1 }, { route: "pulls/list", times: Infinity });

    const err = await failure(upsertPullRequest(octokit, input));

    expect(calls("pulls/list")).toHaveLength(4);
    expect(err.message).toMatch(/^GitHub rate limit exceeded for acme\/redis-gitops \(You have exceeded a secondary rate limit.*\); wait a few minutes, then re-run: /);
    expect(logged).toContainEqual(expect.stringMatching(/giving up \(retried enough\)$/));
  });

  it("resolves 'a pull request already exists' by finding and updating it", async () => {
    // Another run opened it, but GitHub's list has not caught up yet.
    gh.seedPullRequest("acme", "redis-gitops", { head: input.head, title: "older title", body: "older body" });
    gh.fault({ kind: "reply", status: 200, body: [] }, { route: "pulls/list" });

    const result = await upsertPullRequest(octokit, input);

    expect(result).toMatchObject({ action: "updated", number: 1 });
    expect(calls("pulls/create").map((r) => r.status)).toEqual([422]);
    expect(gh.pullRequests("acme", "redis-gitops")).toHaveLength(1);
    expect(gh.pullRequests("acme", "redis-gitops")[0]?.title).toBe(input.title);
  });

  it("for a head branch new on the remote, creates without searching first", async () => {
    const result = await upsertPullRequest(octokit, { ...input, newHead: true });

    expect(result).toMatchObject({ action: "created", number: 1 });
    expect(gh.requests.map((r) => r.operationId)).toEqual(["pulls/create", "issues/add-labels", "pulls/request-reviewers"]);
  });

  it("for a head branch said to be new that already has a pull request, adopts it after GitHub's 422", async () => {
    gh.seedPullRequest("acme", "redis-gitops", { head: input.head, title: "older title", body: "older body" });

    const result = await upsertPullRequest(octokit, { ...input, newHead: true });

    expect(result).toMatchObject({ action: "updated", number: 1 });
    expect(calls("pulls/create").map((r) => r.status)).toEqual([422]);
    expect(gh.pullRequests("acme", "redis-gitops")).toHaveLength(1);
    expect(gh.pullRequests("acme", "redis-gitops")[0]?.title).toBe(input.title);
  });

  it("keeps going when labels or reviewers cannot be set, with one warning each", async () => {
    gh.fault({ kind: "forbidden" }, { route: "issues/add-labels" });
    gh.fault({ kind: "server-error", status: 500 }, { route: "pulls/request-reviewers", times: Infinity });

    const result = await upsertPullRequest(octokit, input, { log: { warn: (m) => logged.push(`upsert: ${m}`) } });

    expect(result.action).toBe("created");
    expect(result.warnings).toEqual([
      expect.stringMatching(/^could not add labels gitops-redis, env:prod to #1 on acme\/redis-gitops: GitHub denied access .* contents: write and pull_requests: write/),
      expect.stringMatching(/^could not request reviews from alice, acme\/platform on #1 on acme\/redis-gitops: the GitHub API .* kept failing/),
    ]);
    expect(logged.filter((l) => l.startsWith("upsert: "))).toHaveLength(2);
  });

  it("maps 401 to one line naming the variables and permissions, exit code 4", async () => {
    const err = await failure(upsertPullRequest(client("ghp_wrong"), input));

    expect(err.message).toBe(
      "GitHub rejected the token (401 Bad credentials): set GITHUB_TOKEN or GH_TOKEN to a token with contents: write and pull_requests: write",
    );
    expect(err.exitCode).toBe(ExitCode.remote);
    expect(gh.writes()).toHaveLength(0);
  });

  it("maps a missing permission (403) to one line naming the permissions", async () => {
    gh.fault({ kind: "forbidden" }, { route: "pulls/create" });

    const err = await failure(upsertPullRequest(octokit, input));

    expect(err.message).toBe(
      "GitHub denied access to acme/redis-gitops (403 Resource not accessible by integration): the token needs contents: write and pull_requests: write on that repository (this call needs pull_requests=write; contents=read)",
    );
    expect(err.exitCode).toBe(4);
    expect(gh.pullRequests("acme", "redis-gitops")).toHaveLength(0);
  });

  it("maps 404 to a line naming the repository and API", async () => {
    const err = await failure(upsertPullRequest(octokit, { ...input, repo: "missing" }));

    expect(err.message).toBe(`GitHub repository acme/missing not found at ${gh.baseUrl} (or the token cannot see it)`);
    expect(gh.writes()).toHaveLength(0);
  });

  it("maps a dropped connection to a RemoteError saying the work is kept", async () => {
    gh.fault({ kind: "network" }, { times: Infinity });

    const err = await failure(upsertPullRequest(octokit, input));

    expect(err.message).toMatch(
      new RegExp(`^could not reach the GitHub API at ${gh.baseUrl} \\(.+\\); the local branch and commit are kept; re-run the same command to resume$`),
    );
    expect(err.exitCode).toBe(4);
  });

  it("maps a refused connection the same way", async () => {
    const url = gh.baseUrl;
    await gh.close();
    gh = await startGitHubStandin(); // for afterEach

    const err = await failure(upsertPullRequest(client(TOKEN, url), input));

    expect(err.message).toMatch(/^could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); /);
  });

  it("never lets the token into errors or logs", async () => {
    const seen: string[] = [];
    const scenarios: [() => void, GitHubClient, string][] = [
      [() => {}, client(`${TOKEN}x`), "redis-gitops"],
      [() => gh.fault({ kind: "forbidden" }, { route: "pulls/create" }), octokit, "redis-gitops"],
      [() => {}, octokit, "missing"],
      [() => gh.fault({ kind: "server-error" }, { times: Infinity }), octokit, "redis-gitops"],
      [() => gh.fault({ kind: "network" }, { times: Infinity }), octokit, "redis-gitops"],
    ];
    for (const [arrange, c, repo] of scenarios) {
      gh.clearFaults();
      arrange();
      const err = await failure(upsertPullRequest(c, { ...input, repo }));
      seen.push(err.message, err.stack ?? "", String(err.hint), JSON.stringify(err), String(err.cause));
      expect(Object.keys(err)).not.toContain("request");
      expect(err.message).not.toContain("\n");
    }
    seen.push(...logged, JSON.stringify(gh.requests));
    expect(logged.length).toBeGreaterThan(0);
    const text = seen.join("\n");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(Buffer.from(TOKEN).toString("base64"));
  });
});

describe("upsertPullRequest on GitHub Enterprise Server", () => {
  it("works under /api/v3 and names that API root when the repository is missing", async () => {
    const gh = await startGitHubStandin({ pathPrefix: "/api/v3", htmlBaseUrl: "https://ghe.example.com" });
    try {
      gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
      const octokit = createGitHubClient({ token: "t", baseUrl: gh.baseUrl, writeIntervalMs: 0, retry: { retryAfterBaseMs: 1 } });

      expect(await upsertPullRequest(octokit, input)).toMatchObject({ action: "created", url: "https://ghe.example.com/acme/redis-gitops/pull/1" });
      const err = await upsertPullRequest(octokit, { ...input, repo: "gone" }).catch((e: unknown) => e);
      expect((err as Error).message).toBe(`GitHub repository acme/gone not found at ${gh.baseUrl} (or the token cannot see it)`);
      expect(gh.baseUrl).toMatch(/\/api\/v3$/);
      expect(gh.requests.every((r) => !r.path.startsWith("/api/v3"))).toBe(true);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});

describe("upsertPullRequest behind a redirect", () => {
  it("says so in one line when a 301 turned the create into a GET of the list", async () => {
    // A front end that moved the API: every request goes elsewhere on the same host, where GET lists pull requests.
    const front = createServer((request, response) => {
      if (request.method === "POST") return response.writeHead(301, { location: `/moved${request.url}` }).end();
      response.writeHead(200, { "content-type": "application/json" }).end("[]");
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      const octokit = createGitHubClient({ token: "t", baseUrl, writeIntervalMs: 0 });

      const err = (await upsertPullRequest(octokit, { ...input, newHead: true }).catch((e: unknown) => e)) as RemoteError;

      expect(err).toBeInstanceOf(RemoteError);
      expect(err.message).toBe(`GitHub answered the pull request create with 200 from ${baseUrl}/moved/repos/acme/redis-gitops/pulls, not a pull request: was the API URL redirected?`);
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
  });
});

describe("a 401 after a redirect to another host", () => {
  it("says the token was not sent there instead of blaming the token", async () => {
    const gh = await startGitHubStandin({ token: "t" });
    const front = createServer((request, response) => response.writeHead(307, { location: `${gh.baseUrl}${request.url}` }).end());
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    try {
      gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
      const baseUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      const octokit = createGitHubClient({ token: "t", baseUrl, writeIntervalMs: 0 });

      const err = (await upsertPullRequest(octokit, input).catch((e: unknown) => e)) as RemoteError;

      expect(err.message).toBe(
        `the GitHub API at ${baseUrl} redirected to ${gh.baseUrl}, which is not sent the token (401 Requires authentication): point --api-url or github.apiUrl at the API itself`,
      );
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await gh.close();
    }
  });
});

describe("findPullRequestByMarker", () => {
  it("finds the open pull request whose body carries the marker across pages", async () => {
    const gh = await startGitHubStandin();
    try {
      gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
      gh.seedPullRequest("acme", "redis-gitops", { head: "gitops-redis/prod", title: "prod", body: "x\n<!-- gitops-redis:env=prod -->" });
      for (let i = 0; i < 120; i += 1) gh.seedPullRequest("acme", "redis-gitops", { head: `feature/${i}`, title: `f${i}` });
      gh.seedPullRequest("acme", "redis-gitops", { head: "old", title: "closed", body: "<!-- gitops-redis:env=dev -->", state: "closed" });
      const octokit = createGitHubClient({ token: "t", baseUrl: gh.baseUrl, writeIntervalMs: 0 });

      const hit = await findPullRequestByMarker(octokit, { owner: "acme", repo: "redis-gitops", marker: "<!-- gitops-redis:env=prod -->" });
      const miss = await findPullRequestByMarker(octokit, { owner: "acme", repo: "redis-gitops", marker: "<!-- gitops-redis:env=dev -->" });

      expect(hit?.number).toBe(1);
      expect(miss).toBeUndefined();
      expect(gh.requests.filter((r) => r.operationId === "pulls/list").length).toBeGreaterThanOrEqual(2);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});

describe("bodyWithMarker", () => {
  it("appends the marker once", () => {
    expect(bodyWithMarker("text\n\n", "<!-- k=v -->")).toBe("text\n\n<!-- k=v -->\n");
    expect(bodyWithMarker("a <!-- k=v --> b", "<!-- k=v -->")).toBe("a <!-- k=v --> b");
  });

  it.each(["k=v", "<!-- a --> <!-- b -->", "<!-- a -- b -->"])("refuses %j as a marker", (marker) => {
    expect(() => bodyWithMarker("x", marker)).toThrow(/single HTML comment/);
  });
});

describe("mapGitHubError", () => {
  it("returns our errors and non-HTTP failures (bugs) unchanged", () => {
    const ours = new UsageError("bad");
    const bug = new TypeError("x is undefined");
    expect(mapGitHubError(ours, { owner: "a", repo: "b" })).toBe(ours);
    expect(mapGitHubError(bug, { owner: "a", repo: "b" })).toBe(bug);
  });
});
