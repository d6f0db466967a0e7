import { UsageError } from "../errors.js";

export interface RepoSlug {
  owner: string;
  repo: string;
}

export interface GitHubRemote extends RepoSlug {
  /** Host the repository lives on, e.g. `github.com` or `ghe.example.com:8443` (https port kept, ssh port dropped). */
  host: string;
}

// GitHub's own rules: logins are alphanumeric with inner hyphens; repository names allow `.`, `_` and `-`.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

function slugFromPath(path: string): RepoSlug | undefined {
  const parts = path.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/, "").split("/");
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === "." || repo === "..") return undefined;
  return { owner, repo };
}

/**
 * Reads owner, repository and host from a git remote URL. Returns undefined for anything that is not
 * a two-segment GitHub-style path over https, ssh or scp-like ssh (local paths, file://, nested groups).
 */
export function parseGitHubRemote(url: string): GitHubRemote | undefined {
  const trimmed = url.trim();
  const scpLike = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(trimmed);
  if (scpLike && !/^[A-Za-z]:[\\/]/.test(trimmed)) {
    const slug = slugFromPath(scpLike[2] ?? "");
    return slug && { ...slug, host: (scpLike[1] ?? "").toLowerCase() };
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return undefined;
  }
  const slug = slugFromPath(decodeURIComponent(parsed.pathname));
  if (!slug || !parsed.hostname) return undefined;
  switch (parsed.protocol) {
    case "https:":
    case "http:":
      return { ...slug, host: parsed.host.toLowerCase() };
    case "ssh:":
    case "git+ssh:":
      return { ...slug, host: parsed.hostname.toLowerCase() };
    default:
      return undefined;
  }
}

/** Validates an `owner/repo` value given on the command line or in config; `field` names it in the message. */
export function parseRepoSlug(value: string, field = "--repo"): RepoSlug {
  const slug = slugFromPath(value.trim());
  if (!slug || value.trim().endsWith(".git") || value.trim().startsWith("/")) {
    throw new UsageError(
      `${field}: ${JSON.stringify(value)} is not a GitHub repository; expected owner/name, e.g. acme/redis-gitops`,
    );
  }
  return slug;
}

/** REST API root for a GitHub host: github.com, GHE.com data residency (`*.ghe.com`) or GitHub Enterprise Server. */
export function apiUrlFor(host: string): string {
  const h = host.toLowerCase();
  if (h === "github.com" || h === "www.github.com") return "https://api.github.com";
  if (h.endsWith(".ghe.com")) return `https://api.${h}`;
  return `https://${h}/api/v3`;
}

/** The token the CLI uses for GitHub: GITHUB_TOKEN first (what CI sets), then GH_TOKEN (what the gh CLI uses). */
export function resolveToken(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const name of ["GITHUB_TOKEN", "GH_TOKEN"]) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}
