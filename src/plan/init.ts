/** Plans the files `gitops-redis init` writes. Pure. */
import type { RepoConfig } from "../model.js";
import {
  ARGOCD_CHART_REPO_SECRET,
  ARGOCD_ROOT_APP,
  BASE_VALUES_FILE,
  CONFIG_FILE,
  GITIGNORE,
  REPO_README,
  VALIDATE_WORKFLOW,
} from "../layout.js";
import { configToData } from "../config/serialize.js";
import { renderBlueprint } from "../render/blueprints.js";
import { toYaml } from "../yaml.js";
import { chartRepositorySecret, rootApplication } from "./argocd.js";

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
  files.set(BASE_VALUES_FILE, renderBlueprint("base-values.yaml.ejs", { chart: config.chart.name, when: "at init", body: toYaml(baseValues()) }));
  files.set(
    REPO_README,
    renderBlueprint("repo-readme.md.ejs", {
      controllerTitle: "Argo CD",
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
  files.set(ARGOCD_ROOT_APP, generated(toYaml(rootApplication(config))));
  const secret = chartRepositorySecret(config);
  if (secret) files.set(ARGOCD_CHART_REPO_SECRET, generated(toYaml(secret)));
  return files;
}
