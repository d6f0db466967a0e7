/** The fetch Octokit uses, against real HTTP servers on loopback. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getEventListeners } from "node:events";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { httpFetch } from "../../src/github/http-fetch.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(answer: (seen: Seen, response: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body };
      seen.push(entry);
      answer(entry, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("httpFetch", () => {
  it("sends the method, headers and body, and answers status, headers and body as fetch does", async () => {
    const { url, seen } = await serve((_seen, response) => {
      response.writeHead(201, "Created", { "Content-Type": "application/json; charset=utf-8", "X-RateLimit-Remaining": "42", "Set-Cookie": ["a=1", "b=2"] });
      response.end(JSON.stringify({ number: 7, title: "ünïcode" }));
    });

    const response = await httpFetch(`${url}/repos/acme/r/pulls`, { method: "post", headers: { Authorization: "token t", "content-type": "application/json" }, body: '{"title":"ü"}' });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/repos/acme/r/pulls", body: '{"title":"ü"}' });
    expect(seen[0]!.headers).toMatchObject({ authorization: "token t", "content-type": "application/json", "content-length": "14", "accept-encoding": "identity" });
    expect([response.status, response.statusText, response.ok, response.redirected, response.url]).toEqual([201, "Created", true, false, `${url}/repos/acme/r/pulls`]);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("42");
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(Object.fromEntries(response.headers)).toMatchObject({ "x-ratelimit-remaining": "42", "set-cookie": "a=1, b=2" });
    expect(await response.json()).toEqual({ number: 7, title: "ünïcode" });
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe('{"number":7,"title":"ünïcode"}');
  });

  it("answers error statuses rather than throwing, with their body", async () => {
    const { url } = await serve((_seen, response) => response.writeHead(422, { "content-type": "application/json" }).end('{"message":"Validation Failed"}'));
    const response = await httpFetch(url);
    expect([response.status, response.ok, await response.text()]).toEqual([422, false, '{"message":"Validation Failed"}']);
  });

  it("follows redirects as fetch does: 307 keeps the method and body, 301 after a POST and 303 go on with a GET", async () => {
    const { url, seen } = await serve(({ url: path }, response) => {
      if (path === "/old") return response.writeHead(307, { location: "/moved" }).end();
      if (path === "/moved") return response.writeHead(301, { location: "/final" }).end();
      if (path === "/see") return response.writeHead(303, { location: "/final" }).end();
      response.end("done");
    });

    const response = await httpFetch(`${url}/old`, { method: "POST", headers: { "content-type": "application/json", authorization: "token t" }, body: "{}" });

    expect(await response.text()).toBe("done");
    expect([response.redirected, response.url]).toEqual([true, `${url}/final`]);
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers["content-type"] ?? null, s.headers.authorization])).toEqual([
      ["POST", "/old", "{}", "application/json", "token t"],
      ["POST", "/moved", "{}", "application/json", "token t"],
      ["GET", "/final", "", null, "token t"],
    ]);
    await httpFetch(`${url}/see`, { method: "PATCH", body: "x" });
    expect(seen.slice(-2).map((s) => [s.method, s.body])).toEqual([["PATCH", "x"], ["GET", ""]]);
  });

  it("does not send the token to another origin a redirect points at", async () => {
    const other = await serve((_seen, response) => response.end("elsewhere"));
    const { url } = await serve((_seen, response) => response.writeHead(302, { location: `${other.url}/x` }).end());

    expect(await (await httpFetch(url, { headers: { authorization: "token t", accept: "application/json" } })).text()).toBe("elsewhere");
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
    expect(other.seen[0]!.headers.accept).toBe("application/json");
  });

  it("returns the redirect itself with redirect: manual, refuses it with redirect: error, and stops a loop", async () => {
    const { url, seen } = await serve((_seen, response) => response.writeHead(302, { location: "/loop" }).end());

    expect((await httpFetch(url, { redirect: "manual" })).status).toBe(302);
    await expect(httpFetch(url, { redirect: "error" })).rejects.toThrow("fetch failed");
    const loop = await httpFetch(url).catch((error: TypeError) => error);
    expect(loop).toBeInstanceOf(TypeError);
    expect(loop).toMatchObject({ permanent: true });
    expect(String((loop as TypeError).cause)).toMatch(/more than 20 redirects/);
    expect(seen.length).toBe(2 + 21);
  });

  it("fails as fetch does when the server cannot be reached or drops the connection (TypeError, cause named)", async () => {
    const { url } = await serve(() => undefined);
    const closed = url.replace(/:\d+$/, ":1");
    const refused = await httpFetch(closed).catch((error: TypeError) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).message).toBe("fetch failed");
    expect(((refused as TypeError).cause as Error).message).toMatch(/ECONNREFUSED/);

    const dropping = await serve((_seen, response) => response.socket?.destroy());
    await expect(httpFetch(dropping.url, { method: "POST", body: "{}" })).rejects.toThrow("fetch failed");

    const halfway = await serve((_seen, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write("partial");
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await expect(httpFetch(halfway.url)).rejects.toThrow("fetch failed");
    await expect(httpFetch("ftp://example.invalid/x")).rejects.toThrow("fetch failed");
  });

  it("decodes an answer a proxy compressed anyway, and refuses an encoding it cannot decode", async () => {
    const { url } = await serve(({ url: path }, response) => {
      const text = '{"message":"compressed"}';
      if (path === "/gzip") return response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(text));
      if (path === "/br") return response.writeHead(200, { "content-encoding": "br" }).end(brotliCompressSync(text));
      if (path === "/deflate") return response.writeHead(200, { "content-encoding": "deflate" }).end(deflateSync(text));
      if (path === "/empty") return response.writeHead(204, { "content-encoding": "gzip" }).end();
      response.writeHead(200, { "content-encoding": "zstd" }).end("??");
    });
    for (const path of ["/gzip", "/br", "/deflate"]) expect(await (await httpFetch(`${url}${path}`)).json()).toEqual({ message: "compressed" });
    expect((await httpFetch(`${url}/empty`)).status).toBe(204);
    await expect(httpFetch(`${url}/zstd`)).rejects.toThrow("fetch failed");
  });

  it("goes on with a GET after a 302 to a POST", async () => {
    const { url, seen } = await serve(({ url: path }, response) => (path === "/post" ? response.writeHead(302, { location: "/got" }).end() : response.end("ok")));
    await httpFetch(`${url}/post`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([["POST", "/post", "{}"], ["GET", "/got", ""]]);
  });

  it("marks a certificate it does not trust as a failure no retry can mend", async () => {
    const dir = mkdtempSync(join(tmpdir(), "http-fetch-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    const server = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_request, response) => response.end("ok"));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const error = await httpFetch(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`).catch((e: TypeError) => e);
    expect(error).toMatchObject({ message: "fetch failed", permanent: true, cause: { code: "DEPTH_ZERO_SELF_SIGNED_CERT" } });
    // https to a server that speaks plain HTTP: the same mismatch every time.
    const plain = await serve((_seen, response) => response.end("plain"));
    const mismatch = await httpFetch(plain.url.replace("http:", "https:")).catch((e: TypeError) => e);
    expect(mismatch).toMatchObject({ message: "fetch failed", permanent: true, cause: { code: "EPROTO" } });
    // A refused connection may mend: no mark.
    const refused = await httpFetch("http://127.0.0.1:1/").catch((e: TypeError) => e);
    expect(refused).not.toHaveProperty("permanent");
  });

  it("stops when its signal aborts, with the signal's reason", async () => {
    const { url } = await serve(() => undefined);
    const controller = new AbortController();
    const pending = httpFetch(url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await expect(httpFetch(url, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });

    // Also after the headers came, while the body is on its way.
    const slow = await serve((_seen, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write("partial");
    });
    const midBody = new AbortController();
    const reading = httpFetch(slow.url, { signal: midBody.signal });
    setTimeout(() => midBody.abort(), 30);
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
  });

  it("leaves no listener on a signal it was given, however many requests share it", async () => {
    const { url } = await serve((_seen, response) => response.end("ok"));
    const shared = new AbortController();
    for (let i = 0; i < 12; i++) await httpFetch(url, { signal: shared.signal });
    expect(getEventListeners(shared.signal, "abort")).toEqual([]);
  });
});
