/** Renders the EJS blueprints under blueprints/. Templates frame files (headers, prose); YAML bodies come in pre-serialized. */
import ejs from "ejs";
import { readAsset } from "../assets.js";

export type BlueprintName =
  | "generated.yaml.ejs"
  | "values-overlay.yaml.ejs"
  | "base-values.yaml.ejs"
  | "config.yaml.ejs"
  | "repo-readme.md.ejs"
  | "gitignore.ejs"
  | "sealed-secret.yaml.ejs";

const compiled = new Map<BlueprintName, ejs.TemplateFunction>();

export function renderBlueprint(name: BlueprintName, data: Record<string, unknown>): string {
  let template = compiled.get(name);
  if (!template) {
    // Templates only emit raw text with <%- %>; escaping HTML entities would corrupt YAML and Markdown.
    template = ejs.compile(readAsset("blueprints", name), { filename: name, strict: true, localsName: "it" });
    compiled.set(name, template);
  }
  return template(data);
}
