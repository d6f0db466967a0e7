import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOpenApiChecker } from "../support/openapi-check.js";
import { startGitHubStandin, type GitHubStandin } from "../support/github-standin.js";

describe("GitHub stand-in", () => {
  let gh: GitHubStandin;
  let octokit: Octokit;
  beforeEach(async () => {
    gh = await startGitHubStandin();
    gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
    octokit = new Octokit({ auth: "t0ken", baseUrl: gh.baseUrl, log: { debug() {}, info() {}, warn() {}, error() {} } });
  });
  afterEach(() => gh.close());

  it("answers valid calls like GitHub and records them", async () => {
    const { data: repo } = await octokit.rest.repos.get({ owner: "acme", repo: "redis-gitops" });
    expect(repo.default_branch).toBe("main");
    const { data: pr } = await octokit.rest.pulls.create({ owner: "acme", repo: "redis-gitops", head: "env/prod", base: "main", title: "t" });
    expect(pr).toMatchObject({ number: 1, state: "open", head: { ref: "env/prod" }, base: { ref: "main" } });
    const { data: list } = await octokit.rest.pulls.list({ owner: "acme", repo: "redis-gitops", head: "acme:env/prod" });
    expect(list.map((p) => p.number)).toEqual([1]);
    expect(gh.violations).toEqual([]);
    expect(gh.requests.map((r) => `${r.operationId} ${r.status} ${r.hasAuthorization}`)).toEqual([
      "repos/get 200 true",
      "pulls/create 201 true",
      "pulls/list 200 true",
    ]);
    expect(JSON.stringify(gh.requests)).not.toContain("t0ken");
  });

  it("catches requests GitHub's OpenAPI description does not allow", async () => {
    // @ts-expect-error: a wrong body on purpose (title must be a string, head is required)
    await expect(octokit.request("POST /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "redis-gitops", title: 42, base: "main" })).rejects.toMatchObject({ status: 400 });
    // @ts-expect-error: pull_number must be an integer
    await expect(octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "acme", repo: "redis-gitops", pull_number: "one" })).rejects.toMatchObject({ status: 400 });
    await expect(octokit.request("GET /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "redis-gitops", colour: "red" })).rejects.toMatchObject({ status: 400 });
    await expect(octokit.request("POST /repos/{owner}/{repo}/pull-requests", { owner: "acme", repo: "redis-gitops" })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.request("GET /repos/{owner}/{repo}/pulls/comments", { owner: "acme", repo: "redis-gitops" })).rejects.toMatchObject({ status: 404 });
    expect(gh.violations.map((v) => v.kind)).toEqual(["bad-body", "bad-parameter", "bad-parameter", "unknown-route", "unimplemented"]);
    expect(gh.violations.map((v) => v.message).slice(0, 3)).toEqual([
      "pulls/create: body must have required property 'head'; body/title must be string",
      "pulls/get: path/pull_number must be integer",
      "pulls/list: query must NOT have additional properties (colour)",
    ]);
    expect(gh.pullRequests("acme", "redis-gitops")).toEqual([]);
  });
});

describe("OpenAPI checker", () => {
  it("follows $ref into components when validating a body", async () => {
    // repos/create-or-update-environment's wait_timer is a $ref to components/schemas/wait-timer (integer).
    const checker = await loadOpenApiChecker(["repos/create-or-update-environment"]);
    const url = new URL("http://x/repos/acme/redis-gitops/environments/prod");
    expect(checker.check("PUT", url, JSON.stringify({ wait_timer: 5 })).problem).toBeUndefined();
    expect(checker.check("PUT", url, JSON.stringify({ wait_timer: "soon" })).problem).toEqual({
      kind: "bad-body",
      message: "repos/create-or-update-environment: body/wait_timer must be integer",
    });
    expect(checker.check("PUT", url, "{not json").problem?.kind).toBe("bad-body");
  });
});
