import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.js";
import { startGitHubStandin } from "../support/github-standin.js";

describe("createGitHubClient", () => {
  it("authenticates, sends the user agent and spaces writes by writeIntervalMs", async () => {
    const gh = await startGitHubStandin({ token: "t0k" });
    try {
      gh.seedRepo({ owner: "acme", repo: "redis-gitops" });
      const octokit = createGitHubClient({ token: "t0k", baseUrl: gh.baseUrl, userAgent: "gitops-redis/0.1.0", writeIntervalMs: 40 });
      const start = performance.now();
      const a = await octokit.rest.pulls.create({ owner: "acme", repo: "redis-gitops", head: "a", base: "main", title: "a" });
      await octokit.rest.pulls.create({ owner: "acme", repo: "redis-gitops", head: "b", base: "main", title: "b" });

      expect(a.data.number).toBe(1);
      const [first, second] = gh.writes();
      expect(second!.at - start).toBeGreaterThanOrEqual(39); // node timers have 1 ms granularity
      expect(first?.headers["user-agent"]).toMatch(/^gitops-redis\/0\.1\.0 /);
      expect(first?.headers.authorization).toBe("token [redacted]");
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});

describe("an aborted request", () => {
  it("fails at once with the abort, without the retries a dropped connection gets", async () => {
    let received = 0;
    const server = createServer(() => void received++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      // A retry would first wait one unit: 600 ms.
      const octokit = createGitHubClient({ token: "t", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retry: { retries: 3, retryAfterBaseMs: 600 } });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const start = performance.now();
      const error = await octokit.request("GET /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "r", request: { signal: controller.signal } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "AbortError" });
      expect(performance.now() - start).toBeLessThan(500);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("module boundaries", () => {
  async function sources(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name));
  }

  it("imports Octokit only under src/github/, and repo-ref stays pure", async () => {
    const root = new URL("../../src/", import.meta.url).pathname;
    const offenders: string[] = [];
    for (const file of await sources(root)) {
      const rel = relative(root, file);
      const text = await readFile(file, "utf8");
      const importsOctokit = /from\s+["']@octokit\//.test(text);
      if (importsOctokit && (!rel.startsWith("github/") || rel === "github/repo-ref.ts")) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});
