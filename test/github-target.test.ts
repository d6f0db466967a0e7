import { describe, expect, it } from "vitest";
import { gitHubTarget } from "../src/commands/publish.js";
import type { RepoConfig } from "../src/model.js";

const config = (repoUrl: string, github?: RepoConfig["github"]): RepoConfig =>
  ({ repoUrl, github, controller: "argocd", defaultBranch: "main", environments: {} }) as unknown as RepoConfig;

describe("which GitHub repository and API a pull request goes to", () => {
  it.each([
    ["config wins over origin", config("https://github.com/a/b.git", { repository: "acme/redis" }), "git@github.com:x/y.git", undefined, {}, "acme/redis https://api.github.com"],
    ["origin on github.com", config("https://git.example.com/a/b.git"), "git@github.com:acme/redis.git", undefined, {}, "acme/redis https://api.github.com"],
    ["repo.url when origin is not GitHub", config("https://github.com/acme/redis.git"), "file:///tmp/r.git", undefined, {}, "acme/redis https://api.github.com"],
    ["GHE via config apiUrl", config("https://ghe.example.com/acme/redis.git", { repository: "acme/redis", apiUrl: "https://ghe.example.com/api/v3" }), undefined, undefined, {}, "acme/redis https://ghe.example.com/api/v3"],
    ["GHE via GITHUB_API_URL", config("https://ghe.example.com/acme/redis.git"), undefined, undefined, { GITHUB_API_URL: "https://ghe.example.com/api/v3/" }, "acme/redis https://ghe.example.com/api/v3"],
    ["--api-url beats the environment", config("https://ghe.example.com/acme/redis.git"), undefined, "https://other/api/v3", { GITHUB_API_URL: "https://ghe.example.com/api/v3" }, "acme/redis https://other/api/v3"],
    ["GitLab is not guessed to be GitHub", config("https://gitlab.com/acme/redis.git"), "git@gitlab.com:acme/redis.git", undefined, {}, undefined],
    ["a local remote and no GitHub anywhere", config("file:///tmp/r.git"), "file:///tmp/r.git", undefined, {}, undefined],
  ] as const)("%s", (_name, cfg, origin, flag, env, expected) => {
    const target = gitHubTarget(cfg, origin, flag, env as NodeJS.ProcessEnv);
    expect(target ? `${target.owner}/${target.repo} ${target.apiUrl}` : undefined).toBe(expected);
  });
});
