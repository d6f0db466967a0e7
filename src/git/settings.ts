/**
 * What gitops-redis needs of git's configuration, read with one `git config` process: the remotes' URLs (as git
 * rewrites them with url.<base>.insteadOf) and, when git's rules leave no doubt, the identity a commit gets. Pure:
 * git's output in, answers out.
 */

/** The keys SETTINGS_PATTERN selects, lowercased as git prints them. */
export const SETTINGS_PATTERN =
  "^(remote\\..*\\.url|url\\..*\\.insteadof|(user|author|committer)\\.(name|email)|i18n\\.commitencoding)$";

/** Key -> values in git's order (system, global, local, command line); null for a key written without a value. */
export type GitSettings = ReadonlyMap<string, readonly (string | null)[]>;

/** Parses `git config -z --get-regexp`: entries end in NUL, a newline separates key from value. */
export function parseSettings(output: string): GitSettings {
  const settings = new Map<string, (string | null)[]>();
  for (const entry of output.split("\0")) {
    if (!entry) continue;
    const newline = entry.indexOf("\n");
    const [key, value] = newline === -1 ? [entry, null] : [entry.slice(0, newline), entry.slice(newline + 1)];
    settings.set(key, [...(settings.get(key) ?? []), value]);
  }
  return settings;
}

/**
 * The URL git uses for `remote`, as `git remote get-url` prints it: the first configured, rewritten by the longest
 * matching url.<base>.insteadOf. Undefined when the configuration has none (a remote from .git/remotes, say).
 */
export function remoteUrlOf(settings: GitSettings, remote: string): string | undefined {
  const url = configuredRemoteUrlOf(settings, remote);
  if (!url) return undefined;
  let best: { base: string; prefix: string } | undefined;
  for (const [key, prefixes] of settings) {
    if (!key.startsWith("url.") || !key.endsWith(".insteadof")) continue;
    for (const prefix of prefixes) {
      if (prefix && url.startsWith(prefix) && prefix.length > (best?.prefix.length ?? 0)) best = { base: key.slice(4, -10), prefix };
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

const last = (settings: GitSettings, key: string): string | null | undefined => settings.get(key)?.at(-1);

/**
 * A name or email git writes as it is given: no "crud" at either end (control characters, space and .,:;<>"\' which
 * git strips there) and no angle bracket or control character inside. Anything else is left to git.
 */
const CLEAN = /^[^\x00-\x20.,:;<>"\\']([^\x00-\x1f<>]*[^\x00-\x20.,:;<>"\\'])?$/;

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
      const value = last(settings, key);
      if (value !== undefined) return value;
    }
    return fallback;
  };
  const person = (role: "author" | "committer") => {
    const upper = role.toUpperCase();
    const name = pick(`GIT_${upper}_NAME`, [`${role}.name`, "user.name"]);
    const email = pick(`GIT_${upper}_EMAIL`, [`${role}.email`, "user.email"], env.EMAIL || undefined);
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
