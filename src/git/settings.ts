/**
 * What gitops-redis needs of git's configuration, read with one `git config` process: the remotes' URLs (as git
 * rewrites them with url.<base>.insteadOf), when git's rules leave no doubt the identity a commit gets, and what
 * decides git's auto maintenance (src/git/maintenance.ts). Pure: git's output in, answers out.
 */

/** The keys SETTINGS_PATTERN selects, lowercased as git prints them. */
export const SETTINGS_PATTERN =
  "^(remote\\..*\\.url|url\\..*\\.insteadof|(user|author|committer)\\.(name|email)|user\\.useconfigonly|i18n\\.commitencoding|maintenance\\..*|gc\\.auto|gc\\.autopacklimit|gc\\.autodetach)$";

/**
 * Key -> values in git's order (system, global, local, command line); null for a key written without a value.
 * `inRepository`, when git said where each value comes from (--show-scope): the keys the repository's own
 * configuration (local or worktree) sets.
 */
export type GitSettings = ReadonlyMap<string, readonly (string | null)[]> & { readonly inRepository?: ReadonlySet<string> };

/**
 * Parses `git config -z [--show-scope] --get-regexp`: entries end in NUL, a newline separates key from value; with
 * --show-scope each entry follows its scope ("local", "global", ...), which has neither a dot nor a newline as keys do.
 */
export function parseSettings(output: string): GitSettings {
  const settings = new Map<string, (string | null)[]>();
  const inRepository = new Set<string>();
  let scoped = false;
  let scope: string | undefined;
  for (const entry of output.split("\0")) {
    if (!entry) continue;
    if (!entry.includes(".") && !entry.includes("\n")) {
      scoped = true;
      scope = entry;
      continue;
    }
    const newline = entry.indexOf("\n");
    const [key, value] = newline === -1 ? [entry, null] : [entry.slice(0, newline), entry.slice(newline + 1)];
    settings.set(key, [...(settings.get(key) ?? []), value]);
    if (scope === "local" || scope === "worktree") inRepository.add(key);
    scope = undefined;
  }
  return scoped ? Object.assign(settings, { inRepository }) : settings;
}

/**
 * The URL git uses for `remote`, as `git remote get-url` prints it: the first configured, rewritten by the longest
 * matching url.<base>.insteadOf (an empty one matches every URL; on a tie, the base configured first). Undefined
 * when that is for git to say: the configuration has no URL (a remote from .git/remotes, say), the repository's own
 * configuration does not name the remote (get-url refuses one only ~/.gitconfig or `-c` gives), or an insteadOf has
 * no value (an error to git).
 */
export function remoteUrlOf(settings: GitSettings, remote: string): string | undefined {
  const url = configuredRemoteUrlOf(settings, remote);
  if (!url) return undefined;
  if (settings.inRepository && !settings.inRepository.has(`remote.${remote}.url`)) return undefined;
  let best: { base: string; prefix: string } | undefined;
  for (const [key, prefixes] of settings) {
    if (!key.startsWith("url.") || !key.endsWith(".insteadof")) continue;
    for (const prefix of prefixes) {
      if (prefix === null) return undefined;
      if (url.startsWith(prefix) && (best === undefined || prefix.length > best.prefix.length)) best = { base: key.slice(4, -10), prefix };
    }
  }
  return best ? best.base + url.slice(best.prefix.length) : url;
}

/** The first remote.<remote>.url as written, before insteadOf. */
export const configuredRemoteUrlOf = (settings: GitSettings, remote: string): string | undefined =>
  settings.get(`remote.${remote}.url`)?.[0] || undefined;

export interface CommitIdentity {
  /** "Name <email> seconds +hhmm", as a commit object's author and committer lines carry it. */
  author: string;
  committer: string;
}

/** A key's last value (the one git takes), null when written without one. */
export const lastValue = (settings: GitSettings, key: string): string | null | undefined => settings.get(key)?.at(-1);

/**
 * A name or email git writes as it is given: no "crud" at either end (control characters, space and .,:;<>"\' which
 * git strips there) and no angle bracket or control character inside. Nor U+FFFD: what bytes that are not UTF-8
 * decode to here, which git would keep (re-encoded from Latin-1). Anything else is left to git.
 */
const CLEAN = /^[^\x00-\x20.,:;<>"\\'\uFFFD]([^\x00-\x1f<>\uFFFD]*[^\x00-\x20.,:;<>"\\'\uFFFD])?$/;

/**
 * The identity `git commit-tree` would stamp now, when git's rules decide it plainly: name and email come from the
 * environment (GIT_AUTHOR_NAME, ...) or the configuration (author.name, user.name, ..., EMAIL), are clean as given,
 * no date is pinned, and commits are not re-encoded. Anything else (no identity, a pinned date, i18n.commitEncoding,
 * user.useConfigOnly without one) is undefined: git then commits itself. (commit-tree signs only when asked with -S,
 * whatever commit.gpgSign says, and gitops-redis does not ask.)
 */
export function plainCommitIdentity(settings: GitSettings, env: Readonly<Record<string, string | undefined>>, now: Date): CommitIdentity | undefined {
  if (settings.has("i18n.commitencoding")) return undefined;
  if (env.GIT_AUTHOR_DATE !== undefined || env.GIT_COMMITTER_DATE !== undefined) return undefined;
  const pick = (envKey: string, keys: string[], fallback?: string) => {
    if (env[envKey] !== undefined) return env[envKey];
    for (const key of keys) {
      const value = lastValue(settings, key);
      if (value !== undefined) return value;
    }
    return fallback;
  };
  // EMAIL is git's guess for an email only while the configuration gives none, for either role, and never under
  // user.useConfigOnly (git then refuses to guess).
  const configured = ["user.email", "author.email", "committer.email", "user.useconfigonly"].some((key) => settings.has(key));
  const guessed = configured ? undefined : env.EMAIL || undefined;
  const person = (role: "author" | "committer") => {
    const upper = role.toUpperCase();
    const name = pick(`GIT_${upper}_NAME`, [`${role}.name`, "user.name"]);
    const email = pick(`GIT_${upper}_EMAIL`, [`${role}.email`, "user.email"], guessed);
    return name && email && CLEAN.test(name) && CLEAN.test(email) ? `${name} <${email}>` : undefined;
  };
  const author = person("author");
  const committer = person("committer");
  if (!author || !committer) return undefined;
  const when = `${Math.floor(now.getTime() / 1000)} ${timezoneOffset(now)}`;
  return { author: `${author} ${when}`, committer: `${committer} ${when}` };
}

/** The local zone's offset at `date` as git writes it: +hhmm east of UTC. */
function timezoneOffset(date: Date): string {
  const east = -date.getTimezoneOffset();
  const abs = Math.abs(east);
  return `${east < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}
