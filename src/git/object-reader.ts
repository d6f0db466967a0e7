/**
 * One `git cat-file --batch` for all the object reads of a run: each read is a line on its stdin, not a new git
 * process (starting one costs more than the read). The process holds the event loop only while a read is
 * outstanding, so a reader that is never closed cannot keep the CLI alive; close() ends it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface GitObject {
  id: string;
  type: string;
  content: Buffer;
}

interface PendingRead {
  resolve(object: GitObject | undefined): void;
  reject(error: Error): void;
}

const HEADER = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/;

export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending: PendingRead[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the oldest answer needs before it can be parsed; saves joining chunks of a large object on every read. */
  private needed = 0;

  constructor(
    private readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** The object `spec` names (an id, `<rev>:<path>`, `<rev>^{tree}`, ...), or undefined when there is none. */
  read(spec: string): Promise<GitObject | undefined> {
    if (/[\r\n]/.test(spec)) return Promise.reject(new Error(`cannot read a git object named with a line break: ${JSON.stringify(spec)}`));
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.hold(true);
      child.stdin.write(`${spec}\n`);
    });
  }

  /** Ends the process once it has answered what was asked; a reader is not used after close(). */
  close(): void {
    this.child?.stdin.end();
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.dir, env: this.env });
    child.stdout.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= this.needed) this.answer();
    });
    // A write after git died fails with EPIPE; the close handler below rejects what is pending.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => this.fail(child, error));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => this.fail(child, new Error(`git cat-file --batch exited with ${code}: ${stderr.trim()}`)));
    this.child = child;
    return child;
  }

  /** Answers the oldest reads whose output has fully arrived: `<id> <type> <size>\n<content>\n`, or `<spec> missing\n`. */
  private answer(): void {
    while (this.pending.length) {
      const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [data];
      const newline = data.indexOf(10);
      if (newline < 0) {
        this.needed = data.length + 1;
        return;
      }
      const header = HEADER.exec(data.subarray(0, newline).toString("utf8"));
      const end = header ? newline + 1 + Number(header[3]) + 1 : newline + 1;
      if (data.length < end) {
        this.needed = end;
        return;
      }
      const rest = data.subarray(end);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.needed = 0;
      this.pending.shift()!.resolve(header ? { id: header[1]!, type: header[2]!, content: data.subarray(newline + 1, end - 1) } : undefined);
    }
    this.hold(false);
  }

  /** The process is gone: what it owed fails, and the next read starts a new one (e.g. after `git init`). */
  private fail(child: ChildProcessWithoutNullStreams, error: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.chunks = [];
    this.buffered = 0;
    this.needed = 0;
    for (const read of this.pending.splice(0)) read.reject(error);
  }

  private hold(busy: boolean): void {
    const child = this.child;
    if (!child) return;
    // The pipes are net.Sockets, which can be unreferenced like the process itself.
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (busy) handle.ref();
      else handle.unref();
    }
  }
}
