import type { Output, Streams } from "../output.js";

/** What a command may touch besides its arguments; tests pass their own. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  streams: Streams;
  out: Output;
}
