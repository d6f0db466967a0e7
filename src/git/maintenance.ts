/**
 * Whether a run that stored objects should start git's auto maintenance (`git maintenance run --auto`, which
 * `git commit` starts after it writes objects). A process costs a run a few milliseconds, and almost always finds
 * nothing to do; where git's rule is plain, it is applied here to the object store's counts, and git is asked only
 * when it would act. Anything less plain is left to git.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { lastValue as last, type GitSettings } from "./settings.js";

export interface ObjectStoreCounts {
  /** Packs without a .keep file. */
  packs: number;
  /** Loose objects in objects/17, the sample git counts (one folder of 256). */
  sampled: number;
}

/** maintenance.auto as git reads it (a boolean): on unless its last value is false, no, off, empty or a zero. */
export function autoMaintenanceOf(settings: GitSettings): boolean {
  const value = last(settings, "maintenance.auto");
  return value === undefined || value === null || !/^(false|no|off|[-+]?0+[kmg]?|)$/i.test(value);
}

/** An integer setting as git reads it (a k, m or g suffix multiplies); NaN for what git would refuse. */
function integerOf(settings: GitSettings, key: string, fallback: number): number {
  const value = last(settings, key);
  if (value === undefined) return fallback;
  const match = value === null ? null : /^([-+]?\d+)([kmg]?)$/i.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * 1024 ** "_kmg".indexOf((match[2] || "_").toLowerCase());
}

/**
 * True when `git maintenance run --auto` would do something, or when that is for git to say: `counts` unknown, a
 * setting this does not weigh (a maintenance strategy, a task of its own, a value git would refuse). With only
 * git's defaults, auto maintenance is `git gc --auto`, whose rule is: gc.auto (6700) not zero, and more packs than
 * gc.autoPackLimit (50), or more loose objects in the sample than gc.auto / 256.
 */
export function maintenanceNeeded(settings: GitSettings, counts: ObjectStoreCounts | undefined): boolean {
  if (!autoMaintenanceOf(settings)) return false;
  if ([...settings.keys()].some((key) => key.startsWith("maintenance.") && key !== "maintenance.auto")) return true;
  if (!counts) return true;
  const gcAuto = integerOf(settings, "gc.auto", 6700);
  const packLimit = integerOf(settings, "gc.autopacklimit", 50);
  if (Number.isNaN(gcAuto) || Number.isNaN(packLimit)) return true;
  if (gcAuto <= 0) return false;
  return (packLimit > 0 && counts.packs > packLimit) || counts.sampled > Math.ceil(gcAuto / 256);
}

/** Counts of the object store at `objects` (a repository's .git/objects); undefined when it cannot be read. */
export function countObjectStore(objects: string): ObjectStoreCounts | undefined {
  let files: string[];
  try {
    files = readdirSync(join(objects, "pack"));
  } catch {
    return undefined;
  }
  const present = new Set(files);
  const packs = files.filter((file) => file.endsWith(".pack") && !present.has(`${file.slice(0, -5)}.keep`)).length;
  let sampled = 0;
  try {
    // SHA-1 or SHA-256 ids, less the two hex digits of the folder's name.
    sampled = readdirSync(join(objects, "17")).filter((name) => (name.length === 38 || name.length === 62) && /^[0-9a-f]+$/.test(name)).length;
  } catch {
    // No loose object starts with 17.
  }
  return { packs, sampled };
}
