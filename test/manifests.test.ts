import { describe, expect, it } from "vitest";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import { readGolden } from "./support/golden.js";
import { isKustomizeFile, parseDocuments, validateManifest } from "./support/manifests.js";
import { SCENARIOS } from "./support/scenarios.js";

const NOT_OBJECTS = (path: string): boolean =>
  !path.endsWith(".yaml") || path === "gitops-redis.yaml" || path.startsWith(".github/") || path.startsWith("values/") || path.endsWith("/values.yaml") || isKustomizeFile(path);

describe("every generated Argo CD manifest validates against the real schemas", () => {
  it.each(Object.keys(SCENARIOS))("%s", (name) => {
    const tree = readGolden(`argocd/${name}`);
    const kinds: string[] = [];
    for (const [path, text] of Object.entries(tree)) {
      if (NOT_OBJECTS(path)) continue;
      for (const object of parseDocuments(text, path)) kinds.push(`${validateManifest(object, path).kind} ${path}`);
    }
    expect(kinds).toContain(`Application argocd/environments/${name}.yaml`);
    expect(kinds).toContain("Application bootstrap/root-app.yaml");
  });

  it("the schemas reject a broken manifest (the check can fail)", () => {
    const broken = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "x" }, provisioner: 5 };
    expect(() => new StorageClass(broken as never).validate()).toThrow(/provisioner/);
    expect(() => validateManifest(broken, "x.yaml")).toThrow(/x.yaml: storage.k8s.io\/v1\/StorageClass x:.*provisioner/);
  });
});
