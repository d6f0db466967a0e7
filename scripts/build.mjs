// Bundles the CLI and the small libraries it always needs (commander, yaml, ejs, simple-git, diff) into dist/, so
// start-up reads a handful of files instead of hundreds of modules. Heavy dependencies that only some runs need
// (Octokit, the schema models) stay external and behind dynamic import().
import { build } from "esbuild";
import { rmSync } from "node:fs";

const LAZY_EXTERNAL = ["@octokit/*", "kubernetes-models", "kubernetes-models/*", "@kubernetes-models/*"];

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
  logLevel: "warning",
});
