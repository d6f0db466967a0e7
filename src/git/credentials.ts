const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`, "utf8").toString("base64");
}

/**
 * Environment for ONE git process (push, fetch, ls-remote) so that it authenticates to an https remote with
 * `token` through an extra HTTP header given as command-scope config. Nothing lands in the remote URL,
 * .git/config or the reflog. Undefined for ssh, file and scp-like remotes (they have their own auth), and for
 * plain http to anything but loopback, where the token would cross the network in clear.
 *
 * `inherited` is the environment git will also receive: config entries it already passes through
 * GIT_CONFIG_COUNT are kept and ours are appended after them.
 */
export function tokenPushEnv(
  remoteUrl: string,
  token: string,
  inherited: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> | undefined {
  let url: URL;
  try {
    url = new URL(remoteUrl);
  } catch {
    return undefined;
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
  if (!secure || token === "") return undefined;

  const key = `http.${url.protocol}//${url.host}/.extraheader`;
  const start = Number.parseInt(inherited.GIT_CONFIG_COUNT ?? "0", 10) || 0;
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0" };
  // An empty value first clears headers configured elsewhere for the same URL (actions/checkout persists
  // one there): git would otherwise send two Authorization headers and GitHub rejects the request.
  const entries: [string, string][] = [
    [key, ""],
    [key, `AUTHORIZATION: basic ${basicCredential(token)}`],
  ];
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = k;
    env[`GIT_CONFIG_VALUE_${start + i}`] = v;
  });
  env.GIT_CONFIG_COUNT = String(start + entries.length);
  return env;
}

/** Replaces every secret, in the forms a header or URL would carry it, with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(Buffer.from(secret, "utf8").toString("base64"));
    forms.add(basicCredential(secret));
    forms.add(encodeURIComponent(secret));
  }
  let out = text;
  // Longest first, so a secret that contains another is not left half-replaced.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join("***");
  }
  return out;
}
