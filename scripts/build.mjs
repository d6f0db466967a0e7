// Builds dist/: the whole CLI as one CommonJS bundle (gitops-redis.cjs) and the bin that runs it from V8's code cache
// (cli.cjs, from src/entry.ts). What only some commands need (Octokit, ajv, the planning code) is bundled behind
// dynamic import(), which esbuild turns into modules evaluated on first use. The schema models stay external
// (thousands of generated files that validate imports one by one, as needed) and are imported through the bin.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";

const LAZY_EXTERNAL = ["kubernetes-models", "kubernetes-models/*", "@kubernetes-models/*"];
const common = { bundle: true, platform: "node", target: "node20", format: "cjs", minifyWhitespace: true, minifySyntax: true, logLevel: "warning" };

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ["src/bin.ts"],
  outfile: "dist/gitops-redis.cjs",
  external: LAZY_EXTERNAL,
  // src/entry.ts passes the bundle's file URL in; a script has no import.meta.
  define: { "import.meta.url": "__bundleUrl" },
});

const bundle = readFileSync(new URL("../dist/gitops-redis.cjs", import.meta.url), "utf8");
// A script cannot import() (Node 20): every ES module package must come through src/external-import.ts, whose
// default importer is the one import() the bundle may hold.
const imports = [...bundle.matchAll(/(?<![\w$.])import\(([^)]*)\)/g)].map((match) => match[0]);
if (imports.length !== 1 || imports[0] !== "import(specifier)") {
  throw new Error(`dist/gitops-redis.cjs may only import() in src/external-import.ts; it has: ${imports.join(", ")}`);
}

await build({
  ...common,
  entryPoints: ["src/entry.ts"],
  outfile: "dist/cli.cjs",
  define: { BUNDLE_ID: JSON.stringify(createHash("sha256").update(bundle).digest("hex").slice(0, 16)) },
  banner: { js: "#!/usr/bin/env node" },
});
