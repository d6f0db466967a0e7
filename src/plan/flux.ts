/**
 * Flux objects: per cluster the GitRepository of this repository and the Kustomization that applies the cluster's
 * folder; per environment a Kustomization for its storage and one for its release, the chart source, the
 * HelmRelease and the Kustomize files that turn the values files into ConfigMaps. Pure.
 */
import { baseValuesFileFor, chartFor } from "./charts.js";
import { posix } from "node:path";
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import {
  FLUX_NAMESPACE,
  FLUX_SOURCE_NAME,
  LABEL_ENVIRONMENT,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  SYNC_WAVE,
  applicationName,
  envManifestFile,
  envManifestsDir,
  envValuesFile,
  fluxBaseValuesName,
  fluxClusterDir,
  fluxReleaseDir,
  fluxReleaseFile,
  fluxStorageKustomizationName,
  fluxValuesName,
  releaseName,
  type EnvManifestName,
} from "../layout.js";
import { isOciRepository } from "./argocd.js";

const KUSTOMIZE_API = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" } as const;
const FLUX_KUSTOMIZATION = { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization" } as const;
/** Media type of the chart layer in a Helm OCI artifact; `copy` keeps the .tgz as helm-controller expects it. */
const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/** Retries before helm-controller gives up on a failed install or upgrade (then it waits for the next change). */
const REMEDIATION_RETRIES = 3;
const INTERVAL = "10m";

const sourceRef = { kind: "GitRepository", name: FLUX_SOURCE_NAME, namespace: FLUX_NAMESPACE };

function metadata(name: string, env?: string): Record<string, unknown> {
  const labels: Record<string, string> = { [LABEL_MANAGED_BY]: MANAGED_BY };
  if (env !== undefined) labels[LABEL_ENVIRONMENT] = env;
  // An explicit namespace on every namespaced object: Renovate's flux manager and `flux build` both rely on it.
  return { name, namespace: FLUX_NAMESPACE, labels };
}

/** `./envs/prod/flux`: Flux Kustomization paths are relative to the repository root. */
const repoPath = (path: string): string => `./${path}`;

/** Flux clones with go-git, which takes ssh:// URLs but not scp-like `git@host:owner/repo.git`. */
export function fluxGitUrl(url: string): string {
  const scp = /^([^@/:\s]+)@([^:/\s]+):(?!\/)(.+)$/.exec(url);
  return scp ? `ssh://${scp[1]}@${scp[2]}/${scp[3]}` : url;
}

/** An ssh:// clone always needs a key; https:// clones are taken as public (a private one: use an ssh remote). */
export const fluxGitNeedsSecret = (url: string): boolean => fluxGitUrl(url).startsWith("ssh://");

/** Applied once per cluster by hand; from then on Flux keeps both objects in line with this file. */
export function clusterSync(config: RepoConfig, cluster: string): Record<string, unknown>[] {
  const url = fluxGitUrl(config.repoUrl);
  return [
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: metadata(FLUX_SOURCE_NAME),
      spec: {
        interval: "1m",
        url,
        ref: { branch: config.defaultBranch },
        // The deploy key Secret is made once per cluster with `flux create secret git` (see the generated README).
        ...(fluxGitNeedsSecret(url) ? { secretRef: { name: FLUX_SOURCE_NAME } } : {}),
      },
    },
    {
      ...FLUX_KUSTOMIZATION,
      metadata: metadata(FLUX_SOURCE_NAME),
      spec: { interval: INTERVAL, path: repoPath(fluxClusterDir(cluster)), prune: true, sourceRef },
    },
  ];
}

/**
 * The environment's Flux Kustomizations: storage first, then the release, which waits for the storage objects
 * (`dependsOn` + `wait`) the way Argo CD's sync wave -1 does.
 */
export function environmentKustomizations(env: EnvironmentSpec, hasManifests: boolean): Record<string, unknown>[] {
  const kustomization = (name: string, path: string, timeout: string, dependsOn?: string): Record<string, unknown> => ({
    ...FLUX_KUSTOMIZATION,
    metadata: metadata(name, env.name),
    spec: {
      interval: INTERVAL,
      ...(dependsOn ? { dependsOn: [{ name: dependsOn, namespace: FLUX_NAMESPACE }] } : {}),
      sourceRef,
      path: repoPath(path),
      prune: true,
      wait: true,
      timeout,
      // Argo CD's manual sync: nothing is applied until `flux resume kustomization <name>`.
      ...(env.syncPolicy.automated ? {} : { suspend: true }),
    },
  });
  const storageName = fluxStorageKustomizationName(env.name);
  // A first install pulls images and binds volumes; the release gets longer than helm-controller's own 5m.
  const release = kustomization(applicationName(env.name), fluxReleaseDir(env.name), "15m", hasManifests ? storageName : undefined);
  return hasManifests ? [kustomization(storageName, envManifestsDir(env.name), "5m"), release] : [release];
}

/** OCIRepository for oci:// chart repositories (the default), HelmRepository for classic https ones. */
export function chartSource(config: RepoConfig, env: EnvironmentSpec): Record<string, unknown> {
  const chart = chartFor(config, env);
  if (isOciRepository(chart.repository)) {
    return {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "OCIRepository",
      metadata: metadata(applicationName(env.name), env.name),
      spec: {
        interval: INTERVAL,
        url: `${chart.repository}/${chart.name}`,
        ref: { tag: chart.version },
        layerSelector: { mediaType: HELM_CHART_LAYER, operation: "copy" },
      },
    };
  }
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmRepository",
    metadata: metadata(applicationName(env.name), env.name),
    spec: { interval: "1h", url: chart.repository },
  };
}

export function helmRelease(config: RepoConfig, env: EnvironmentSpec): Record<string, unknown> {
  const name = applicationName(env.name);
  const pinned = chartFor(config, env);
  const chart = isOciRepository(pinned.repository)
    ? { chartRef: { kind: "OCIRepository", name, namespace: FLUX_NAMESPACE } }
    : {
        chart: {
          spec: {
            chart: pinned.name,
            version: pinned.version,
            sourceRef: { kind: "HelmRepository", name, namespace: FLUX_NAMESPACE },
            interval: INTERVAL,
          },
        },
      };
  const spec: Record<string, unknown> = {
    interval: INTERVAL,
    // Same release name as the Argo CD rendering, so Services and DNS names match.
    releaseName: releaseName(env.name),
    ...chart,
    targetNamespace: env.namespace,
    // Helm's release records live beside the release, so `helm list -n <namespace>` shows it.
    storageNamespace: env.namespace,
    install: { createNamespace: true, remediation: { retries: REMEDIATION_RETRIES } },
    upgrade: { remediation: { retries: REMEDIATION_RETRIES } },
  };
  if (env.syncPolicy.selfHeal) spec.driftDetection = { mode: "enabled" };
  // Base first, then the environment: later entries win, as with Argo CD's valueFiles.
  spec.valuesFrom = [
    { kind: "ConfigMap", name: fluxBaseValuesName(env.name) },
    { kind: "ConfigMap", name: fluxValuesName(env.name) },
  ];
  return { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: metadata(name, env.name), spec };
}

/** Paths in a kustomization.yaml are relative to its folder. */
const relativeTo = (dir: string, path: string): string => posix.relative(dir, path);

/**
 * Kustomize turns the two values files into ConfigMaps whose names carry a hash of their content, so every values
 * change is a new name in the HelmRelease and therefore an upgrade. Flux builds with files allowed from anywhere
 * in the repository (not only below this folder), which is what lets both ConfigMaps come from the shared files.
 */
export function releaseKustomization(env: EnvironmentSpec): Record<string, unknown> {
  const dir = fluxReleaseDir(env.name);
  const generator = (name: string, file: string) => ({
    name,
    namespace: FLUX_NAMESPACE,
    files: [`values.yaml=${relativeTo(dir, file)}`],
  });
  return {
    ...KUSTOMIZE_API,
    resources: [relativeTo(dir, fluxReleaseFile(env.name, "source")), relativeTo(dir, fluxReleaseFile(env.name, "helmrelease"))],
    configMapGenerator: [
      generator(fluxBaseValuesName(env.name), baseValuesFileFor(env)),
      generator(fluxValuesName(env.name), envValuesFile(env.name)),
    ],
    generatorOptions: { labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_ENVIRONMENT]: env.name } },
    configurations: [relativeTo(dir, fluxReleaseFile(env.name, "kustomizeconfig"))],
  };
}

/** Teaches Kustomize that HelmRelease `spec.valuesFrom[].name` names a ConfigMap, so it follows the hashed name. */
export function kustomizeNameReference(): Record<string, unknown> {
  return {
    nameReference: [{ kind: "ConfigMap", version: "v1", fieldSpecs: [{ path: "spec/valuesFrom/name", kind: "HelmRelease" }] }],
  };
}

export function manifestsKustomization(env: EnvironmentSpec, names: readonly EnvManifestName[]): Record<string, unknown> {
  const dir = envManifestsDir(env.name);
  return { ...KUSTOMIZE_API, resources: names.map((name) => relativeTo(dir, envManifestFile(env.name, name))) };
}

/** Flux orders by dependsOn, not by Argo CD's sync-wave annotation: the same objects, without it. */
export function withoutSyncWave(object: Record<string, unknown>): Record<string, unknown> {
  const meta = object.metadata as Record<string, unknown> | undefined;
  const annotations = meta?.annotations as Record<string, string> | undefined;
  if (!meta || !annotations || !(SYNC_WAVE in annotations)) return object;
  const { [SYNC_WAVE]: _wave, ...rest } = annotations;
  const { annotations: _old, ...metaRest } = meta;
  return { ...object, metadata: Object.keys(rest).length ? { ...metaRest, annotations: rest } : metaRest };
}
