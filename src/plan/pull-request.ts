/** Title, body, labels and marker of an environment's pull request. Pure. */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import { releaseName } from "../layout.js";
import { connectionNotes } from "./environment.js";
import { chartFor } from "./charts.js";
import { environmentWarnings, secretNotes } from "./notes.js";

function warningsSection(config: RepoConfig, env: EnvironmentSpec): string[] {
  const warnings = environmentWarnings(config, env);
  return warnings.length ? ["### Warnings", ...warnings.map((w) => `- :warning: ${w}`), ""] : [];
}

export interface PullRequestText {
  title: string;
  body: string;
  labels: string[];
  marker: string;
}

const code = (text: string | number): string => `\`${String(text).replace(/`/g, "'")}\``;

function topologyDetail(env: EnvironmentSpec): string {
  switch (env.topology) {
    case "replication":
      return `replication, master + ${env.replicas} replica(s)`;
    case "sentinel":
      return `sentinel, ${env.replicas} nodes, quorum ${env.sentinel?.quorum}, master set ${code(env.sentinel?.masterSet ?? "mymaster")}`;
    case "cluster":
      return `Redis Cluster, ${env.redisCluster?.nodes} nodes, ${env.redisCluster?.replicas} replica(s) per master`;
    default:
      return "standalone";
  }
}

function imagesDetail(env: EnvironmentSpec): string {
  const parts: string[] = [];
  if (env.images.registry) parts.push(`registry ${code(env.images.registry)}`);
  if (env.images.repositoryPrefix) parts.push(`repository prefix ${code(env.images.repositoryPrefix)}`);
  if (env.images.bitnamiLegacy) parts.push(code("docker.io/bitnamilegacy"));
  return parts.join(", ") || "chart default";
}

function authDetail(env: EnvironmentSpec): string {
  const { auth } = env;
  if (auth.mode === "none") return "**off** (--insecure-no-auth)";
  const secret = `Secret ${code(auth.existingSecret)} key ${code(auth.passwordKey)}`;
  if (auth.mode === "sealed-secret") return `SealedSecret → ${secret}`;
  if (auth.mode === "external-secret") return `ExternalSecret from ${code(auth.store)} → ${secret}`;
  return `existing ${secret}`;
}

function settingsTable(config: RepoConfig, env: EnvironmentSpec): string {
  const { storage } = env;
  const storageDetail = [
    storage.kind === "existing" ? `existing class ${code(storage.className)}` : `${storage.kind}, class ${code(storage.className)}`,
  ];
  if (storage.basePath) storageDetail.push(`base path ${code(storage.basePath)}`);
  if (storage.nfs) storageDetail.push(`server ${code(storage.nfs.server)}`, `path ${code(storage.nfs.path)}`, storage.nfs.provisioner);
  if (storage.volumes) storageDetail.push(storage.volumes.map((v) => code(`${v.node}=${v.path}`)).join(", "));
  if (storage.kind !== "existing") storageDetail.push(`reclaim ${storage.reclaimPolicy}`);
  const exposure = env.expose.type === "NodePort" ? `NodePort ${code(env.expose.nodePort)}` : env.expose.type;
  const sync = env.syncPolicy.automated
    ? `automated, prune ${env.syncPolicy.prune ? "on" : "off"}, self-heal ${env.syncPolicy.selfHeal ? "on" : "off"}`
    : "manual";
  const chart = chartFor(config, env);
  const rows: Array<[string, string]> = [
    ["chart", `${code(chart.name)} ${code(chart.version)} from ${code(chart.repository)}`],
    ["release", code(releaseName(env.name))],
    ["namespace", code(env.namespace)],
    ["cluster", code(env.cluster)],
    ["topology", topologyDetail(env)],
    ["volume size", env.size.master === env.size.replica ? code(env.size.master) : `master ${code(env.size.master)}, replicas ${code(env.size.replica)}`],
    ["storage", storageDetail.join(", ")],
    ["exposure", exposure],
    ["images", imagesDetail(env)],
    ["password", authDetail(env)],
    ["TLS", env.tls.mode === "existing-secret" ? `Secret ${code(env.tls.secret)}` : env.tls.mode],
    ["metrics", env.metrics.enabled ? (env.metrics.serviceMonitor ? "on, ServiceMonitor" : "on") : "off"],
    ["preset", env.preset ? code(env.preset) : "none"],
    ["sync", sync],
  ];
  return ["| setting | value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

/** Shell commands among the notes go in code blocks so they can be copied whole. */
function noteLines(notes: readonly string[]): string[] {
  return notes.map((note) => (/^(kubectl|openssl|redis-cli) /.test(note) ? `\n   \`\`\`sh\n   ${note}\n   \`\`\`` : note));
}

function storagePrerequisite(env: EnvironmentSpec): string {
  switch (env.storage.kind) {
    case "openebs-hostpath":
      return `OpenEBS LocalPV hostpath must be installed (provisioner \`openebs.io/local\`); \`${env.storage.basePath}\` is created on the node that runs each pod.`;
    case "nfs":
      return `The NFS provisioner (${env.storage.nfs?.provisioner}) must be installed and \`${env.storage.nfs?.server}:${env.storage.nfs?.path}\` reachable from every node.`;
    case "local":
      return `Create the directories on the nodes first: ${(env.storage.volumes ?? []).map((v) => `\`${v.node}:${v.path}\``).join(", ")}.`;
    default:
      return `The StorageClass \`${env.storage.className}\` must already exist in the cluster (\`kubectl get storageclass ${env.storage.className}\`).`;
  }
}

function followUps(env: EnvironmentSpec): string[] {
  const steps: string[] = [];
  const secret = secretNotes(env);
  if (secret.length) steps.push(`Password: ${noteLines(secret).join(" ")}`);
  steps.push(storagePrerequisite(env));
  if (env.storage.reclaimPolicy === "Retain" && env.storage.kind !== "existing") {
    steps.push("Volumes use reclaim policy `Retain`: removing the environment later keeps the data and the PersistentVolumes until you delete them.");
  }
  return steps;
}

export function pullRequestText(
  action: "add-env" | "set",
  config: RepoConfig,
  env: EnvironmentSpec,
  title: string,
  changes: ReadonlyMap<string, string | null>,
  current: ReadonlyMap<string, string>,
  branch: string,
  /** "What changes": the effective values diff and validate's risk list, Markdown (see src/validate/markdown.ts). */
  whatChanges = "",
): PullRequestText {
  const files = [...changes.keys()].sort().map((path) => {
    const sign = changes.get(path) === null ? "deleted" : current.has(path) ? "changed" : "added";
    return `- ${code(path)} (${sign})`;
  });
  const body = [
    `## Redis environment ${code(env.name)}: ${action === "add-env" ? "new" : "changed"}`,
    "",
    `Merging this pull request lets ${config.controller === "flux" ? "Flux" : "Argo CD"} sync ${code(env.name)} from ${code(config.defaultBranch)}.`,
    "",
    ...(whatChanges ? ["### What changes", "", whatChanges.trim(), ""] : []),
    "### Settings",
    "",
    settingsTable(config, env),
    "",
    "### Files",
    ...files,
    "",
    "### Connect",
    ...connectionNotes(env).map((note) => `- \`${note}\``),
    "",
    ...warningsSection(config, env),
    "### Before and after merging",
    ...followUps(env).map((step, i) => `${i + 1}. ${step}`),
    "",
    `_Opened by gitops-redis from branch ${code(branch)}; re-running the same command updates this pull request._`,
  ].join("\n");
  return {
    title,
    body,
    labels: ["gitops-redis", `env:${env.name}`],
    marker: `<!-- gitops-redis:branch=${branch} -->`,
  };
}
