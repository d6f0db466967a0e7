/** "Did you mean …?" for unknown keys: the closest known name by edit distance, if it is close enough. Pure. */

/** Levenshtein distance, case-insensitive. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The name in `names` closest to `key`, or undefined when none is within a third of its length (at least 2 edits). */
export function closestName(key: string, names: Iterable<string>): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of names) {
    const score = distance(key, name);
    if (!best || score < best.score) best = { name, score };
  }
  if (!best || best.score > Math.max(2, Math.floor(key.length / 3))) return undefined;
  return best.name;
}
