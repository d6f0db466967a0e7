/**
 * `gitops-redis render <env>`: the manifests the controller applies for an environment, from the same plan
 * add-env and set commit. Plain render reads only the working tree; `--chart` adds `helm template` output.
 */
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { ExitCode, GitopsRedisError, UsageError } from "../errors.js";
import { readFileIfExists } from "../io/files.js";
import { CONFIG_FILE, envValuesFile, isKustomization, isNonObjectYaml, releaseName } from "../layout.js";
import { baseValuesFileFor, chartFor } from "../plan/charts.js";
import type { RepoConfig } from "../model.js";
import { configFromText } from "../config/text.js";
import { planEnvironmentFiles } from "../plan/environment.js";
import type { CommandContext } from "./context.js";

export interface RenderOptions {
  chart?: string;
  helm?: string;
}

/**
 * The files of `env` whose objects a sync applies (controller objects and manifests), path -> content, sorted: no
 * values files and no kustomize build files, so every document is a Kubernetes object (the generated CI checks
 * them with kubeconform -strict). Pure.
 */
export function renderEnvironmentFiles(config: RepoConfig, env: string, configText: string): Map<string, string> {
  const spec = config.environments[env];
  if (!spec) throw new UsageError(`environment ${env} is not in ${CONFIG_FILE}`);
  const planned = planEnvironmentFiles(config, spec, new Map([[CONFIG_FILE, configText]]));
  const out = new Map<string, string>();
  for (const [path, content] of [...planned].sort(([a], [b]) => a.localeCompare(b))) {
    if (content === null || isNonObjectYaml(path) || isKustomization(path)) continue;
    out.set(path, content);
  }
  return out;
}

export function joinDocuments(files: ReadonlyMap<string, string>): string {
  return [...files].map(([path, content]) => `# Source: ${path}\n${content.endsWith("\n") ? content : `${content}\n`}`).join("---\n");
}

async function loadConfig(dir: string): Promise<{ config: RepoConfig; text: string }> {
  const text = await readFileIfExists(join(dir, CONFIG_FILE));
  if (text === undefined) throw new UsageError(`${dir} has no ${CONFIG_FILE}`, { hint: "run gitops-redis init first, or cd into the repository" });
  const config = configFromText(text, "gitops-redis validate shows where");
  return { config, text };
}

async function findHelm(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const executable = async (path: string) => access(path, constants.X_OK).then(() => true, () => false);
  if (explicit) return (await executable(explicit)) ? explicit : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "helm");
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

function helmTemplate(helm: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(helm, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new GitopsRedisError(`helm template failed: ${(stderr || error.message).trim().split("\n")[0]}`, ExitCode.failed));
      else resolvePromise(stdout);
    });
  });
}

export async function runRender(env: string, options: RenderOptions, ctx: CommandContext): Promise<void> {
  const dir = ctx.cwd;
  const { config, text } = await loadConfig(dir);
  if (!config.environments[env]) {
    const known = Object.keys(config.environments);
    throw new UsageError(`environment ${env} is not in ${CONFIG_FILE}`, { hint: known.length ? `known environments: ${known.join(", ")}` : "add one with gitops-redis add-env <name> ..." });
  }
  let output = joinDocuments(renderEnvironmentFiles(config, env, text));
  if (options.chart !== undefined) {
    const helm = await findHelm(options.helm, ctx.env);
    if (!helm) {
      throw new UsageError(options.helm ? `--helm ${options.helm} is not an executable` : "--chart needs helm: none found on PATH", { hint: "install helm 3 or pass --helm <path>" });
    }
    const spec = config.environments[env]!;
    const remote = /^[a-z]+:\/\//.test(options.chart);
    const chart = remote ? options.chart : resolve(ctx.cwd, options.chart);
    // bitnami/redis-cluster environments have their own chart and base values.
    const args = ["template", releaseName(env), chart, "--namespace", spec.namespace, "-f", baseValuesFileFor(spec), "-f", envValuesFile(env)];
    // A chart reference (oci://...) is pulled at the pinned version; a local dir or .tgz is what it is.
    if (remote) args.push("--version", chartFor(config, spec).version);
    const rendered = await helmTemplate(helm, args, dir, ctx.env);
    output += `---\n# Source: helm template ${releaseName(env)} ${options.chart}\n${rendered.replace(/^---\n/, "")}`;
  }
  ctx.streams.stdout.write(output);
}
