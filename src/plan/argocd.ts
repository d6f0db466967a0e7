/** Argo CD objects: the root Application, one Application per environment, the chart repository Secret. Pure. */
import { IN_CLUSTER, type EnvironmentSpec, type RepoConfig } from "../model.js";
import { baseValuesFileFor, chartFor } from "./charts.js";
import {
  ARGOCD_APPS_DIR,
  LABEL_ENVIRONMENT,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  ROOT_APP_NAME,
  applicationName,
  envManifestsDir,
  envValuesFile,
  releaseName,
} from "../layout.js";

/** Argo CD wants OCI Helm repositories without the scheme (`registry-1.docker.io/bitnamicharts`). */
export function argoChartRepoUrl(repository: string): string {
  return repository.replace(/^oci:\/\//, "");
}

export const isOciRepository = (repository: string): boolean => repository.startsWith("oci://");

const FINALIZER = "resources-finalizer.argocd.argoproj.io";

export function rootApplication(config: RepoConfig): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: ROOT_APP_NAME,
      namespace: config.argocd.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY },
    },
    spec: {
      project: config.argocd.project,
      source: {
        repoURL: config.repoUrl,
        targetRevision: config.defaultBranch,
        path: ARGOCD_APPS_DIR,
        directory: { recurse: true },
      },
      destination: { server: IN_CLUSTER, namespace: config.argocd.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

export function chartRepositorySecret(config: RepoConfig): Record<string, unknown> | undefined {
  if (!isOciRepository(config.chart.repository)) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "gitops-redis-chart-repository",
      namespace: config.argocd.namespace,
      labels: { "argocd.argoproj.io/secret-type": "repository", [LABEL_MANAGED_BY]: MANAGED_BY },
    },
    // A public registry needs no credentials; the Secret only tells Argo CD to speak OCI to it.
    stringData: {
      name: "bitnamicharts",
      type: "helm",
      url: argoChartRepoUrl(config.chart.repository),
      enableOCI: "true",
    },
  };
}

export function environmentApplication(
  config: RepoConfig,
  env: EnvironmentSpec,
  hasManifests: boolean,
): Record<string, unknown> {
  const chart = chartFor(config, env);
  const sources: Record<string, unknown>[] = [
    {
      repoURL: argoChartRepoUrl(chart.repository),
      chart: chart.name,
      targetRevision: chart.version,
      helm: {
        releaseName: releaseName(env.name),
        valueFiles: [`$values/${baseValuesFileFor(env)}`, `$values/${envValuesFile(env.name)}`],
      },
    },
    { repoURL: config.repoUrl, targetRevision: config.defaultBranch, ref: "values" },
  ];
  if (hasManifests) {
    // Same Application as the chart, so sync waves order storage before the StatefulSets (FACTS §9).
    sources.push({ repoURL: config.repoUrl, targetRevision: config.defaultBranch, path: envManifestsDir(env.name) });
  }
  const syncPolicy: Record<string, unknown> = {};
  if (env.syncPolicy.automated) syncPolicy.automated = { prune: env.syncPolicy.prune, selfHeal: env.syncPolicy.selfHeal };
  syncPolicy.syncOptions = ["CreateNamespace=true"];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: applicationName(env.name),
      namespace: config.argocd.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_ENVIRONMENT]: env.name },
      finalizers: [FINALIZER],
    },
    spec: {
      project: config.argocd.project,
      sources,
      destination: { server: env.cluster, namespace: env.namespace },
      syncPolicy,
    },
  };
}
