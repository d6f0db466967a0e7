import type { Output, Streams } from "../output.js";

/** Tuning of the GitHub client; tests shrink the waits so retries stay fast. */
export interface GitHubTuning {
  retry?: { retries?: number; retryAfterBaseMs?: number };
  writeIntervalMs?: number;
}

/** What a command may touch besides its arguments; tests pass their own. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  streams: Streams;
  out: Output;
  github?: GitHubTuning;
}
