/** Rule "schema": every Kubernetes, Argo CD and Flux object against its real schema. Pure (models come in through options). */
import { isPlainObject } from "../yaml.js";
import { isKustomization, isNonObjectYaml } from "../layout.js";
import { objectFinding, type RepoView } from "./repo.js";
import { findingAt } from "./parse.js";
import type { Finding, SchemaLookup } from "./types.js";

export function checkSchemas(view: RepoView, schemas: SchemaLookup): Finding[] {
  const findings: Finding[] = [];
  for (const object of view.objects) {
    const validator = schemas(object.apiVersion, object.kind);
    if (validator === "no-schema") continue;
    if (!validator) {
      findings.push(objectFinding(object, ["kind"], "schema", "warning", `no schema for ${object.apiVersion} ${object.kind} in gitops-redis; not checked`));
      continue;
    }
    for (const problem of validator(object.value)) {
      const path = problem.pointer.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
      const field = path.map(String).join(".") || object.kind;
      findings.push(objectFinding(object, path, "schema", "error", `${object.kind} ${object.name}: ${field} ${problem.message}`));
    }
  }
  // A document in a manifests file that is not an object at all is applied by nobody and is almost always a typo.
  for (const file of view.files.values()) {
    if (isNonObjectYaml(file.path) || isKustomization(file.path)) continue;
    file.docs.forEach((doc, i) => {
      const value = doc.value;
      if (isPlainObject(value) && (typeof value.apiVersion !== "string" || typeof value.kind !== "string")) {
        findings.push(findingAt(file, i, [], "schema", "error", "not a Kubernetes object: apiVersion and kind are required"));
      }
    });
  }
  return findings;
}
