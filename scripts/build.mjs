// Bundles the CLI and its libraries into dist/, so a run reads a handful of files instead of hundreds of modules.
// What only some runs need (Octokit, ajv) lands in chunks behind dynamic import(); the schema models stay external
// (thousands of generated files that validate imports one by one, as needed).
import { build } from "esbuild";
import { rmSync } from "node:fs";

const LAZY_EXTERNAL = ["kubernetes-models", "kubernetes-models/*", "@kubernetes-models/*"];

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/bin.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: LAZY_EXTERNAL,
  // CommonJS libraries inside an ESM bundle still call require() for Node's built-ins.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __gitopsRedisRequire } from 'node:module';\nconst require = __gitopsRedisRequire(import.meta.url);" },
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
