/**
 * Git's auto maintenance after a run that stored objects, as `git commit` starts it: whether to start
 * `git maintenance run --auto` at all, and with which options. The process costs a run a few milliseconds and almost
 * always finds nothing to do, so where git's rule is plain it is applied here to the object store's counts, and git
 * is asked only when it would act. Anything less plain is left to git. Pure, but for countObjectStore.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { lastValue, type GitSettings } from "./settings.js";

export interface ObjectStoreCounts {
  /** Packs without a .keep file. */
  packs: number;
  /** Loose objects in objects/17, the sample git counts (one folder of 256). */
  sampled: number;
}

/** A git version as `git version` prints it ("git version 2.39.5", "... 2.45.1.windows.1"): [major, minor]. */
export function parseGitVersion(output: string | undefined): [number, number] | undefined {
  const match = output && /^git version (\d+)\.(\d+)/.exec(output.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * A boolean as git writes one; undefined for a form this does not read (git also takes "0x0", " 1", "010"), which
 * each caller settles on the safe side.
 */
function booleanOf(value: string | null | undefined): boolean | undefined {
  if (value === null) return true;
  if (value === undefined) return undefined;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^(false|no|off|)$/i.test(value)) return false;
  const number = integerOf(value);
  return Number.isNaN(number) ? undefined : number !== 0;
}

/** A decimal integer as git reads one (a k, m or g suffix multiplies); NaN for any other form (octal, hex, spaces). */
function integerOf(value: string | null): number {
  const match = value === null ? null : /^([-+]?(?:0|[1-9]\d*))([kmg]?)$/i.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * 1024 ** "_kmg".indexOf((match[2] || "_").toLowerCase());
}

/**
 * maintenance.auto as git reads it before it starts `git maintenance run --auto` (which does not read it itself):
 * on when unset. A value in a form this does not read counts as off: the user may have meant to turn gc off.
 */
export function autoMaintenanceOf(settings: GitSettings): boolean {
  const value = lastValue(settings, "maintenance.auto");
  return value === undefined || booleanOf(value) === true;
}

/** Keys that do not change what `maintenance run --auto` does in this repository. */
const NEUTRAL_KEYS = new Set(["maintenance.auto", "maintenance.autodetach", "maintenance.repo"]);

/**
 * True when `git maintenance run --auto` would do something, or when that is for git to say. Up to git 2.53, with no
 * maintenance setting of the user's, auto maintenance is the gc task alone, whose rule (`need_to_gc`) is: gc.auto
 * (6700) above zero, and more packs than gc.autoPackLimit (50), or more loose objects in the sample than
 * gc.auto / 256. Git 2.54 made a geometric repack the default instead, which merges packs much sooner: from 2.54, an
 * unknown version, a maintenance strategy or task, a number in a form this does not read, or counts not known, git
 * decides.
 */
export function maintenanceNeeded(settings: GitSettings, version: [number, number] | undefined, counts: ObjectStoreCounts | undefined): boolean {
  if (!autoMaintenanceOf(settings)) return false;
  if (!version || version[0] > 2 || (version[0] === 2 && version[1] >= 54)) return true;
  if ([...settings.keys()].some((key) => key.startsWith("maintenance.") && !NEUTRAL_KEYS.has(key))) return true;
  if (!counts) return true;
  const gcAuto = settings.has("gc.auto") ? integerOf(lastValue(settings, "gc.auto")!) : 6700;
  const packLimit = settings.has("gc.autopacklimit") ? integerOf(lastValue(settings, "gc.autopacklimit")!) : 50;
  if (Number.isNaN(gcAuto) || Number.isNaN(packLimit)) return true;
  if (gcAuto <= 0) return false;
  return (packLimit > 0 && counts.packs > packLimit) || counts.sampled > Math.ceil(gcAuto / 256);
}

/**
 * The arguments `git commit` gives auto maintenance (git 2.47 and later): in the background unless
 * maintenance.autoDetach (else gc.autoDetach) is false. Git before 2.47 knows no --detach, and its gc detaches
 * itself as gc.autoDetach says: the caller runs these without the last argument when git refuses it.
 */
export function maintenanceArgs(settings: GitSettings | undefined): string[] {
  const args = ["maintenance", "run", "--auto", "--quiet"];
  const detach = settings && (settings.has("maintenance.autodetach") ? lastValue(settings, "maintenance.autodetach") : lastValue(settings, "gc.autodetach"));
  return detach === undefined || booleanOf(detach) !== false ? [...args, "--detach"] : args;
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
