/**
 * The default branch as gitops-redis writes it (a block-style `repo:` map), found without a YAML parser: add-env
 * starts its fetch with it before the parser has loaded. defaultBranchOf reads every other spelling.
 */
// One indented line at a time: `[ \t]+.*` would let each line's indentation split many ways (exponential time).
const REPO_DEFAULT_BRANCH = /^repo:[ \t]*\n(?:[ \t].*\n)*?[ \t]+defaultBranch:[ \t]*["']?([^"'\s#]+)/m;

export function writtenDefaultBranch(text: string): string | undefined {
  return REPO_DEFAULT_BRANCH.exec(text)?.[1];
}
