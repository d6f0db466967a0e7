/**
 * An unmerged `set` branch's changes to one environment, replayed on the environment as the default branch has it
 * now: a second `set` before the first is merged builds on the first instead of dropping it. Pure.
 */
import type { Controller, EnvironmentSpec } from "../model.js";
import { isPlainObject } from "../yaml.js";
import { Problems, configLabel, parseEnvironment } from "./schema.js";
import { environmentToData } from "./serialize.js";

type Data = Record<string, unknown>;
/** A setting by its path of keys (not a dotted string: service annotation names hold dots); undefined: removed. */
interface Change {
  path: string[];
  value: unknown;
}

const settings = (env: EnvironmentSpec): Data => environmentToData({ ...env, preset: undefined });

function leaves(value: unknown, path: string[] = [], out = new Map<string, Change>()): Map<string, Change> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...path, key], out);
  } else if (path.length) {
    out.set(JSON.stringify(path), { path, value });
  }
  return out;
}

function changes(before: Data, after: Data): Change[] {
  const [was, now] = [leaves(before), leaves(after)];
  const changed = [...now].filter(([key, { value }]) => JSON.stringify(was.get(key)?.value) !== JSON.stringify(value)).map(([, change]) => change);
  const removed = [...was].filter(([key]) => !now.has(key)).map(([, { path }]) => ({ path, value: undefined }));
  return [...changed, ...removed];
}

function apply(data: Data, { path, value }: Change): void {
  let node = data;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Data;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

export interface Replayed {
  /** The environment with the earlier changes; undefined when they no longer fit it (problems says why). */
  spec: EnvironmentSpec | undefined;
  /** The settings replayed, e.g. `replicas`, `storage.basePath`. */
  keys: string[];
  problems: string[];
}

/** What changed from `before` to `after`, applied to `current`. */
export function replaySettings(name: string, before: EnvironmentSpec, after: EnvironmentSpec, current: EnvironmentSpec, controller: Controller): Replayed {
  const replayed = changes(settings(before), settings(after));
  const data = JSON.parse(JSON.stringify(settings(current))) as Data;
  for (const change of replayed) apply(data, change);
  if (current.preset) data.preset = current.preset;
  const problems = new Problems();
  const spec = parseEnvironment(name, data, problems, configLabel(name), controller);
  return { spec: problems.list.length ? undefined : spec, keys: replayed.map(({ path }) => path.join(".")), problems: problems.list };
}
