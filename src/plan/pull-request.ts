/** Title, body, labels and marker of an environment's pull request. Pure. */
import type { EnvironmentSpec, RepoConfig } from "../model.js";
import { releaseName } from "../layout.js";
import { connectionNotes } from "./environment.js";

export interface PullRequestText {
  title: string;
  body: string;
  labels: string[];
  marker: string;
}

const code = (text: string | number): string => `\`${String(text).replace(/`/g, "'")}\``;

function settingsTable(config: RepoConfig, env: EnvironmentSpec): string {
  const { storage } = env;
  const storageDetail = [
    storage.kind === "existing" ? `existing class ${code(storage.className)}` : `${storage.kind}, class ${code(storage.className)}`,
  ];
  if (storage.basePath) storageDetail.push(`base path ${code(storage.basePath)}`);
  if (storage.nfs) storageDetail.push(`server ${code(storage.nfs.server)}`, `path ${code(storage.nfs.path)}`, storage.nfs.provisioner);
  if (storage.volumes) storageDetail.push(storage.volumes.map((v) => code(`${v.node}=${v.path}`)).join(", "));
  if (storage.kind !== "existing") storageDetail.push(`reclaim ${storage.reclaimPolicy}`);
  const exposure = env.expose.type === "NodePort" ? `NodePort ${code(env.expose.nodePort)} (master)` : env.expose.type;
  const sync = env.syncPolicy.automated
    ? `automated, prune ${env.syncPolicy.prune ? "on" : "off"}, self-heal ${env.syncPolicy.selfHeal ? "on" : "off"}`
    : "manual";
  const rows: Array<[string, string]> = [
    ["chart", `${code(config.chart.name)} ${code(config.chart.version)} from ${code(config.chart.repository)}`],
    ["release", code(releaseName(env.name))],
    ["namespace", code(env.namespace)],
    ["cluster", code(env.cluster)],
    ["topology", env.topology === "replication" ? `replication, ${env.replicas} replica(s)` : "standalone"],
    ["volume size", `master ${code(env.size.master)}${env.topology === "replication" ? `, replicas ${code(env.size.replica)}` : ""}`],
    ["storage", storageDetail.join(", ")],
    ["exposure", exposure],
    ["image registry", env.imageRegistry ? code(env.imageRegistry) : "chart default (docker.io)"],
    ["password Secret", `${code(env.auth.existingSecret)} key ${code(env.auth.passwordKey)}`],
    ["preset", env.preset ? code(env.preset) : "none"],
    ["sync", sync],
  ];
  return ["| setting | value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

function followUps(env: EnvironmentSpec): string[] {
  const secret = env.auth.existingSecret;
  const steps = [
    [
      `Create the password Secret before the first sync (the password never goes into Git):`,
      "```sh",
      `kubectl create namespace ${env.namespace} --dry-run=client -o yaml | kubectl apply -f -`,
      `kubectl create secret generic ${secret} -n ${env.namespace} \\`,
      `  --from-literal=${env.auth.passwordKey}="$(openssl rand -base64 24)"`,
      "```",
      "Read it back:",
      "```sh",
      `kubectl get secret ${secret} -n ${env.namespace} -o jsonpath="{.data.${env.auth.passwordKey}}" | base64 -d`,
      "```",
    ].join("\n"),
  ];
  if (env.storage.kind === "openebs-hostpath") {
    steps.push(`OpenEBS LocalPV hostpath must be installed (provisioner \`openebs.io/local\`); \`${env.storage.basePath}\` is created on the node that runs each pod.`);
  } else if (env.storage.kind === "nfs") {
    steps.push(`The NFS provisioner (${env.storage.nfs?.provisioner}) must be installed and the export \`${env.storage.nfs?.server}:${env.storage.nfs?.path}\` reachable from every node.`);
  } else if (env.storage.kind === "local") {
    steps.push(`Create the directories on the nodes first: ${(env.storage.volumes ?? []).map((v) => `\`${v.node}:${v.path}\``).join(", ")}.`);
  } else {
    steps.push(`The StorageClass \`${env.storage.className}\` must already exist in the cluster (\`kubectl get storageclass ${env.storage.className}\`).`);
  }
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
): PullRequestText {
  const files = [...changes.keys()].sort().map((path) => {
    const sign = changes.get(path) === null ? "deleted" : current.has(path) ? "changed" : "added";
    return `- ${code(path)} (${sign})`;
  });
  const body = [
    `## Redis environment ${code(env.name)}: ${action === "add-env" ? "new" : "changed"}`,
    "",
    `Merging this pull request lets Argo CD sync ${code(env.name)} from ${code(config.defaultBranch)}.`,
    "",
    settingsTable(config, env),
    "",
    "### Files",
    ...files,
    "",
    "### Connect",
    ...connectionNotes(env).map((note) => `- ${note}`),
    "",
    "### Before and after merging",
    ...followUps(env).map((step, i) => `${i + 1}. ${step.replace(/\n/g, "\n   ")}`),
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
