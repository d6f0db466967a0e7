import { Octokit } from "@octokit/rest";
import { redact } from "../git/credentials.js";
import { httpFetch } from "./http-fetch.js";
import { resilience } from "./resilience.js";

export type GitHubClient = Octokit;

/** Where the client reports; messages are single lines and never carry the token or request objects. */
export interface GitHubLog {
  debug(message: string): void;
  warn(message: string): void;
}

export interface GitHubClientOptions {
  token: string;
  /** REST API root, e.g. https://api.github.com or https://ghe.example.com/api/v3 (see apiUrlFor). */
  baseUrl?: string;
  userAgent?: string;
  log?: GitHubLog;
  retry?: {
    /** Retries for 5xx, network errors and rate limits alike. Default 3. */
    retries?: number;
    /** One unit of waiting: 5xx back off (n+1)² units, rate limits wait retry-after units. Default 1000 (seconds). */
    retryAfterBaseMs?: number;
  };
  /** Minimum gap between write requests. Default 1000, GitHub's advice against secondary rate limits. Tests set 0. */
  writeIntervalMs?: number;
}

const silent: GitHubLog = { debug: () => {}, warn: () => {} };

/** The longest rate limit a command waits out, in seconds: GitHub's secondary limits ask for about a minute. */
const MAX_RATE_LIMIT_WAIT_S = 120;

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const log = options.log ?? silent;
  const retries = options.retry?.retries ?? 3;
  const baseMs = options.retry?.retryAfterBaseMs ?? 1000;
  const clean = (message: string) => redact(message, [options.token]).replace(/\s+/g, " ");

  const onRateLimit = (kind: string, retryAfter: number, request: { method: string; url: string }, count: number) => {
    // A command waits out a short limit; for a long one (the hourly quota) it stops and says when to re-run.
    const retrying = count < retries && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
    const why = count < retries ? `it lifts in ${retryAfter}s` : "retried enough";
    log.warn(
      clean(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ` +
          (retrying ? `waiting ${retryAfter}s then retrying (${count + 1}/${retries})` : `giving up (${why})`),
      ),
    );
    return retrying;
  };

  const ResilientOctokit = Octokit.plugin(resilience({ retries, retryAfterBaseMs: baseMs, writeIntervalMs: options.writeIntervalMs ?? 1000, onRateLimit }));
  return new ResilientOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    request: { fetch: httpFetch as unknown as typeof fetch },
    // Octokit hands request options (with the Authorization header) to debug(); only the text goes on.
    log: {
      debug: (message: string) => log.debug(clean(message)),
      info: (message: string) => log.debug(clean(message)),
      warn: (message: string) => log.warn(clean(message)),
      error: (message: string) => log.debug(clean(message)),
    },
  });
}
