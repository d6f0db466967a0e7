/** The git adapter's reads and writes, against real repositories. */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitRepo } from "../src/git/repo.js";
import { git, gitEnv, tempDir } from "./support/repo.js";

const opened: GitRepo[] = [];
afterEach(() => {
  for (const repo of opened.splice(0)) repo.close();
});

/** A repository with one commit on main holding `files`. */
function repository(files: Record<string, string>): { dir: string; repo: GitRepo; head: string } {
  const dir = tempDir();
  const env = gitEnv(dir);
  git(dir, ["init", "--quiet", "--initial-branch=main"], env);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, ["add", "-A"], env);
  git(dir, ["commit", "--quiet", "-m", "files"], env);
  const repo = new GitRepo(dir, env);
  opened.push(repo);
  return { dir, repo, head: git(dir, ["rev-parse", "HEAD"], env) };
}

describe("GitRepo reads objects through one cat-file process", () => {
  it("reads files by ref and path, byte for byte, and says undefined for what is not there", async () => {
    const { repo } = repository({ "a.yaml": "a: 1\n", "dir/b.yaml": "b: 2\n  \n", "dir/c.txt": "no newline" });
    expect(await repo.readFile("main", "a.yaml")).toBe("a: 1\n");
    expect(await repo.readFile("HEAD", "dir/b.yaml")).toBe("b: 2\n  \n");
    expect(await repo.readFile("main", "missing.yaml")).toBeUndefined();
    expect(await repo.readFile("no-such-branch", "a.yaml")).toBeUndefined();
    // A directory is not a file.
    expect(await repo.readFile("main", "dir")).toBeUndefined();
  });

  it("answers many reads asked at once in the order asked, a large file included", async () => {
    const large = `${"x".repeat(200_000)}\n`;
    const { repo } = repository({ "a.yaml": "a\n", "large.txt": large, "z.yaml": "z\n" });
    const files = await repo.readFiles("main", ["z.yaml", "missing", "large.txt", "a.yaml"]);
    expect([...files.keys()]).toEqual(["z.yaml", "large.txt", "a.yaml"]);
    expect(files.get("large.txt")).toBe(large);
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => repo.readFile("main", i % 2 ? "a.yaml" : "z.yaml")));
    expect(many.every((text, i) => text === (i % 2 ? "a\n" : "z\n"))).toBe(true);
  });

  it("resolves commits and trees, and keeps working after close() and after a failed read", async () => {
    const { dir, repo, head } = repository({ "a.yaml": "a\n" });
    expect(await repo.resolve("HEAD")).toBe(head);
    expect(await repo.resolve("main~5")).toBeUndefined();
    expect(await repo.treeOf(head)).toBe(git(dir, ["rev-parse", "HEAD^{tree}"]));
    await expect(repo.readFile("main", "line\nbreak")).resolves.toBeUndefined();
    repo.close();
    expect(await repo.readFile("main", "a.yaml")).toBe("a\n");
  });

  it("reads a directory that is not yet a repository as having nothing, then the repository once it is one", async () => {
    const dir = tempDir();
    const repo = new GitRepo(dir, gitEnv(dir));
    opened.push(repo);
    expect(await repo.resolve("HEAD")).toBeUndefined();
    git(dir, ["init", "--quiet", "--initial-branch=main"]);
    writeFileSync(join(dir, "a.yaml"), "a\n");
    git(dir, ["add", "a.yaml"]);
    git(dir, ["commit", "--quiet", "-m", "a"]);
    expect(await repo.readFile("HEAD", "a.yaml")).toBe("a\n");
  });

  it("sees remote-tracking refs a fetch moved, without reading every ref again", async () => {
    const origin = repository({ "a.yaml": "a\n" });
    const dir = tempDir();
    const env = gitEnv(dir);
    git(dir, ["clone", "--quiet", origin.dir, "."], env);
    const repo = new GitRepo(dir, env);
    opened.push(repo);
    expect(await repo.resolve("refs/remotes/origin/main")).toBe(origin.head);
    writeFileSync(join(origin.dir, "b.yaml"), "b\n");
    git(origin.dir, ["add", "b.yaml"]);
    git(origin.dir, ["commit", "--quiet", "-m", "b"]);
    const moved = git(origin.dir, ["rev-parse", "HEAD"]);
    expect(await repo.fetch("origin", ["+refs/heads/main:refs/remotes/origin/main"])).toBe(true);
    expect(await repo.resolve("refs/remotes/origin/main")).toBe(moved);
    expect(await repo.resolve("refs/heads/main")).toBe(origin.head);
  });
});
