/**
 * What Flux would do with a generated repository, checked offline: every object is valid for its API, every
 * kustomization builds with a real kubectl (unpacked from an npm package, see support/tools.ts), the values
 * ConfigMaps carry the values files, every file is reachable from the cluster's sync file, and the result is the
 * same Redis as the Argo CD rendering of the same settings.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isKustomizeFile, parseDocuments, validateManifest, type Manifest } from "./support/manifests.js";
import { tempDir } from "./support/repo.js";
import { SCENARIOS, scenarioTree } from "./support/scenarios.js";
import { toolPath } from "./support/tools.js";

type Tree = Record<string, string>;

/** Files no controller applies: they describe the repository or run in CI. */
const NOT_DEPLOYED = ["gitops-redis.yaml", "README.md", ".gitignore", ".github/workflows/validate.yaml", "renovate.json"];
const CLUSTER = "default";

const flux = new Map<string, Tree>();
const argocd = new Map<string, Tree>();
let kubectl = "";

beforeAll(async () => {
  kubectl = toolPath("kubectl");
  for (const [name, args] of Object.entries(SCENARIOS)) {
    flux.set(name, await scenarioTree("flux", args));
    argocd.set(name, await scenarioTree("argocd", args));
  }
});

const manifestsOf = (tree: Tree, path: string): Manifest[] =>
  parseDocuments(tree[path]!, path).map((object) => validateManifest(object, path));

function materialize(tree: Tree): string {
  const dir = tempDir();
  for (const [path, content] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** `kubectl kustomize` the way kustomize-controller builds: files may come from anywhere inside the repository. */
function kustomize(root: string, dir: string): Manifest[] {
  const out = execFileSync(kubectl, ["kustomize", "--load-restrictor", "LoadRestrictionsNone", join(root, dir)], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: root },
  });
  return parseDocuments(out, `kubectl kustomize ${dir}`).map((object) => validateManifest(object, `kubectl kustomize ${dir}`));
}

/** kustomize-controller's rule for a folder without kustomization.yaml: every manifest below it. */
function filesBelow(tree: Tree, dir: string): string[] {
  return Object.keys(tree).filter((p) => p.startsWith(`${dir}/`) && /\.ya?ml$/.test(p)).sort();
}

/** Every file that Flux reads, following Kustomizations from the cluster's folder. */
function reachable(tree: Tree, entry: string): Set<string> {
  const reached = new Set<string>();
  const queue = [entry];
  const built = new Set<string>();
  while (queue.length) {
    const dir = queue.shift()!;
    if (built.has(dir)) continue;
    built.add(dir);
    const kustomization = `${dir}/kustomization.yaml`;
    let files: string[];
    if (tree[kustomization] === undefined) files = filesBelow(tree, dir);
    else {
      reached.add(kustomization);
      const k = parse(tree[kustomization]!) as {
        resources?: string[];
        configurations?: string[];
        configMapGenerator?: { files: string[] }[];
      };
      files = (k.resources ?? []).map((r) => posix.join(dir, r));
      for (const c of k.configurations ?? []) reached.add(posix.join(dir, c));
      for (const g of k.configMapGenerator ?? []) for (const f of g.files) reached.add(posix.join(dir, f.split("=").pop()!));
    }
    for (const file of files) {
      expect(tree[file], `${file}, listed by ${dir}, exists`).toBeDefined();
      reached.add(file);
      for (const object of parseDocuments(tree[file]!, file) as Manifest[]) {
        if (object.kind === "Kustomization" && object.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/")) {
          queue.push(posix.normalize((object.spec as { path: string }).path));
        }
      }
    }
  }
  return reached;
}

describe.each(Object.keys(SCENARIOS))("flux repository, scenario %s", (name) => {
  it("holds only valid objects of GA APIs, namespaced ones with an explicit namespace", () => {
    const tree = flux.get(name)!;
    const files = Object.keys(tree).filter((p) => /^(clusters|envs)\//.test(p) && !p.endsWith("/values.yaml") && !isKustomizeFile(p));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      for (const object of manifestsOf(tree, file)) {
        expect(object.apiVersion, file).not.toMatch(/alpha|beta/);
        if (!["StorageClass", "PersistentVolume"].includes(object.kind)) expect(object.metadata.namespace, `${file} ${object.kind}`).toBe("flux-system");
      }
    }
  });

  it("builds every kustomization with kubectl; the values ConfigMaps are the values files, base first", () => {
    const tree = flux.get(name)!;
    const root = materialize(tree);
    const kustomizations = Object.keys(tree).filter((p) => p.endsWith("/kustomization.yaml"));
    expect(kustomizations).toContain(`envs/${name}/flux/kustomization.yaml`);
    for (const file of kustomizations) expect(kustomize(root, posix.dirname(file)).length, file).toBeGreaterThan(0);

    const objects = kustomize(root, `envs/${name}/flux`);
    const release = objects.find((o) => o.kind === "HelmRelease")!;
    const valuesFrom = (release.spec as { valuesFrom: { kind: string; name: string }[] }).valuesFrom;
    const configMaps = valuesFrom.map((ref) => objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name));
    expect(configMaps.map((c) => (c?.data as Record<string, string> | undefined)?.["values.yaml"])).toEqual([
      tree["values/base.yaml"],
      tree[`envs/${name}/values.yaml`],
    ]);
    for (const c of configMaps) expect(c!.metadata.name).toMatch(/-[a-z0-9]{10}$/);

    // The cluster folder has no kustomization.yaml; build it the way kustomize-controller does.
    const cluster = `clusters/${CLUSTER}`;
    expect(tree[`${cluster}/kustomization.yaml`]).toBeUndefined();
    const resources = filesBelow(tree, cluster).map((p) => posix.relative(cluster, p));
    writeFileSync(join(root, cluster, "kustomization.yaml"), `resources:\n${resources.map((r) => `- ${r}\n`).join("")}`);
    const hasStorage = kustomizations.includes(`envs/${name}/manifests/kustomization.yaml`);
    expect(kustomize(root, cluster).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        "GitRepository/gitops-redis",
        "Kustomization/gitops-redis",
        `Kustomization/redis-${name}`,
        ...(hasStorage ? [`Kustomization/redis-${name}-storage`] : []),
      ].sort(),
    );
  });

  it("reaches every deployable file from the cluster's sync file, storage before the release", () => {
    const tree = flux.get(name)!;
    const [source, entry] = manifestsOf(tree, `clusters/${CLUSTER}/gitops-redis-sync.yaml`);
    expect(source!.kind).toBe("GitRepository");
    const entryPath = posix.normalize((entry!.spec as { path: string }).path);
    expect(entryPath).toBe(`clusters/${CLUSTER}`);
    const reached = reachable(tree, entryPath);
    expect(Object.keys(tree).filter((p) => !reached.has(p) && !NOT_DEPLOYED.includes(p))).toEqual([]);

    const kustomizations = manifestsOf(tree, `clusters/${CLUSTER}/redis-${name}.yaml`);
    const release = kustomizations.find((k) => k.metadata.name === `redis-${name}`)!;
    const storage = kustomizations.find((k) => k.metadata.name === `redis-${name}-storage`);
    const hasStorage = Object.keys(tree).some((p) => p.startsWith(`envs/${name}/manifests/`));
    expect(Boolean(storage)).toBe(hasStorage);
    for (const k of kustomizations) expect(k.spec).toMatchObject({ prune: true, wait: true });
    expect((release.spec as { dependsOn?: unknown }).dependsOn).toEqual(
      hasStorage ? [{ name: `redis-${name}-storage`, namespace: "flux-system" }] : undefined,
    );
  });

  it("deploys the same Redis as the Argo CD repository for the same settings", () => {
    const f = flux.get(name)!;
    const a = argocd.get(name)!;
    for (const path of ["values/base.yaml", `envs/${name}/values.yaml`]) expect(f[path], path).toBe(a[path]);

    const withoutWave = (m: Manifest) => {
      const { annotations, ...metadata } = m.metadata as { annotations?: Record<string, string> };
      const { "argocd.argoproj.io/sync-wave": _wave, ...rest } = annotations ?? {};
      return { ...m, metadata: Object.keys(rest).length ? { ...metadata, annotations: rest } : metadata };
    };
    const storageFiles = Object.keys(a).filter((p) => p.startsWith(`envs/${name}/manifests/`));
    expect(storageFiles).toEqual(Object.keys(f).filter((p) => p.startsWith(`envs/${name}/manifests/`) && !isKustomizeFile(p)));
    for (const path of storageFiles) expect(manifestsOf(f, path), path).toEqual(manifestsOf(a, path).map(withoutWave));

    const [app] = manifestsOf(a, `argocd/environments/${name}.yaml`);
    const chartSource = (app!.spec as { sources: Record<string, unknown>[] }).sources[0] as {
      repoURL: string;
      chart: string;
      targetRevision: string;
      helm: { releaseName: string; valueFiles: string[] };
    };
    const destination = (app!.spec as { destination: { namespace: string } }).destination;
    const [release] = manifestsOf(f, `envs/${name}/flux/helmrelease.yaml`);
    const [oci] = manifestsOf(f, `envs/${name}/flux/source.yaml`);
    expect(release!.spec).toMatchObject({
      releaseName: chartSource.helm.releaseName,
      targetNamespace: destination.namespace,
      chartRef: { kind: "OCIRepository", name: oci!.metadata.name },
    });
    expect(oci!.spec).toMatchObject({
      url: `oci://${chartSource.repoURL}/${chartSource.chart}`,
      ref: { tag: chartSource.targetRevision },
    });
    const generators = (parse(f[`envs/${name}/flux/kustomization.yaml`]!) as { configMapGenerator: { name: string; files: string[] }[] })
      .configMapGenerator;
    const valuesFromFiles = (release!.spec as { valuesFrom: { name: string }[] }).valuesFrom.map((ref) => {
      const generator = generators.find((g) => g.name === ref.name)!;
      return posix.join(`envs/${name}/flux`, generator.files[0]!.split("=")[1]!);
    });
    expect(valuesFromFiles).toEqual(chartSource.helm.valueFiles.map((v) => v.replace(/^\$values\//, "")));
  });
});
