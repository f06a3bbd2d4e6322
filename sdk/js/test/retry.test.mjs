// Retries: a real HTTP server (node:http) answers 429/503 with Retry-After, then 200; and the real server's own
// rate limit (starter plan, 100 requests a minute) maps to RATE_LIMITED with Retry-After.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { EdgeConductor, EdgeConductorError } from "@edgeconductor/sdk";
import { BASE_URL, newOrg } from "./helpers.mjs";

/** A scripted server: each request takes the next answer of `script` (the last one repeats). */
let server, url, script = [], requests = [];
before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, body, auth: req.headers.authorization });
      const a = script.length > 1 ? script.shift() : script[0];
      res.writeHead(a.status, { "content-type": a.type ?? "application/json", ...a.headers }).end(a.body ?? "");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${server.address().port}/api/v1`;
});
after(() => new Promise((r) => server.close(r)));

const problem = (status, code) => JSON.stringify({ title: "t", status, detail: `d${status}`, code });
function client(options = {}) {
  const retries = [];
  const ec = new EdgeConductor({ baseUrl: url, apiKey: "ec_live_test", onRetry: (i) => retries.push(i), ...options });
  return { ec, retries };
}

describe("retries", () => {
  test("429 with Retry-After: 1, then 200: the call succeeds after waiting the server's 1 s", async () => {
    requests = [];
    script = [{ status: 429, headers: { "retry-after": "1" }, body: problem(429, "RATE_LIMITED") }, { status: 200, body: '{"id":"o1"}' }];
    const { ec, retries } = client();
    const started = Date.now();
    assert.deepEqual(await ec.orgs.get("o1"), { id: "o1" });
    assert.equal(requests.length, 2);
    assert.deepEqual(retries.map((r) => [r.status, r.attempt, r.delayMs, r.method, r.path]), [[429, 1, 1000, "GET", "orgs/o1"]]);
    assert.ok(Date.now() - started >= 950, "it waited for Retry-After before retrying");
    assert.equal(requests[1].auth, "Bearer ec_live_test");
  });

  test("a POST is retried on 429 (refused before it was handled) with the same body", async () => {
    requests = [];
    script = [{ status: 429, headers: { "retry-after": "0" } }, { status: 201, body: '{"id":"r1"}' }];
    const { ec } = client();
    await ec.orgs.createRoom("o1", { name: "Lab" });
    assert.equal(requests.length, 2);
    assert.equal(requests[1].body, requests[0].body);
    assert.deepEqual(JSON.parse(requests[1].body), { name: "Lab" });
  });

  test("503 is retried for an idempotent GET but not for a POST", async () => {
    requests = [];
    script = [{ status: 503, headers: { "retry-after": "0" }, body: problem(503, "SERVICE_UNAVAILABLE") }, { status: 200, body: "[]" }];
    const { ec } = client();
    assert.deepEqual(await ec.orgs.rooms("o1"), []);
    assert.equal(requests.length, 2);
    requests = [];
    script = [{ status: 503, headers: { "retry-after": "0" }, body: problem(503, "SERVICE_UNAVAILABLE") }, { status: 200, body: "{}" }];
    const e = await ec.devices.reboot("EC-1").catch((x) => x);
    assert.ok(e instanceof EdgeConductorError);
    assert.equal(e.status, 503);
    assert.equal(e.code, "SERVICE_UNAVAILABLE");
    assert.equal(e.retryAfter, 0);
    assert.equal(requests.length, 1);
  });

  test("retries are bounded by maxRetries; the last 429 rejects as RATE_LIMITED", async () => {
    requests = [];
    script = [{ status: 429, headers: { "retry-after": "0" }, body: problem(429, "RATE_LIMITED") }];
    const { ec, retries } = client({ maxRetries: 2 });
    const e = await ec.devices.list().catch((x) => x);
    assert.equal(e.status, 429);
    assert.equal(e.code, "RATE_LIMITED");
    assert.equal(requests.length, 3);
    assert.equal(retries.length, 2);
    requests = [];
    const none = client({ maxRetries: 0 });
    assert.equal((await none.ec.devices.list().catch((x) => x)).status, 429);
    assert.equal(requests.length, 1);
  });

  test("Retry-After as an HTTP date, a missing Retry-After (exponential back-off) and the maxRetryDelayMs cap", async () => {
    requests = [];
    script = [
      { status: 429, headers: { "retry-after": new Date(Date.now() + 3_600_000).toUTCString() } },
      { status: 429 },
      { status: 429 },
      { status: 200, body: "[]" },
    ];
    const { ec, retries } = client({ maxRetryDelayMs: 30, retryBaseDelayMs: 10 });
    await ec.devices.list();
    assert.deepEqual(retries.map((r) => r.delayMs), [30, 20, 30]);
  });

  test("an error body that is not JSON still gives status, code and detail", async () => {
    script = [{ status: 502, type: "text/plain", body: "Bad gateway from the proxy" }];
    const { ec } = client();
    const e = await ec.devices.get("EC-1").catch((x) => x);
    assert.equal(e.status, 502);
    assert.equal(e.code, "HTTP_502");
    assert.equal(e.detail, "Bad gateway from the proxy");
  });
});

describe("the real server's rate limit", () => {
  test("a starter org past 100 requests a minute gets 429 RATE_LIMITED with Retry-After", async () => {
    const { ec: keyClient, key } = await newOrg("ratelimit", "starter");
    const ec = new EdgeConductor({ baseUrl: BASE_URL, apiKey: key.key, maxRetries: 0 });
    let error;
    for (let i = 0; i < 150 && !error; i++) error = await ec.auth.me().then(() => undefined, (e) => e);
    assert.ok(error, "the limit was reached within 150 requests");
    assert.equal(error.status, 429);
    assert.equal(error.code, "RATE_LIMITED");
    assert.ok(error.retryAfter >= 1 && error.retryAfter <= 60);
    assert.ok(keyClient);
  });
});
