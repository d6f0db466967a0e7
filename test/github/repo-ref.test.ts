import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { apiUrlFor, parseGitHubRemote, parseRepoSlug, resolveToken } from "../../src/github/repo-ref.js";

describe("parseGitHubRemote", () => {
  it.each([
    ["https://github.com/acme/redis-gitops", "github.com"],
    ["https://github.com/acme/redis-gitops.git", "github.com"],
    ["https://github.com/acme/redis-gitops/", "github.com"],
    ["https://x-access-token@github.com/acme/redis-gitops.git", "github.com"],
    ["https://user:secret@GitHub.com/acme/redis-gitops.git", "github.com"],
    ["https://ghe.example.com:8443/acme/redis-gitops.git", "ghe.example.com:8443"],
    ["git@github.com:acme/redis-gitops.git", "github.com"],
    ["git@github.com:acme/redis-gitops", "github.com"],
    ["github.com:acme/redis-gitops.git", "github.com"],
    ["ssh://git@github.com/acme/redis-gitops.git", "github.com"],
    ["ssh://git@ghe.example.com:2222/acme/redis-gitops.git", "ghe.example.com"],
    ["git+ssh://git@github.com/acme/redis-gitops.git", "github.com"],
  ])("%s", (url, host) => {
    expect(parseGitHubRemote(url)).toEqual({ owner: "acme", repo: "redis-gitops", host });
  });

  it.each([
    "/srv/git/redis-gitops.git",
    "file:///srv/git/acme/redis-gitops.git",
    "../acme/redis-gitops",
    "C:/repos/acme/redis-gitops",
    "https://gitlab.com/group/sub/redis-gitops.git",
    "https://github.com/acme",
    "git@github.com:acme/..",
    "not a url",
    "",
  ])("rejects %j", (url) => {
    expect(parseGitHubRemote(url)).toBeUndefined();
  });
});

describe("parseRepoSlug", () => {
  it("accepts owner/repo", () => {
    expect(parseRepoSlug("acme/redis.gitops_2")).toEqual({ owner: "acme", repo: "redis.gitops_2" });
  });

  it.each(["acme", "acme/redis/extra", "/acme/redis", "acme/redis.git", "ac me/redis", "acme/"])("rejects %j naming the field", (value) => {
    const err = (() => {
      try {
        parseRepoSlug(value, "github.repo");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe(
      `github.repo: ${JSON.stringify(value)} is not a GitHub repository; expected owner/name, e.g. acme/redis-gitops`,
    );
  });
});

describe("apiUrlFor", () => {
  it.each([
    ["github.com", "https://api.github.com"],
    ["GitHub.com", "https://api.github.com"],
    ["acme.ghe.com", "https://api.acme.ghe.com"],
    ["ghe.example.com", "https://ghe.example.com/api/v3"],
    ["ghe.example.com:8443", "https://ghe.example.com:8443/api/v3"],
  ])("%s -> %s", (host, url) => expect(apiUrlFor(host)).toBe(url));
});

describe("resolveToken", () => {
  it("prefers GITHUB_TOKEN, then GH_TOKEN, ignoring blanks", () => {
    expect(resolveToken({ GITHUB_TOKEN: "a", GH_TOKEN: "b" })).toBe("a");
    expect(resolveToken({ GITHUB_TOKEN: " ", GH_TOKEN: "b" })).toBe("b");
    expect(resolveToken({})).toBeUndefined();
  });
});
