/**
 * fetch() for Octokit over node:http and node:https. Node's own fetch (undici) costs a run about 18 ms to load, and
 * parses HTTP with WebAssembly; Octokit needs little of it: a request with a string body, redirects followed as
 * fetch follows them, and the status, headers and body of the answer. Like Node 20's fetch, it does not use
 * HTTP(S)_PROXY.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
  redirect?: "follow" | "manual" | "error";
  signal?: AbortSignal | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** undici's headers and body timeouts. */
const TIMEOUT_MS = 300_000;

/** The part of fetch's Headers a response needs: lower-case names, repeated fields joined by ", ". */
export class ResponseHeaders implements Iterable<[string, string]> {
  private readonly fields = new Map<string, string>();

  constructor(raw: IncomingMessage["headers"]) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.fields.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value);
    }
  }

  get(name: string): string | null {
    return this.fields.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.fields.has(name.toLowerCase());
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.fields.entries();
  }
}

export class HttpResponse {
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly body = null;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: ResponseHeaders,
    private readonly bytes: Buffer,
    redirects: number,
  ) {
    this.ok = status >= 200 && status < 300;
    this.redirected = redirects > 0;
  }

  async text(): Promise<string> {
    return this.bytes.toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString("utf8"));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.bytes).buffer;
  }
}

/**
 * fetch's failure. `permanent` marks what no retry can mend: a certificate Node does not trust, a redirect loop, a
 * scheme fetch cannot speak (see resilience.ts).
 */
const failed = (cause: unknown, permanent = false) => Object.assign(new TypeError("fetch failed", { cause }), permanent ? { permanent } : {});
/**
 * TLS failures a retry cannot mend: a certificate Node does not trust (CERT_*, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...,
 * ERR_TLS_CERT_ALTNAME_INVALID), and a protocol mismatch, which Node 20 reports as EPROTO with OpenSSL's reason.
 */
function untrusted(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (/CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(String(code ?? ""))) return true;
  return code === "EPROTO" && /wrong version number|unsupported protocol|alert protocol version|no protocols available/i.test(String(message ?? ""));
}

export async function httpFetch(input: string | URL, init: FetchInit = {}): Promise<HttpResponse> {
  let url = new URL(String(input));
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body ?? undefined;
  let headers: Record<string, string> = Object.fromEntries(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  for (let redirects = 0; ; redirects++) {
    const response = await send(url, method, headers, body, init.signal ?? undefined, redirects);
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null || init.redirect === "manual") return response;
    if (init.redirect === "error") throw failed(new Error(`${method} ${url.href} redirects to ${location}`), true);
    if (redirects === MAX_REDIRECTS) throw failed(new Error(`more than ${MAX_REDIRECTS} redirects from ${String(input)}`), true);
    const next = new URL(location, url);
    // As fetch does: 303, and 301/302 after a POST, go on with a GET and no body; other origins get no credentials.
    if ((response.status === 303 && method !== "HEAD") || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers = without(headers, ["content-type", "content-length", "content-encoding", "content-language", "content-location"]);
    }
    if (next.origin !== url.origin) headers = without(headers, ["authorization", "cookie", "proxy-authorization"]);
    url = next;
  }
}

function without(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

/** The body as sent, decoded when the server compressed it anyway (a proxy in front of GitHub Enterprise may). */
function decode(body: Buffer, encoding: string | null): Buffer {
  // A 204 or 304 has no body to decode, whatever its headers say.
  if (body.length === 0) return body;
  switch (encoding?.trim().toLowerCase() ?? "identity") {
    case "identity":
    case "":
      return body;
    case "gzip":
    case "x-gzip":
      return gunzipSync(body);
    case "deflate":
      return inflateSync(body);
    case "br":
      return brotliDecompressSync(body);
    default:
      throw new Error(`cannot decode a body in content-encoding ${encoding}`);
  }
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined, redirects: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") return reject(failed(new Error(`cannot fetch ${url.protocol} URLs`), true));
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => request.destroy();
    const settle = (outcome: () => void) => {
      signal?.removeEventListener("abort", abort);
      outcome();
    };
    // An aborted request fails with the signal's reason, as fetch does, whatever state it was in.
    const fail = (error: unknown) => settle(() => reject(signal?.aborted ? signal.reason : failed(error, untrusted(error))));
    const sent = {
      // Plain answers, please; decode() handles a proxy that compresses anyway.
      "accept-encoding": "identity",
      ...headers,
      ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
    };
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers: sent, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("end", () => {
        try {
          const headers = new ResponseHeaders(response.headers);
          const bytes = decode(Buffer.concat(chunks), headers.get("content-encoding"));
          settle(() => resolve(new HttpResponse(response.statusCode ?? 0, response.statusMessage ?? "", url.href, headers, bytes, redirects)));
        } catch (error) {
          fail(error);
        }
      });
      response.on("close", () => {
        if (!response.complete) fail(new Error(`the connection to ${url.host} closed before the answer was complete`));
      });
    });
    request.on("error", fail);
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url.host} in ${TIMEOUT_MS / 1000} s`)));
    signal?.addEventListener("abort", abort, { once: true });
    request.end(body);
  });
}
