/** Unified diff of a planned change, for --dry-run. */
import { createTwoFilesPatch } from "diff";

export function formatDiff(current: ReadonlyMap<string, string>, changes: ReadonlyMap<string, string | null>): string {
  const patches: string[] = [];
  for (const [path, after] of changes) {
    const before = current.get(path);
    const patch = createTwoFilesPatch(
      before === undefined ? "/dev/null" : `a/${path}`,
      after === null ? "/dev/null" : `b/${path}`,
      before ?? "",
      after ?? "",
      undefined,
      undefined,
      { context: 3 },
    );
    // Drop jsdiff's "Index:"/"=====" preamble: readers expect git's format.
    patches.push(patch.split("\n").filter((line) => !line.startsWith("=====")).join("\n").trimEnd());
  }
  return patches.join("\n");
}
