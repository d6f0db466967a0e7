/** Built-in environment presets: the data files in environments/. */
import { parse } from "yaml";
import { readAsset } from "./assets.js";

export interface Preset {
  name: string;
  description: string;
  values: Record<string, unknown>;
}

export { presetNames } from "./assets.js";

const parsed = new Map<string, Record<string, unknown>>();

/** A fresh copy each call (callers may change it); the file is read and parsed once per run. */
export function loadPreset(name: string): Preset {
  let values = parsed.get(name);
  if (!values) {
    values = parse(readAsset("environments", `${name}.yaml`)) as Record<string, unknown>;
    parsed.set(name, values);
  }
  const { description, ...rest } = structuredClone(values);
  return { name, description: String(description ?? ""), values: rest };
}
