/** The repositories `npm run bench` validates are ones gitops-redis could have written: validate finds no error. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchRepository } from "../bench/fixtures.js";
import { gitEnv, runCli, tempDir } from "./support/repo.js";

describe("benchmark fixtures", () => {
  it("a generated repository of 12 environments (every storage kind) validates without errors", async () => {
    const dir = join(tempDir(), "repo");
    benchRepository(dir, 12);
    const result = await runCli(["validate", dir, "--json"], { cwd: dir, env: gitEnv(dir) });
    const report = JSON.parse(result.stdout) as { errors: number; findings: { severity: string; message: string }[] };
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(result.code).toBe(0);
  });
});
