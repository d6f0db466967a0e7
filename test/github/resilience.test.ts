/** When a failed GitHub request is tried again, and after how long (in units of retryAfterBaseMs). */
import { describe, expect, it } from "vitest";
import { retryDelay } from "../../src/github/resilience.js";

const request = { method: "POST", url: "/repos/{owner}/{repo}/pulls" };
const failed = (status: number, message = "x", headers: Record<string, string> = {}) => ({ status, message, response: { headers } });

function delay(error: unknown, retryCount = 0, allow = true) {
  const told: string[] = [];
  const units = retryDelay(error, retryCount, { retries: 3, onRateLimit: (kind, after, _r, count) => (told.push(`${kind} ${after}s #${count}`), allow) }, request, 1_000_000);
  return { units, told };
}

describe("retryDelay", () => {
  it("backs off server errors and network failures (Octokit reports both as 5xx) by (n+1)², up to the retries", () => {
    expect([0, 1, 2, 3].map((n) => delay(failed(502), n).units)).toEqual([1, 4, 9, undefined]);
    expect(delay(failed(500, "fetch failed")).units).toBe(1);
    expect(delay(failed(429)).units).toBe(1);
  });

  it.each([400, 401, 403, 404, 410, 422, 451])("does not retry %i", (status) => {
    expect(delay(failed(status)).units).toBeUndefined();
  });

  it("waits retry-after on a secondary rate limit, 60 without one, and asks first", () => {
    const secondary = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
    expect(delay(failed(403, secondary, { "retry-after": "7" }), 1)).toEqual({ units: 7, told: ["secondary 7s #1"] });
    expect(delay(failed(429, secondary)).units).toBe(60);
    expect(delay(failed(403, secondary), 0, false).units).toBeUndefined();
  });

  it("waits for the primary rate limit's reset, one second past it", () => {
    const limited = failed(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(1_000_000 / 1000 + 5) });
    expect(delay(limited)).toEqual({ units: 6, told: ["primary 6s #0"] });
  });

  it("does not retry a request its caller aborted (Octokit gives it status 500)", () => {
    expect(delay(Object.assign(new Error("This operation was aborted"), { name: "AbortError", status: 500 })).units).toBeUndefined();
  });

  it("retries at once when the primary limit's reset is missing or not a number", () => {
    for (const reset of [undefined, "soon"]) {
      const headers: Record<string, string> = { "x-ratelimit-remaining": "0", ...(reset === undefined ? {} : { "x-ratelimit-reset": reset }) };
      expect(delay(failed(403, "API rate limit exceeded", headers)).units).toBe(0);
    }
  });

  it("does not retry what fails the same way every time (an untrusted certificate, a redirect loop)", () => {
    expect(delay({ ...failed(500, "self-signed certificate"), cause: Object.assign(new TypeError("fetch failed"), { permanent: true }) }).units).toBeUndefined();
    expect(delay({ ...failed(500, "connect ECONNREFUSED"), cause: new TypeError("fetch failed") }).units).toBe(1);
  });

  it("throws what is not an HTTP error", () => {
    expect(delay(new TypeError("bug")).units).toBeUndefined();
    expect(delay(undefined).units).toBeUndefined();
  });
});
