/** Replaying an unmerged set branch's changes on the environment as the default branch has it now. */
import { describe, expect, it } from "vitest";
import { replaySettings } from "../src/config/replay.js";
import { environmentFromFlags, type EnvFlags } from "../src/commands/env-options.js";
import type { EnvironmentSpec } from "../src/model.js";

function env(flags: EnvFlags, from?: EnvironmentSpec): EnvironmentSpec {
  const { spec, problems } = environmentFromFlags("db", flags, from);
  if (!spec) throw new Error(problems.join("; "));
  return spec;
}

describe("replaySettings", () => {
  const before = env({ storage: "existing:nfs", replicas: "2" });

  it("applies only what changed, on top of what the default branch changed since", () => {
    const after = env({ storage: "openebs-hostpath", basePath: "/data/redis" }, before);
    const current = env({ replicas: "4", metrics: "on" }, before);

    const replayed = replaySettings("db", before, after, current, "argocd");

    expect(replayed.problems).toEqual([]);
    expect(replayed.spec).toMatchObject({ replicas: 4, metrics: { enabled: true }, storage: { kind: "openebs-hostpath", basePath: "/data/redis" } });
    expect(replayed.keys).toEqual(expect.arrayContaining(["storage.kind", "storage.basePath"]));
    expect(replayed.keys).not.toContain("replicas");
  });

  it("removes what the earlier change removed", () => {
    const withMetrics = env({ metrics: "on" }, before);
    const without = env({ metrics: "off" }, withMetrics);
    const replayed = replaySettings("db", withMetrics, without, env({ replicas: "3" }, withMetrics), "argocd");
    expect(replayed.spec).toMatchObject({ replicas: 3, metrics: { enabled: false } });
    expect(replayed.keys).toContain("metrics.enabled");
    expect(replayed.keys.every((key) => key.startsWith("metrics."))).toBe(true);
  });

  it("replays nothing when nothing changed, and says why a change no longer fits", () => {
    expect(replaySettings("db", before, before, before, "argocd").keys).toEqual([]);
    const sentinel = env({ storage: "existing:nfs", topology: "sentinel", replicas: "3" });
    const quorum = env({ sentinelQuorum: "3" }, sentinel);
    const replayed = replaySettings("db", sentinel, quorum, env({ replicas: "2" }, sentinel), "argocd");
    expect(replayed.spec).toBeUndefined();
    expect(replayed.keys).toEqual(["sentinel.quorum"]);
    expect(replayed.problems[0]).toMatch(/^invalid environments\.db\.sentinel\.quorum 3: at most the number of sentinels/);
  });
});
