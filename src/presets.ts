/** Built-in environment presets: the data files in environments/. */
import { parse } from "yaml";
import { readAsset } from "./assets.js";

export interface Preset {
  name: string;
  description: string;
  values: Record<string, unknown>;
}

export { presetNames } from "./assets.js";

export function loadPreset(name: string): Preset {
  const values = parse(readAsset("environments", `${name}.yaml`)) as Record<string, unknown>;
  const { description, ...rest } = values;
  return { name, description: String(description ?? ""), values: rest };
}
