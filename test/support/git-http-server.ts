// Serves bare repositories under `root` over smart HTTP on loopback through `git http-backend` (CGI), and
// records the Authorization headers it receives. Requests without the expected header get 401.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface GitHttpServer {
  url: string;
  /** Every Authorization header value received, one entry per header line (duplicates kept). */
  authorizations: string[][];
  close(): Promise<void>;
}

export async function startGitHttpServer(root: string, expectedAuthorization: string): Promise<GitHttpServer> {
  const authorizations: string[][] = [];
  const server = createServer((req, res) => {
    const auth: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i]?.toLowerCase() === "authorization") auth.push(req.rawHeaders[i + 1] ?? "");
    }
    authorizations.push(auth);
    if (auth.length !== 1 || auth[0] !== expectedAuthorization) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const cgi = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: "x-access-token", // http-backend allows push only to an authenticated user
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on("data", (c: Buffer) => out.push(c));
    cgi.on("close", () => {
      const all = Buffer.concat(out);
      const split = all.indexOf("\r\n\r\n") >= 0 ? all.indexOf("\r\n\r\n") + 4 : all.indexOf("\n\n") + 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of all.subarray(0, split).toString("utf8").split(/\r?\n/)) {
        const [name, ...rest] = line.split(":");
        if (!name || rest.length === 0) continue;
        if (name.toLowerCase() === "status") status = Number.parseInt(rest.join(":").trim(), 10);
        else headers[name.trim()] = rest.join(":").trim();
      }
      res.writeHead(status, headers).end(all.subarray(split));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
