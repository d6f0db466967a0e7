import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import { redact } from "../git/credentials.js";

const GitHubOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

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
  /**
   * Minimum gap between write requests. Default: the throttling plugin's process-wide gaps, which follow
   * GitHub's advice against secondary rate limits (1 s between writes, 3 s between writes that notify, such
   * as opening a pull request or adding labels). Tests set 0.
   */
  writeIntervalMs?: number;
}

const silent: GitHubLog = { debug: () => {}, warn: () => {} };

type WriteGroup = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>["write"]>;

/**
 * The throttling plugin only calls `group.key(id).schedule(options, fn)` on its write and notification
 * groups; a per-client spacer avoids adding Bottleneck as a direct dependency just to shorten the gap.
 */
function writeSpacer(intervalMs: number): WriteGroup {
  let next = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const limiter = {
    schedule<T>(_options: unknown, fn: () => Promise<T>): Promise<T> {
      const run = chain.then(async () => {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next = Date.now() + intervalMs;
        return fn();
      });
      chain = run.catch(() => undefined);
      return run;
    },
  };
  return { key: () => limiter } as unknown as WriteGroup;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const log = options.log ?? silent;
  const retries = options.retry?.retries ?? 3;
  const baseMs = options.retry?.retryAfterBaseMs ?? 1000;
  const clean = (message: string) => redact(message, [options.token]).replace(/\s+/g, " ");

  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
    const retrying = count < retries;
    log.warn(
      clean(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ` +
          (retrying ? `waiting ${retryAfter}s then retrying (${count + 1}/${retries})` : "giving up"),
      ),
    );
    return retrying;
  };

  return new GitHubOctokit({
    auth: options.token,
    baseUrl: options.baseUrl,
    userAgent: options.userAgent,
    // Octokit hands request options (with the Authorization header) to debug(); only the text goes on.
    log: {
      debug: (message: string) => log.debug(clean(message)),
      info: (message: string) => log.debug(clean(message)),
      warn: (message: string) => log.warn(clean(message)),
      error: (message: string) => log.debug(clean(message)),
    },
    retry: { retries, retryAfterBaseValue: baseMs },
    throttle: {
      retryAfterBaseValue: baseMs,
      onSecondaryRateLimit: onLimit("secondary"),
      onRateLimit: onLimit("primary"),
      ...(options.writeIntervalMs === undefined
        ? {}
        : { write: writeSpacer(options.writeIntervalMs), notifications: writeSpacer(options.writeIntervalMs) }),
    },
  });
}
