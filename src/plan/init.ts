/** Plans the files `gitops-redis init` writes. Pure. */
import { CONTROLLER_TITLES, DEFAULT_FLUX_CLUSTER, type RepoConfig } from "../model.js";
import {
  ARGOCD_CHART_REPO_SECRET,
  ARGOCD_ROOT_APP,
  BASE_VALUES_FILE,
  CONFIG_FILE,
  GITIGNORE,
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

export function validateWorkflow(): Record<string, unknown> {
  return {
    name: "validate",
    on: { pull_request: {}, push: { branches: ["main"] } },
    permissions: { contents: "read" },
    jobs: {
      validate: {
        "runs-on": "ubuntu-24.04",
        steps: [
          { uses: "actions/checkout@v4" },
          {
            name: "Every YAML file parses",
            // yq ships on GitHub's Ubuntu runners.
            run: "git ls-files -z '*.yaml' '*.yml' | xargs -0 -r -n1 yq eval 'true' > /dev/null",
          },
        ],
      },
    },
  };
}

function generated(body: string): string {
  return renderBlueprint("generated.yaml.ejs", { body, regenerate: "gitops-redis init" });
}

export function planInitFiles(config: RepoConfig): Map<string, string> {
  const files = new Map<string, string>();
  files.set(CONFIG_FILE, renderBlueprint("config.yaml.ejs", { body: toYaml(configToData(config)) }));
  files.set(BASE_VALUES_FILE, renderBlueprint("base-values.yaml.ejs", { chart: config.chart.name, body: toYaml(baseValues()) }));
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
  files.set(VALIDATE_WORKFLOW, generated(toYaml(validateWorkflow())));
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
