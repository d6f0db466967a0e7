/** What a reviewer and the user need beside the diff: how the password gets there, and what to watch out for. Pure. */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import { envManifestFile } from "../layout.js";
import { chartFor } from "./charts.js";
import { imageWarnings } from "./images.js";

/** Steps that put the password Secret in place, per auth mode; never a password itself. */
export function secretNotes(env: EnvironmentSpec): string[] {
  const auth = env.auth;
  switch (auth.mode) {
    case "none":
      return [];
    case "existing-secret":
      return [
        `create Secret ${auth.existingSecret} (key ${auth.passwordKey}) in namespace ${env.namespace} before the first sync:`,
        `kubectl create namespace ${env.namespace} --dry-run=client -o yaml | kubectl apply -f - && ` +
          `kubectl create secret generic ${auth.existingSecret} -n ${env.namespace} --from-literal=${auth.passwordKey}="$(openssl rand -base64 24)"`,
      ];
    case "sealed-secret": {
      const file = envManifestFile(env.name, "sealedsecret");
      return [
        `fill ${file} with kubeseal before merging (its encrypted value is empty):`,
        `openssl rand -base64 24 | tr -d '\\n' | kubectl create secret generic ${auth.existingSecret} -n ${env.namespace} ` +
          `--from-file=${auth.passwordKey}=/dev/stdin --dry-run=client -o yaml | kubeseal --format yaml --merge-into ${file}`,
      ];
    }
    case "external-secret":
      return [
        `store the password under key ${auth.remoteKey} in the backend of ClusterSecretStore ${auth.store}; ` +
          `External Secrets Operator then writes Secret ${auth.existingSecret} (key ${auth.passwordKey}) in ${env.namespace}`,
      ];
  }
}

export function environmentWarnings(config: Pick<RepoConfig, "chart" | "clusterChart" | "controller">, env: EnvironmentSpec): string[] {
  const warnings = [...imageWarnings(env, chartFor(config, env))];
  if (env.auth.mode === "none") warnings.push("authentication is off (--insecure-no-auth): anyone who reaches the Service can read and write");
  if (env.tls.mode === "auto") {
    const when =
      config.controller === "flux"
        ? "Flux renders on every upgrade, so each change of values or chart issues new ones (clients that pinned the old CA fail)"
        : "Argo CD renders on every refresh, so they change each time (OutOfSync, rotating certificates)";
    warnings.push(`--tls auto: the chart generates certificates while rendering; ${when}. Prefer --tls existing-secret:<name> with cert-manager`);
  }
  if (env.metrics.serviceMonitor) warnings.push("--metrics servicemonitor needs the Prometheus Operator CRDs (monitoring.coreos.com) in the cluster");
  if (env.topology === "cluster" && env.expose.type !== "ClusterIP") {
    warnings.push("a Redis Cluster answers with MOVED redirects to pod IPs, so clients outside the cluster cannot follow them through one Service");
  }
  return warnings;
}
