// Surface check: every public method of every resource is called here against a recording fetch, and each REST
// path + method it sends must exist in the real server's OpenAPI document (GET /openapi/v1.json of the test server).
// A new SDK method without a line in CALLS fails the coverage assertion; a path the server does not have fails the match.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { EdgeConductor, collect } from "@edgeconductor/sdk";
import { SERVER_URL } from "./helpers.mjs";

const S = "EC-1", ORG = "org-1", ID = "id-1";
/** [resource, method, call, reply?]: one line per public method. */
const CALLS = [
  ["devices", "register", (ec) => ec.devices.register({ serial_no: S, product_type: "T" })],
  ["devices", "list", (ec) => ec.devices.list({ orgId: ORG, tenantId: ID })],
  ["devices", "listAll", (ec) => collect(ec.devices.listAll()), "[]"],
  ["devices", "get", (ec) => ec.devices.get(S)],
  ["devices", "getShadow", (ec) => ec.devices.getShadow(S)],
  ["devices", "shadow", (ec) => ec.devices.shadow(S)],
  ["devices", "pushConfig", (ec) => ec.devices.pushConfig(S, { relay: true }, { version: 3 })],
  ["devices", "reboot", (ec) => ec.devices.reboot(S)],
  ["devices", "assign", (ec) => ec.devices.assign(S, { orgId: ORG, roomId: ID })],
  ["devices", "setTags", (ec) => ec.devices.setTags(S, ["a"])],
  ["devices", "delete", (ec) => ec.devices.delete(S, { force: true })],
  ["devices", "rotateSecret", (ec) => ec.devices.rotateSecret(S)],
  ["telemetry", "push", (ec) => ec.telemetry.push(S, { temp: 1 })],
  ["telemetry", "history", (ec) => ec.telemetry.history(S, { hours: 6, limit: 5 })],
  ["telemetry", "recent", (ec) => ec.telemetry.recent(S, 5)],
  ["telemetry", "latest", (ec) => ec.telemetry.latest(S)],
  ["telemetry", "aggregate", (ec) => ec.telemetry.aggregate(S, { metric: "temp", interval: "1h" })],
  ["telemetry", "stream", (ec) => new Promise((resolve) => {
    const h = ec.telemetry.stream(S, () => {}, { includeLatest: false, transport: "sse", onTransport: () => { h.stop(); resolve(h.done); } });
  }), "sse"],
  ["rules", "list", (ec) => ec.rules.list(ORG)],
  ["rules", "get", (ec) => ec.rules.get(ID)],
  ["rules", "threshold", (ec) => ec.rules.threshold(ORG, { name: "n", field: "co2", op: ">", value: 1, action: { key: "relay", value: true }, webhookUrl: "https://x" })],
  ["rules", "schedule", (ec) => ec.rules.schedule(ORG, { name: "n", time: "07:00", days: ["mon"], action: { key: "relay", value: true } })],
  ["rules", "enable", (ec) => ec.rules.enable(ID)],
  ["rules", "disable", (ec) => ec.rules.disable(ID)],
  ["rules", "update", (ec) => ec.rules.update(ID, { name: "m" })],
  ["rules", "delete", (ec) => ec.rules.delete(ID)],
  ["rules", "test", (ec) => ec.rules.test(ID)],
  ["orgs", "list", (ec) => ec.orgs.list()],
  ["orgs", "listAll", (ec) => collect(ec.orgs.listAll()), "[]"],
  ["orgs", "get", (ec) => ec.orgs.get(ORG)],
  ["orgs", "create", (ec) => ec.orgs.create({ name: "Acme" })],
  ["orgs", "update", (ec) => ec.orgs.update(ORG, { name: "Acme 2" })],
  ["orgs", "rooms", (ec) => ec.orgs.rooms(ORG)],
  ["orgs", "createRoom", (ec) => ec.orgs.createRoom(ORG, { name: "Lab" })],
  ["audit", "list", (ec) => ec.audit.list(ORG, { limit: 5 })],
  ["audit", "listAll", (ec) => collect(ec.audit.listAll(ORG)), "[]"],
  ["notifications", "list", (ec) => ec.notifications.list(ORG, { unread: true })],
  ["notifications", "unreadCount", (ec) => ec.notifications.unreadCount(ORG)],
  ["notifications", "markRead", (ec) => ec.notifications.markRead(ID)],
  ["notifications", "markAllRead", (ec) => ec.notifications.markAllRead(ORG)],
  ["anomalies", "list", (ec) => ec.anomalies.list(ORG, { unacked: true, limit: 5 })],
  ["anomalies", "get", (ec) => ec.anomalies.get(ID)],
  ["anomalies", "acknowledge", (ec) => ec.anomalies.acknowledge(ID)],
  ["anomalies", "settings", (ec) => ec.anomalies.settings(ORG)],
  ["anomalies", "updateSettings", (ec) => ec.anomalies.updateSettings(ORG, {})],
  ["firmware", "list", (ec) => ec.firmware.list()],
  ["firmware", "get", (ec) => ec.firmware.get(ID)],
  ["firmware", "upload", (ec) => ec.firmware.upload(ORG, new Uint8Array([1]), { version: "1.0.0", product_type: "T" })],
  ["firmware", "delete", (ec) => ec.firmware.delete(ID)],
  ["firmware", "push", (ec) => ec.firmware.push(S, ID)],
  ["apiKeys", "generate", (ec) => ec.apiKeys.generate(ORG, "k")],
  ["apiKeys", "list", (ec) => ec.apiKeys.list(ORG)],
  ["apiKeys", "revoke", (ec) => ec.apiKeys.revoke(ID)],
  ["commands", "send", (ec) => ec.commands.send(S, "reboot")],
  ["commands", "get", (ec) => ec.commands.get(S, ID)],
  ["commands", "list", (ec) => ec.commands.list(S)],
  ["commands", "wait", (ec) => ec.commands.wait(S, ID)],
  ["otaJobs", "create", (ec) => ec.otaJobs.create(ORG, { firmware_id: ID })],
  ["otaJobs", "list", (ec) => Promise.all([ec.otaJobs.list(), ec.otaJobs.list({ orgId: ORG })])],
  ["otaJobs", "get", (ec) => ec.otaJobs.get(12, { devices: true })],
  ["otaJobs", "pause", (ec) => ec.otaJobs.pause(ID)],
  ["otaJobs", "resume", (ec) => ec.otaJobs.resume(ID)],
  ["otaJobs", "cancel", (ec) => ec.otaJobs.cancel(ID)],
  ["webhooks", "deliveries", (ec) => ec.webhooks.deliveries(ORG)],
  ["webhooks", "ruleDeliveries", (ec) => ec.webhooks.ruleDeliveries(ID)],
  ["webhooks", "getDelivery", (ec) => ec.webhooks.getDelivery(ID)],
  ["webhooks", "replay", (ec) => ec.webhooks.replay(ID)],
  ["webhooks", "rotateSecret", (ec) => ec.webhooks.rotateSecret(ORG, { graceSeconds: 60 })],
  ["webhooks", "secretInfo", (ec) => ec.webhooks.secretInfo(ORG)],
  ["webhooks", "verify", null], // local: no request
  ["auth", "me", (ec) => ec.auth.me()],
  ["auth", "login", (ec) => ec.auth.login("a@b.c", "p")],
  ["auth", "refresh", (ec) => ec.auth.refresh("t")],
  ["auth", "logout", (ec) => ec.auth.logout("t")],
];
/** Private helpers TypeScript leaves on the prototypes (not part of the surface). */
const PRIVATE = new Set(["telemetry.deviceMissing", "rules.create", "otaJobs.control"]);
/** The seed 000 "SDK Reference" surface, which must all be present. */
const SEED = ["devices.register", "devices.list", "devices.get", "devices.getShadow", "devices.pushConfig", "devices.reboot", "devices.assign",
  "telemetry.push", "telemetry.history", "telemetry.recent", "telemetry.stream", "rules.list", "rules.threshold", "rules.schedule", "rules.enable",
  "rules.disable", "rules.delete", "orgs.list", "orgs.get", "orgs.rooms", "orgs.createRoom", "audit.list", "notifications.list",
  "notifications.markRead", "notifications.markAllRead", "anomalies.list", "anomalies.acknowledge", "firmware.list", "firmware.push",
  "apiKeys.generate", "apiKeys.list", "apiKeys.revoke"];

let operations; // [{ method, regex, template }]
before(async () => {
  const doc = await (await fetch(`${SERVER_URL}/openapi/v1.json`)).json();
  operations = [];
  for (const [template, item] of Object.entries(doc.paths))
    for (const method of Object.keys(item))
      if (["get", "post", "put", "patch", "delete"].includes(method))
        operations.push({ method: method.toUpperCase(), template, regex: new RegExp("^" + template.replace(/\{[^}]+\}/g, "[^/]+") + "$") });
  assert.ok(operations.length > 50, "the OpenAPI document lists the API");
});

test("every public SDK method is in the surface table, and the seed's surface is all there", () => {
  const ec = new EdgeConductor({ baseUrl: "http://sdk.test/api/v1" });
  const listed = new Set(CALLS.map(([r, m]) => `${r}.${m}`));
  for (const resource of Object.keys(ec)) {
    if (typeof ec[resource] !== "object") continue;
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(ec[resource]))) {
      if (name === "constructor" || PRIVATE.has(`${resource}.${name}`)) continue;
      assert.ok(listed.has(`${resource}.${name}`), `${resource}.${name} has no line in CALLS`);
    }
  }
  for (const m of SEED) {
    const [r, name] = m.split(".");
    assert.equal(typeof ec[r]?.[name], "function", `seed 000 method ${m}`);
  }
});

test("every REST path and method the SDK sends exists in the server's /openapi/v1.json", async () => {
  const missing = [];
  let reply = "{}";
  const sent = [];
  const recordingFetch = async (url, init) => {
    sent.push({ method: init.method, url: new URL(url) });
    if (reply === "sse") return new Response("", { status: 200, headers: { "content-type": "text/event-stream" } });
    return new Response(reply === "{}" ? '{"state":"succeeded","shadow_reported":{}}' : reply, { status: 200, headers: { "content-type": "application/json" } });
  };
  const ec = new EdgeConductor({ baseUrl: "http://sdk.test/api/v1", apiKey: "k", fetch: recordingFetch });
  for (const [resource, method, call, r] of CALLS) {
    if (!call) continue;
    sent.length = 0;
    reply = r ?? "{}";
    await call(ec);
    assert.ok(sent.length > 0, `${resource}.${method} sent no request`);
    for (const s of sent) {
      const path = s.url.pathname;
      if (!operations.some((o) => o.method === s.method && o.regex.test(path))) missing.push(`${resource}.${method}: ${s.method} ${path}`);
    }
  }
  assert.deepEqual(missing, [], "SDK calls the server does not document");
});
