// ec.telemetry against the real server: push/history/recent/latest/aggregate and the live stream (SSE, and the
// polling fallback behind a real HTTP proxy that has no stream endpoint).
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { EdgeConductor, EdgeConductorError } from "@edgeconductor/sdk";
import { BASE_URL, eventually, mqttPublish, newOrg, uniq } from "./helpers.mjs";

let ec, org;
before(async () => ({ ec, org } = await newOrg("telemetry")));

async function device(type = "EC-CLIMATE-V1") {
  const serial = uniq("TM");
  const d = await ec.devices.register({ serial_no: serial, product_type: type });
  return { serial, secret: d.device_secret };
}

describe("telemetry", () => {
  test("push, then history (oldest first), recent (newest first, limit), latest and aggregate", async () => {
    const { serial } = await device();
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 3; i++) {
      const r = await ec.telemetry.push(serial, { ts: new Date(t0 + i * 1000).toISOString(), temp: 20 + i, hum: 50 });
      assert.equal(r.ok, true);
    }
    const history = await eventually(async () => {
      const h = await ec.telemetry.history(serial, { hours: 1 });
      return h.length === 3 ? h : null;
    }, "3 records in history");
    assert.deepEqual(history.map((r) => r.temp), [20, 21, 22]);
    assert.equal(typeof history[0].ts, "string");
    assert.deepEqual((await ec.telemetry.history(serial, { hours: 24, limit: 2 })).map((r) => r.temp), [21, 22]);
    const recent = await ec.telemetry.recent(serial, 2);
    assert.deepEqual(recent.map((r) => r.temp), [22, 21]);
    assert.equal((await ec.telemetry.recent(serial)).length, 3);
    const latest = await ec.telemetry.latest(serial);
    assert.equal(latest.metrics.temp.value, 22);
    const buckets = await ec.telemetry.aggregate(serial, { metric: "temp", interval: "1h" });
    assert.equal(buckets.reduce((n, b) => n + b.count, 0), 3);
  });

  test("a batch (array) is accepted; a bad value is 400 naming the key", async () => {
    const { serial } = await device();
    const r = await ec.telemetry.push(serial, [{ temp: 1 }, { temp: 2 }]);
    assert.equal(r.ok, true);
    const e = await ec.telemetry.push(serial, { temp: "x".repeat(9000) }).catch((x) => x);
    assert.ok(e instanceof EdgeConductorError);
    assert.equal(e.status, 400);
    await assert.rejects(ec.telemetry.history(serial, { hours: 0 }), RangeError);
  });
});

/** Starts a stream and returns its calls and a promise of the first `sse`/`poll` transport report. */
function startStream(client, serial, options) {
  const calls = [];
  const errors = [];
  let connected;
  const transport = new Promise((r) => (connected = r));
  const handle = client.telemetry.stream(serial, (rec) => calls.push(rec), {
    includeLatest: false, ...options, onError: (e) => errors.push(e), onTransport: (t) => connected(t),
  });
  return { calls, errors, transport, handle };
}

describe("telemetry.stream", () => {
  test("SSE: a reading pushed over HTTPS and one published over MQTT reach the callback; an unchanged payload does not", async () => {
    const { serial, secret } = await device();
    const s = startStream(ec, serial, { intervalMs: 200 });
    try {
      assert.equal(await s.transport, "sse");
      await ec.telemetry.push(serial, { temp: 21.5, hum: 40 });
      await eventually(() => s.calls.length === 1, "the first reading on the stream");
      // The same payload again (a new reading, same values): no callback. B afterwards is the control that arrives,
      // and the stream keeps order, so a callback for the repeat would have come before it.
      await ec.telemetry.push(serial, { hum: 40, temp: 21.5 });
      await mqttPublish(serial, secret, "telemetry", { temp: 22.0, hum: 41 });
      await eventually(() => s.calls.length >= 2, "the MQTT reading on the stream");
      assert.deepEqual(s.calls.map(({ ts, ...d }) => d), [{ temp: 21.5, hum: 40 }, { temp: 22.0, hum: 41 }]);
      assert.equal(typeof s.calls[0].ts, "string");
    } finally {
      s.handle.stop();
      await s.handle.done;
    }
    const n = s.calls.length;
    await ec.telemetry.push(serial, { temp: 99 });
    await ec.telemetry.recent(serial, 1); // the reading is committed; a running stream would have had it by now
    assert.equal(s.calls.length, n, "no callback after stop()");
  });

  test("includeLatest (default) first reports the latest stored record", async () => {
    const { serial } = await device();
    await ec.telemetry.push(serial, { co2: 700 });
    await eventually(async () => (await ec.telemetry.recent(serial, 1)).length === 1, "the stored reading");
    const calls = [];
    const h = ec.telemetry.stream(serial, (r) => calls.push(r), { intervalMs: 200 });
    try {
      await eventually(() => calls.length === 1, "the latest record");
      assert.equal(calls[0].co2, 700);
    } finally {
      h.stop();
      await h.done;
    }
  });

  test("an unknown device ends the stream with 404 reported to onError (the SSE endpoint answers problem+json, not 500)", async () => {
    const errors = [];
    const h = ec.telemetry.stream(uniq("NOPE"), () => assert.fail("no callback"),
      { includeLatest: false, onError: (e) => errors.push(e), intervalMs: 100 });
    await h.done;
    assert.equal(errors.length, 1);
    assert.equal(errors[0].status, 404);
    assert.equal(errors[0].code, "NOT_FOUND");
  });

  test("a wrong key ends the stream with 401 UNAUTHORIZED", async () => {
    const { serial } = await device();
    const errors = [];
    const bad = new EdgeConductor({ baseUrl: BASE_URL, apiKey: "ec_live_wrong" });
    const h = bad.telemetry.stream(serial, () => assert.fail("no callback"), { includeLatest: false, onError: (e) => errors.push(e), intervalMs: 100 });
    await h.done;
    assert.deepEqual(errors.map((e) => [e.status, e.code]), [[401, "UNAUTHORIZED"]]);
  });

  describe("fallback to polling", () => {
    let proxy, proxyUrl, recentRequests = 0, streamRequests = 0;
    before(async () => {
      // A real HTTP proxy in front of the server that answers 404 for the stream endpoint (a server or gateway
      // without SSE) and forwards everything else.
      const target = new URL(BASE_URL);
      proxy = http.createServer((req, res) => {
        if (/\/stream(\?|$)/.test(req.url)) {
          streamRequests++;
          res.writeHead(404, { "content-type": "application/problem+json" }).end(JSON.stringify({ status: 404, code: "NOT_FOUND", title: "Not Found" }));
          return;
        }
        if (req.url.includes("/telemetry/recent")) recentRequests++;
        const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        });
        up.on("error", () => res.destroy());
        req.pipe(up);
      });
      await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
      proxyUrl = `http://127.0.0.1:${proxy.address().port}/api/v1`;
    });
    after(() => new Promise((r) => proxy.close(r)));

    test("polls telemetry/recent every intervalMs, calls back on changes only", async () => {
      const { serial } = await device();
      const client = new EdgeConductor({ baseUrl: proxyUrl, apiKey: (await newOrgKey()) });
      const s = startStream(client, serial, { intervalMs: 100 });
      try {
        assert.equal(await s.transport, "poll");
        assert.ok(streamRequests >= 1, "the SSE endpoint was tried first");
        await ec.telemetry.push(serial, { temp: 10 });
        await eventually(() => s.calls.length === 1, "the first polled reading");
        await ec.telemetry.push(serial, { temp: 10 });
        // Let at least two full polls see the repeated payload before the control reading.
        const seen = recentRequests;
        await eventually(() => recentRequests >= seen + 2, "two polls after the repeat");
        await ec.telemetry.push(serial, { temp: 11 });
        await eventually(() => s.calls.length >= 2, "the changed reading");
        assert.deepEqual(s.calls.map((r) => r.temp), [10, 11]);
      } finally {
        s.handle.stop();
        await s.handle.done;
      }
    });

    test("transport 'poll' never tries SSE", async () => {
      const { serial } = await device();
      const before = streamRequests;
      const client = new EdgeConductor({ baseUrl: proxyUrl, apiKey: (await newOrgKey()) });
      const s = startStream(client, serial, { intervalMs: 50, transport: "poll" });
      await ec.telemetry.push(serial, { temp: 5 });
      await eventually(() => s.calls.length === 1, "the polled reading");
      s.handle.stop();
      await s.handle.done;
      assert.equal(streamRequests, before);
    });
  });
});

// The devices above belong to this file's org; the proxy clients use a key of the same org.
let sharedKey;
async function newOrgKey() {
  sharedKey ??= (await ec.apiKeys.generate(org.id, "proxy")).key;
  return sharedKey;
}
