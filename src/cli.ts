/** Runs the program and turns every error into one message and an exit code; src/bin.ts is the process entry. */
import { CommanderError } from "commander";
import { buildProgram, type ProgramDeps } from "./program.js";
import { ExitCode, GitopsRedisError } from "./errors.js";
import type { Streams } from "./output.js";

export async function main(argv: string[], deps: ProgramDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, deps.streams);
  }
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
  // Unexpected: show only the message, never the object (Octokit errors carry request headers).
  const message = error instanceof Error ? error.message : String(error);
  streams.stderr.write(`error: unexpected failure: ${message}\n`);
  return ExitCode.failed;
}
