// Bundles the CLI into dist/ so start-up reads a handful of files instead of hundreds of modules.
// Heavy dependencies (Octokit, schema models) stay behind dynamic import() and are split into their own chunks.
import { build } from "esbuild";
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/bin.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
  sourcemap: false,
  logLevel: "warning",
});
