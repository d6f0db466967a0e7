/** Builds the commander program. Command modules load only when their command runs, to keep start-up small. */
import { Command, Option } from "commander";
import { createOutput, type Output, type Streams } from "./output.js";
import type { CommandContext, GitHubTuning } from "./commands/context.js";
import { addEnvironmentFlags } from "./commands/env-flags.js";
import { loadCommand } from "./commands/load.js";
import type { ChangeOptions } from "./commands/environment-change.js";
import type { InitOptions } from "./commands/init.js";
import type { ValidateCommandOptions } from "./commands/validate.js";
import type { RenderOptions } from "./commands/render.js";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_CHART_VERSION } from "./model.js";
import { packageVersion } from "./assets.js";

export interface ProgramDeps {
  cwd: string;
  env: NodeJS.ProcessEnv;
  streams: Streams;
  github?: GitHubTuning;
  /** Told of the command's output, so a failure can still write the --json document (cli.ts). */
  onOutput?: (out: Output) => void;
}

function context(deps: ProgramDeps, json: boolean | undefined): CommandContext {
  const out = createOutput(deps.streams, Boolean(json));
  deps.onOutput?.(out);
  return { cwd: deps.cwd, env: deps.env, streams: deps.streams, out, github: deps.github };
}

const ADD_ENV_EXAMPLES = `
Examples:
  # reuse a StorageClass the cluster already has
  $ gitops-redis add-env dev --storage existing:nfs --replicas 1

  # OpenEBS LocalPV hostpath, master on NodePort 31379, images from a private registry
  $ gitops-redis add-env prod --namespace redis --storage openebs-hostpath \\
      --base-path /dataspace1/redis-data/redis --replicas 2 --expose nodeport:31379 \\
      --image-registry myharbor.com/bigdata

  # static local volumes, one per Redis pod
  $ gitops-redis add-env edge --storage local --replicas 1 \\
      --node node1=/data/redis --node node2=/data/redis

  # see the plan and the diff, write nothing
  $ gitops-redis add-env prod --storage existing:nfs --dry-run`;

export function buildProgram(deps: ProgramDeps): Command {
  const program = new Command("gitops-redis")
    .description("Deploy Redis on Kubernetes with Helm through reviewed GitOps pull requests (Argo CD or Flux).")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => void deps.streams.stdout.write(text),
      writeErr: (text) => void deps.streams.stderr.write(text),
    })
    .exitOverride();

  program
    .command("init")
    .description("create (or adopt a clean) git repository as a gitops-redis GitOps repository")
    .argument("[dir]", "directory of the repository", ".")
    .addOption(new Option("--controller <name>", "GitOps controller that deploys the repository: argocd or flux").default("argocd"))
    .option("--chart-repo <url>", "chart repository: oci://... or an https Helm repository", DEFAULT_CHART_REPOSITORY)
    .option("--chart-version <version>", "pinned bitnami/redis chart version", DEFAULT_CHART_VERSION)
    .option("--default-branch <branch>", "branch the controller deploys from", "main")
    .option("--remote <git-url>", "add this URL as remote origin and push to it")
    .option("--repo-url <git-url>", "URL the controller clones this repository from (default: --remote, else origin)")
    .option("--github <owner/repo>", "GitHub repository of the pull requests (default: origin's, when on GitHub)")
    .option("--api-url <url>", "GitHub Enterprise Server API URL, e.g. https://ghe.example.com/api/v3 (stored)")
    .option("--argocd-namespace <ns>", "namespace Argo CD runs in (argocd only; default: argocd)")
    .option("--no-push", "commit locally, do not push")
    .option("--json", "print one JSON document on stdout; human text goes to stderr")
    .addHelpText(
      "after",
      `
Examples:
  $ gitops-redis init redis-gitops --remote git@github.com:acme/redis-gitops.git
  $ gitops-redis init redis-gitops --controller flux --remote git@github.com:acme/redis-gitops.git
  $ gitops-redis init . --chart-version 19.6.1 --repo-url https://git.example.com/platform/redis.git`,
    )
    .action(async (dir: string, options: InitOptions, command: Command) => {
      const { runInit } = await loadCommand("init");
      const given = Object.keys(options).filter((key) => command.getOptionValueSource(key) === "cli");
      await runInit(dir, { ...options, given }, context(deps, options.json));
    });

  for (const [name, description, examples] of [
    ["add-env", "add an environment on branch gitops-redis/add-env-<name>: values, storage, Argo CD Application or Flux HelmRelease", ADD_ENV_EXAMPLES],
    [
      "set",
      "change an existing environment on branch gitops-redis/set-<name>; flags you omit keep their values",
      `
Examples:
  $ gitops-redis set prod --replicas 3
  $ gitops-redis set prod --expose clusterip --dry-run`,
    ],
  ] as const) {
    addEnvironmentFlags(program.command(name).description(description).argument("<name>", "environment name, e.g. prod"))
      .option("--dry-run", "print the plan and the diff; write nothing")
      .option("--no-push", "commit on the branch; no push, no pull request")
      .option("--api-url <url>", "GitHub API URL for this run (default: config, GITHUB_API_URL, or from origin's host)")
      .option("--reviewer <login>", "request a review from a login or org/team (repeat)", (v: string, p: string[] = []) => [...p, v])
      .option("--draft", "open the pull request as a draft")
      .option("--base <branch>", "base branch of the pull request (default: the repository's default branch)")
      .option("--require-pr", "fail (exit 4) when no pull request can be opened, e.g. without GITHUB_TOKEN")
      .option("--json", "print one JSON document on stdout; human text goes to stderr")
      .addHelpText("after", examples)
      .action(async (env: string, options: ChangeOptions) => {
        const { runAddEnv, runSet } = await loadCommand("add-env");
        await (name === "add-env" ? runAddEnv : runSet)(env, options, context(deps, options.json));
      });
  }
  program
    .command("validate")
    .description("check the whole repository offline (YAML, schemas, names, NodePorts, storage, topology, secrets, chart keys, data safety); exit 1 on any error")
    .argument("[dir]", "directory of the repository", ".")
    .option("--base <ref>", "compare with this commit for data-safety risks (default: the default branch, local or origin/)")
    .option("--json", "print one JSON document on stdout; human text goes to stderr")
    .addHelpText(
      "after",
      `
Prints one line per finding, path:line:col  rule  message, and a summary. Warnings do not fail.

Examples:
  $ gitops-redis validate
  $ gitops-redis validate ./redis-gitops --json | jq '.findings[] | select(.severity == "error")'
  $ gitops-redis validate --base origin/main     # in CI, compare the pull request with its target`,
    )
    .action(async (dir: string, options: ValidateCommandOptions) => {
      const { runValidate } = await loadCommand("validate");
      await runValidate(dir, options, context(deps, options.json));
    });

  program
    .command("render")
    .description("print the manifests the controller applies for an environment (never touches git or the network)")
    .argument("<env>", "environment name, e.g. prod")
    .option("--chart <dir|tgz|ref>", "also render the chart with the merged values through helm template")
    .option("--helm <path>", "helm binary for --chart (default: helm on PATH)")
    .addHelpText(
      "after",
      `
Examples:
  $ gitops-redis render prod
  $ gitops-redis render prod --chart ./redis-23.1.1.tgz | kubeconform -ignore-missing-schemas -summary
  $ gitops-redis render prod --chart oci://registry-1.docker.io/bitnamicharts/redis   # needs network`,
    )
    .action(async (env: string, options: RenderOptions) => {
      const { runRender } = await loadCommand("render");
      await runRender(env, options, context(deps, false));
    });
  return program;
}
