/**
 * Retries and rate limits for the few requests one run makes (a search, a create, labels, reviewers), as an Octokit
 * plugin. It follows @octokit/plugin-retry and @octokit/plugin-throttling, which gitops-redis used first:
 * - 5xx answers and network errors are retried after (n+1)² units; 400, 401, 403, 404, 410, 422 and 451 are not.
 * - A secondary rate limit waits `retry-after` units (60 without one), the primary one until `x-ratelimit-reset`.
 * - Writes are spaced by `writeIntervalMs`.
 * Both plugins schedule through Bottleneck, whose in-memory store yields to the event loop with setTimeout(0) several
 * times per request and limiter: 15-20 ms of an add-env that opens a pull request, for no coordination a process
 * making three requests needs.
 */
import type { Octokit } from "@octokit/rest";

export interface ResilienceOptions {
  retries: number;
  /** One unit of waiting, in ms (1000: units are seconds). */
  retryAfterBaseMs: number;
  /** Minimum gap between two write requests of this client. */
  writeIntervalMs: number;
  /** Told of every rate limit hit; false gives up. */
  onRateLimit(kind: "primary" | "secondary", retryAfterSeconds: number, request: { method: string; url: string }, retryCount: number): boolean;
}

const NOT_RETRIED = new Set([400, 401, 403, 404, 410, 422, 451]);

interface FailedRequest {
  name?: string;
  cause?: { permanent?: boolean };
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** Units to wait before the next attempt, or undefined to give up and throw. */
export function retryDelay(error: unknown, retryCount: number, options: Pick<ResilienceOptions, "retries" | "onRateLimit">, request: { method: string; url: string }, now = Date.now()): number | undefined {
  const failed = error as FailedRequest;
  // Octokit gives an aborted request status 500, and any fetch failure: the caller asked for the first to stop, and
  // the permanent ones (an untrusted certificate, a redirect loop: see http-fetch.ts) fail the same way every time.
  if (typeof failed?.status !== "number" || failed.name === "AbortError" || failed.cause?.permanent) return undefined;
  const headers = failed.response?.headers ?? {};
  if (failed.status === 403 || failed.status === 429) {
    if (/\bsecondary rate\b/i.test(failed.message ?? "")) {
      const after = Number(headers["retry-after"]) || 60;
      return options.onRateLimit("secondary", after, request, retryCount) ? after : undefined;
    }
    if (headers["x-ratelimit-remaining"] === "0") {
      const reset = Number(headers["x-ratelimit-reset"]) || 0;
      const after = Math.max(Math.ceil((reset * 1000 - now) / 1000) + 1, 0);
      return options.onRateLimit("primary", after, request, retryCount) ? after : undefined;
    }
  }
  if (failed.status < 400 || NOT_RETRIED.has(failed.status) || retryCount >= options.retries) return undefined;
  return (retryCount + 1) ** 2;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function resilience(options: ResilienceOptions) {
  return (octokit: Pick<Octokit, "hook">): Record<string, never> => {
    let nextWrite = 0;
    octokit.hook.wrap("request", async (request, endpoint) => {
      const isWrite = endpoint.method !== "GET" && endpoint.method !== "HEAD";
      for (let retryCount = 0; ; retryCount++) {
        if (isWrite && options.writeIntervalMs > 0) {
          const wait = nextWrite - Date.now();
          nextWrite = Math.max(nextWrite, Date.now()) + options.writeIntervalMs;
          if (wait > 0) await sleep(wait);
        }
        try {
          return await request(endpoint);
        } catch (error) {
          const units = retryDelay(error, retryCount, options, { method: endpoint.method, url: endpoint.url });
          if (units === undefined) throw error;
          await sleep(units * options.retryAfterBaseMs);
        }
      }
    });
    return {};
  };
}
