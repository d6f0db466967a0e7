// `npm run bench`: bundles bench/bench.ts (it reuses the test stand-in and the planning code) and runs it.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// Inside the project, so the bundle resolves node_modules and finds blueprints/ like the CLI does.
const out = join(process.cwd(), ".bench-build");
try {
  await build({
    entryPoints: ["bench/bench.ts"],
    outfile: join(out, "bench.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  await import(pathToFileURL(join(out, "bench.mjs")).href);
} finally {
  rmSync(out, { recursive: true, force: true });
}
