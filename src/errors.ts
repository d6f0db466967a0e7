/** Exit codes shared by every command (see README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  conflict: 3,
  remote: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** Base of every error we expect; anything else is a bug and exits 1. */
export class GitopsRedisError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;

  constructor(message: string, exitCode: ExitCodeValue, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Bad flag, bad config value: exit 2, nothing written. */
export class UsageError extends GitopsRedisError {
  readonly messages: string[];
  constructor(messages: string | string[], options: ErrorOptions = {}) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join("\n"), ExitCode.usage, options);
    this.messages = list;
  }
}

/** The repository holds something we would overwrite or contradict: exit 3. */
export class ConflictError extends GitopsRedisError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, ExitCode.conflict, options);
  }
}

/** git or GitHub refused or could not be reached: exit 4. */
export class RemoteError extends GitopsRedisError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, ExitCode.remote, options);
  }
}

/** Checks ran and found errors (validate): exit 1, the findings were already printed. */
export class ChecksFailed extends GitopsRedisError {
  constructor(message: string) {
    super(message, ExitCode.failed);
  }
}
