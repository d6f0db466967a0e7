/** Plans the files `gitops-redis init` writes. Pure. */
import {
  CONTROLLER_TITLES,
  DEFAULT_CHART_REPOSITORY,
  DEFAULT_CLUSTER_CHART_NAME,
  DEFAULT_CLUSTER_CHART_VERSION,
  DEFAULT_FLUX_CLUSTER,
  type RepoConfig,
} from "../model.js";
import {
  ARGOCD_CHART_REPO_SECRET,
  ARGOCD_ROOT_APP,
  BASE_VALUES_FILE,
  CONFIG_FILE,
  GITIGNORE,
  configSchemaUrl,
  RENOVATE_CONFIG,
  REPO_README,
  VALIDATE_WORKFLOW,
  fluxSyncFile,
} from "../layout.js";
import { configToData } from "../config/serialize.js";
import { renderBlueprint } from "../render/blueprints.js";
import { toYaml } from "../yaml.js";
import { chartRepositorySecret, rootApplication } from "./argocd.js";
import { fluxGitNeedsSecret, fluxGitUrl } from "./flux.js";

/** Values every environment shares; kept small so they hold for every pinned chart version. */
export function baseValues(): Record<string, unknown> {
  return {
    auth: { enabled: true },
    networkPolicy: { enabled: true },
  };
}

/** The same shared values for bitnami/redis-cluster, whose auth key is `usePassword`. */
export function clusterBaseValues(): Record<string, unknown> {
  return {
    usePassword: true,
    networkPolicy: { enabled: true },
  };
}

/** Pinned tools of the generated CI; actions by full commit SHA (tag in the comment), so a moved tag changes nothing. */
export const CI_PINS = {
  checkout: "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
  setupNode: "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020",
  setupHelm: "azure/setup-helm@b9e51907a09c216f16ebe8536097933489208112",
  helm: "v3.16.4",
  kubeconform: "v0.6.7",
  node: "20",
} as const;

/** The release each pinned SHA is, written beside it in the workflow so a reviewer (and Renovate) can read it. */
export const ACTION_TAGS: Record<string, string> = {
  [CI_PINS.checkout]: "v4.2.2",
  [CI_PINS.setupNode]: "v4.4.0",
  [CI_PINS.setupHelm]: "v4.3.0",
};

export function workflowText(workflow: Record<string, unknown>): string {
  return toYaml(workflow).replace(/^(\s*- uses: )(\S+)$/gm, (line, prefix: string, action: string) =>
    ACTION_TAGS[action] ? `${prefix}${action} # ${ACTION_TAGS[action]}` : line,
  );
}

// Every environment renders through the chart it deploys: clusterChart for topology cluster, else chart, with the
// defaults gitops-redis.yaml's reader applies; each chart is pulled once. Environment names are DNS labels, so they
// are safe inside the yq expressions.
const RENDER_SCRIPT = `set -euo pipefail
mkdir -p "$RUNNER_TEMP/bin" "$RUNNER_TEMP/chart"
curl -sSfL "https://github.com/yannh/kubeconform/releases/download/$KUBECONFORM_VERSION/kubeconform-linux-amd64.tar.gz" | tar -xz -C "$RUNNER_TEMP/bin" kubeconform
for env in $(yq '.environments | keys | .[]' gitops-redis.yaml); do
  echo "::group::$env"
  if [ "$(yq ".environments.\\"$env\\".topology" gitops-redis.yaml)" = cluster ]; then
    repo=$(yq '.clusterChart.repository // .chart.repository // "${DEFAULT_CHART_REPOSITORY}"' gitops-redis.yaml)
    name=$(yq '.clusterChart.name // "${DEFAULT_CLUSTER_CHART_NAME}"' gitops-redis.yaml)
    version=$(yq '.clusterChart.version // "${DEFAULT_CLUSTER_CHART_VERSION}"' gitops-redis.yaml)
  else
    repo=$(yq '.chart.repository // "${DEFAULT_CHART_REPOSITORY}"' gitops-redis.yaml)
    name=$(yq '.chart.name // "redis"' gitops-redis.yaml)
    version=$(yq '.chart.version' gitops-redis.yaml)
  fi
  tgz="$RUNNER_TEMP/chart/$name-$version.tgz"
  if [ ! -f "$tgz" ]; then
    case "$repo" in
      oci://*) helm pull "$repo/$name" --version "$version" -d "$RUNNER_TEMP/chart" ;;
      *) helm pull "$name" --repo "$repo" --version "$version" -d "$RUNNER_TEMP/chart" ;;
    esac
  fi
  npx --yes "gitops-redis@$GITOPS_REDIS_VERSION" render "$env" --chart "$tgz" > "$RUNNER_TEMP/$env.yaml"
  "$RUNNER_TEMP/bin/kubeconform" -strict -summary -ignore-missing-schemas "$RUNNER_TEMP/$env.yaml"
  echo "::endgroup::"
done
`;

/**
 * CI of the generated repository: the same offline checks as `gitops-redis validate` on every pull request, then
 * each environment rendered through the pinned chart with a pinned helm and checked by kubeconform. No secrets.
 */
export function validateWorkflow(config: Pick<RepoConfig, "defaultBranch">, toolVersion: string): Record<string, unknown> {
  return {
    name: "validate",
    on: { pull_request: {}, push: { branches: [config.defaultBranch] } },
    permissions: { contents: "read" },
    env: { GITOPS_REDIS_VERSION: toolVersion, HELM_VERSION: CI_PINS.helm, KUBECONFORM_VERSION: CI_PINS.kubeconform },
    jobs: {
      validate: {
        "runs-on": "ubuntu-24.04",
        steps: [
          // Full history, so validate can compare with the target branch (data-safety risks).
          { uses: CI_PINS.checkout, with: { "fetch-depth": 0 } },
          { uses: CI_PINS.setupNode, with: { "node-version": CI_PINS.node } },
          {
            name: "gitops-redis validate",
            env: { BASE_REF: "${{ github.base_ref || github.event.repository.default_branch }}" },
            run: 'npx --yes "gitops-redis@$GITOPS_REDIS_VERSION" validate . --base "origin/$BASE_REF"',
          },
          { uses: CI_PINS.setupHelm, with: { version: "${{ env.HELM_VERSION }}" } },
          { name: "helm template and kubeconform, per environment", run: RENDER_SCRIPT },
        ],
      },
    },
  };
}

/** Renovate: chart bumps in Argo CD Applications, Flux sources and HelmReleases, image tags in values files. */
export function renovateConfig(): Record<string, unknown> {
  return {
    $schema: "https://docs.renovatebot.com/renovate-schema.json",
    extends: ["config:recommended"],
    argocd: { managerFilePatterns: ["/^argocd/.+\\.ya?ml$/", "/^bootstrap/.+\\.ya?ml$/"] },
    flux: { managerFilePatterns: ["/^clusters/.+\\.ya?ml$/", "/^flux/.+\\.ya?ml$/", "/^envs/[^/]+/.+\\.ya?ml$/"] },
    "helm-values": { managerFilePatterns: ["/^values/.+\\.ya?ml$/", "/^envs/[^/]+/values\\.ya?ml$/"] },
    packageRules: [
      {
        description: "Major chart versions carry breaking changes: review, then run gitops-redis upgrade",
        matchUpdateTypes: ["major"],
        dependencyDashboardApproval: true,
      },
    ],
  };
}

function generated(body: string): string {
  return renderBlueprint("generated.yaml.ejs", { body, regenerate: "gitops-redis init" });
}

export function planInitFiles(config: RepoConfig, toolVersion: string): Map<string, string> {
  const files = new Map<string, string>();
  // The first line points editors (yaml-language-server) at the JSON Schema of this version, for completion and checks.
  files.set(CONFIG_FILE, renderBlueprint("config.yaml.ejs", { schemaUrl: configSchemaUrl(toolVersion), body: toYaml(configToData(config)) }));
  files.set(BASE_VALUES_FILE, renderBlueprint("base-values.yaml.ejs", { chart: config.chart.name, when: "at init", body: toYaml(baseValues()) }));
  files.set(
    REPO_README,
    renderBlueprint("repo-readme.md.ejs", {
      flux: config.controller === "flux",
      controllerTitle: CONTROLLER_TITLES[config.controller],
      fluxDefaultCluster: DEFAULT_FLUX_CLUSTER,
      fluxRepoUrl: fluxGitUrl(config.repoUrl),
      fluxRepoSecret: fluxGitNeedsSecret(config.repoUrl),
      defaultBranch: config.defaultBranch,
      chartName: config.chart.name,
      chartVersion: config.chart.version,
      chartRepository: config.chart.repository,
      argocdNamespace: config.argocd.namespace,
      repoUrl: config.repoUrl,
    }),
  );
  files.set(GITIGNORE, renderBlueprint("gitignore.ejs", {}));
  files.set(VALIDATE_WORKFLOW, generated(workflowText(validateWorkflow(config, toolVersion))));
  files.set(RENOVATE_CONFIG, `${JSON.stringify(renovateConfig(), null, 2)}\n`);
  // Flux needs nothing repository-wide: each cluster folder brings its own sync file with its first environment.
  if (config.controller === "argocd") {
    files.set(ARGOCD_ROOT_APP, generated(toYaml(rootApplication(config))));
    const secret = chartRepositorySecret(config);
    if (secret) files.set(ARGOCD_CHART_REPO_SECRET, generated(toYaml(secret)));
  }
  return files;
}

/** What the user does once after init so that the controller starts deploying this repository. */
export function bootstrapHint(config: RepoConfig): string {
  return config.controller === "flux"
    ? `then, once per cluster, after the first environment is merged: kubectl apply -f ${fluxSyncFile(`<cluster>`)} (cluster ${DEFAULT_FLUX_CLUSTER} unless --cluster)`
    : `then apply ${ARGOCD_ROOT_APP} once with kubectl`;
}
