/** Where a command's words go: human text to stdout, or to stderr when --json owns stdout. */
export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface Output {
  info(line: string): void;
  warn(line: string): void;
  /** The one JSON document of --json mode; ignored otherwise. */
  json(value: unknown): void;
  readonly jsonMode: boolean;
  /** Whether the JSON document has been written (a failed command writes one in its place: see cli.ts). */
  readonly jsonWritten: boolean;
}

export function createOutput(streams: Streams, jsonMode: boolean): Output {
  const human = jsonMode ? streams.stderr : streams.stdout;
  let jsonWritten = false;
  return {
    jsonMode,
    get jsonWritten() {
      return jsonWritten;
    },
    info: (line) => void human.write(`${line}\n`),
    warn: (line) => void streams.stderr.write(`warning: ${line}\n`),
    json: (value) => {
      if (!jsonMode || jsonWritten) return;
      jsonWritten = true;
      streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
