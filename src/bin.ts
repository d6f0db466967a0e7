/** The process around main(): streams, exit code and exit. src/entry.ts runs it from the bundle. */
import { main } from "./cli.js";
import { setExternalImporter, type Importer } from "./external-import.js";

export interface RunHooks {
  /** import() from a real module: the bundle runs as a script, which cannot import. */
  importExternal: Importer;
  /** Called once the command is done and its output flushed, just before the process exits with `code`. */
  beforeExit?: (code: number) => void;
}

export async function run(hooks: RunHooks): Promise<void> {
  setExternalImporter(hooks.importExternal);
  // `gitops-redis --help | head` closes the pipe early: that is the reader's choice, not a failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  const code = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    streams: { stdout: process.stdout, stderr: process.stderr },
  });
  // Kept for the EPIPE handler above, which may run while the output is flushed.
  process.exitCode = code;
  // Left to itself, Node waits at exit for V8's background work (optimizing compiles, concurrent GC) that a finished
  // command has no use for: 20-40 ms of an add-env. Exit as soon as what we wrote has been flushed.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((flushed) => stream.write("", () => flushed()))));
  hooks.beforeExit?.(code);
  process.exit(code);
}
