/** Runs the program and turns every error into one message and an exit code; src/bin.ts is the process entry. */
import { CommanderError } from "commander";
import { buildProgram, type ProgramDeps } from "./program.js";
import { ExitCode, GitopsRedisError } from "./errors.js";
import type { Output, Streams } from "./output.js";

export async function main(argv: string[], deps: ProgramDeps): Promise<number> {
  let out: Output | undefined;
  const program = buildProgram({ ...deps, onOutput: (created) => (out = created) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (thrown) {
    const error = missingGit(thrown) ?? thrown;
    const code = reportError(error, deps.streams);
    // --json promises one document on stdout: a command that failed before writing its own writes this one.
    if (out?.jsonMode && !out.jsonWritten) out.json({ ok: false, error: errorDocument(error, code) });
    return code;
  }
}

/** simple-git hands on Node's spawn error, stack and all, when there is no git to start. */
function missingGit(error: unknown): GitopsRedisError | undefined {
  if (!(error instanceof Error) || !/\bspawn git ENOENT\b/.test(error.message)) return undefined;
  return new GitopsRedisError("git is not installed, or not on PATH", ExitCode.failed, { hint: "install git 2.31 or newer, then re-run" });
}

function errorDocument(error: unknown, code: number): { exitCode: number; message: string[]; hint?: string } {
  if (error instanceof GitopsRedisError) return { exitCode: code, message: error.message.split("\n"), ...(error.hint ? { hint: error.hint } : {}) };
  return { exitCode: code, message: [`unexpected failure: ${error instanceof Error ? error.message : String(error)}`] };
}

export function reportError(error: unknown, streams: Streams): number {
  if (error instanceof CommanderError) {
    // commander printed its own message; help and version are successes.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof GitopsRedisError) {
    for (const line of error.message.split("\n")) streams.stderr.write(`error: ${line}\n`);
    if (error.hint) streams.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  // Unexpected: show only the first line of the message, never the object (Octokit errors carry request headers).
  const message = error instanceof Error ? error.message : String(error);
  streams.stderr.write(`error: unexpected failure: ${message.split("\n")[0]}\n`);
  return ExitCode.failed;
}
