import { describe, expect, it } from "vitest";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { PersistentVolume, Secret } from "kubernetes-models/v1";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import { parseAllDocuments } from "yaml";
import { readGolden } from "./support/golden.js";
import { SCENARIOS } from "./support/scenarios.js";

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "argoproj.io/v1alpha1/Application": Application,
  "v1/PersistentVolume": PersistentVolume,
  "v1/Secret": Secret,
  "storage.k8s.io/v1/StorageClass": StorageClass,
};

describe("every generated manifest validates against the real schemas", () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, () => {
      const tree = readGolden(`argocd/${scenario.name}`);
      const seen: string[] = [];
      for (const [path, text] of Object.entries(tree)) {
        if (!path.endsWith(".yaml")) continue;
        for (const doc of parseAllDocuments(text)) {
          expect(doc.errors, path).toEqual([]);
          const object = doc.toJS() as { apiVersion?: string; kind?: string } | null;
          if (!object?.apiVersion || !object.kind || path === "gitops-redis.yaml") continue;
          const Model = MODELS[`${object.apiVersion}/${object.kind}`];
          expect(Model, `${path}: no schema for ${object.apiVersion} ${object.kind}`).toBeDefined();
          expect(() => new Model!(object as never).validate(), path).not.toThrow();
          seen.push(`${object.kind} ${path}`);
        }
      }
      expect(seen.some((s) => s.startsWith("Application argocd/environments/"))).toBe(true);
    });
  }

  it("the schemas reject a broken manifest (the check can fail)", () => {
    const broken = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "x" }, provisioner: 5 };
    expect(() => new StorageClass(broken as never).validate()).toThrow(/provisioner/);
  });
});
