// Builds dist/, three CommonJS files:
// - gitops-redis.cjs, the front: the process (src/bin.ts), the command line (commander, src/program.ts) and the
//   modules they import; all that --help, --version and a mistyped command run.
// - commands.cjs, the commands (from src/commands/load.ts) and all they import that the front does not have: read only
//   when a command runs. Inside it, what only some commands need (Octokit, ajv, the planning code) is behind dynamic
//   import(), which esbuild turns into modules evaluated on first use.
// - cli.cjs, the bin (src/entry.ts), which runs both from V8's code cache.
// A module of ours (src/) in the front that a command imports is not bundled twice: commands.cjs asks the front for
// it, so that there is one GitopsRedisError class, one external importer. (Packages are not shared this way; none is
// in both bundles today.) The schema models stay external (thousands of generated
// files that validate imports one by one, as needed) and are imported through the bin.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LAZY_EXTERNAL = ["kubernetes-models", "kubernetes-models/*", "@kubernetes-models/*"];
// Both bundles run as scripts (src/entry.ts), with no import.meta: the bin passes each its own file URL.
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  external: LAZY_EXTERNAL,
  define: { "import.meta.url": "__bundleUrl" },
};
/** How commands.cjs names a module of the front; src/entry.ts answers these requires. */
const FRONT = "gitops-redis:front/";
const LOADER = resolve(ROOT, "src/commands/load.ts");

/** In the front, src/commands/load.ts is replaced by a loader of commands.cjs, which the bin passes in. */
const commandsFromBundle = {
  name: "commands-from-bundle",
  setup(builder) {
    builder.onLoad({ filter: /[/\\]src[/\\]commands[/\\]load\.ts$/ }, () => ({
      contents: "export const loadCommand = (name) => __loadCommands().loadCommand(name);",
      loader: "js",
    }));
  },
};

rmSync(resolve(ROOT, "dist"), { recursive: true, force: true });

// 1. Which of our modules the front holds.
const probe = await build({ ...common, entryPoints: ["src/bin.ts"], write: false, metafile: true, plugins: [commandsFromBundle] });
const shared = Object.keys(probe.metafile.inputs).filter((path) => path.startsWith("src/") && resolve(ROOT, path) !== LOADER);

// 2. The front, which also hands those modules to commands.cjs.
const frontEntry = [
  'export { run } from "./src/bin.ts";',
  ...shared.map((path, i) => `import * as m${i} from "./${path}";`),
  `export const shared = { ${shared.map((path, i) => `${JSON.stringify(path)}: m${i}`).join(", ")} };`,
].join("\n");
await build({
  ...common,
  stdin: { contents: frontEntry, resolveDir: ROOT, sourcefile: "front-entry.js", loader: "js" },
  outfile: "dist/gitops-redis.cjs",
  plugins: [commandsFromBundle],
});

// 3. The commands, asking the front for its modules.
const fromFront = {
  name: "modules-from-front",
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\// }, (args) => {
      // As esbuild's metafile names it: relative to ROOT, with / on Windows too.
      const path = relative(ROOT, resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"))).split(sep).join("/");
      return shared.includes(path) ? { path: FRONT + path, external: true } : undefined;
    });
  },
};
const back = await build({ ...common, entryPoints: ["src/commands/load.ts"], outfile: "dist/commands.cjs", metafile: true, plugins: [fromFront] });
// A module in both bundles would be two modules: two GitopsRedisError classes, and `instanceof` in the front fails.
const twice = shared.filter((path) => path in back.metafile.inputs);
if (twice.length) throw new Error(`dist/commands.cjs bundles modules of the front again: ${twice.join(", ")}`);

// A script cannot import() (Node 20): every ES module package must come through src/external-import.ts (in the
// front), whose default importer is the one import() the bundles may hold.
const front = readFileSync(resolve(ROOT, "dist/gitops-redis.cjs"), "utf8");
const commands = readFileSync(resolve(ROOT, "dist/commands.cjs"), "utf8");
const importsIn = (text) => [...text.matchAll(/(?<![\w$.])import\(([^)]*)\)/g)].map((match) => match[0]);
const found = [...importsIn(front), ...importsIn(commands)];
if (found.length !== 1 || importsIn(front)[0] !== "import(specifier)") {
  throw new Error(`the bundles may only import() in src/external-import.ts; they have: ${found.join(", ")}`);
}

await build({
  ...common,
  entryPoints: ["src/entry.ts"],
  outfile: "dist/cli.cjs",
  define: { BUNDLE_ID: JSON.stringify(createHash("sha256").update(front).update(commands).digest("hex").slice(0, 16)), FRONT: JSON.stringify(FRONT) },
  banner: { js: "#!/usr/bin/env node" },
});
