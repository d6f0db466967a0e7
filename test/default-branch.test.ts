import { describe, expect, it } from "vitest";
import { defaultBranchOf } from "../src/config/default-branch.js";

describe("the default branch a config names", () => {
  it.each([
    ["block style, as gitops-redis writes it", "apiVersion: gitops-redis.io/v1\nrepo:\n  url: https://x/r.git\n  defaultBranch: trunk\nchart: {}\n", "trunk"],
    ["quoted, with a comment", 'repo:\n  url: u\n  defaultBranch: "release/1" # prod\n', "release/1"],
    ["flow style (full parse)", "repo: {url: u, defaultBranch: develop}\n", "develop"],
    ["not the repo map's key", "chart:\n  defaultBranch: nope\nrepo:\n  url: u\n", undefined],
    ["no config", undefined, undefined],
  ])("%s", (_name, text, expected) => {
    expect(defaultBranchOf(text)).toBe(expected);
  });
});

describe("reading the default branch cheaply", () => {
  it("takes linear time on a long repo block without defaultBranch (a backtracking pattern took minutes)", () => {
    const text = `repo:\n${Array.from({ length: 40 }, (_, i) => `    key${i}: value\n`).join("")}chart: {}\n`;
    const start = performance.now();
    expect(defaultBranchOf(text)).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
