// ec.rules, orgs, audit, notifications, anomalies, firmware, otaJobs, apiKeys, commands, auth against the real server.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, test } from "node:test";
import { EdgeConductor, EdgeConductorError, collect } from "@edgeconductor/sdk";
import { BASE_URL, eventually, newOrg, uniq } from "./helpers.mjs";

let ec, admin, org;
before(async () => ({ ec, admin, org } = await newOrg("platform")));

async function device(type = "EC-CLIMATE-V1", fw) {
  const serial = uniq("PL");
  const d = await ec.devices.register({ serial_no: serial, product_type: type, ...(fw ? { fw_version: fw } : {}) });
  return { serial, secret: d.device_secret };
}

describe("rules", () => {
  test("threshold: create, list, get, disable/enable, update, test (dry run), fires on a reading, delete", async () => {
    const { serial } = await device();
    const rule = await ec.rules.threshold(org.id, {
      name: "CO2 High Alert", field: "co2", op: ">", value: 1000, action: { key: "relay", value: true }, notify: true,
    });
    assert.equal(rule.rule_type, "threshold");
    assert.equal(rule.enabled, true);
    assert.deepEqual(rule.action, { key: "relay", value: true });
    assert.ok((await ec.rules.list(org.id)).some((r) => r.id === rule.id));
    assert.equal((await ec.rules.get(rule.id)).name, "CO2 High Alert");
    assert.equal((await ec.rules.disable(rule.id)).enabled, false);
    assert.equal((await ec.rules.enable(rule.id)).enabled, true);
    assert.equal((await ec.rules.update(rule.id, { name: "CO2 very high" })).name, "CO2 very high");
    await ec.telemetry.push(serial, { co2: 1500 });
    const desired = await eventually(async () => (await ec.devices.get(serial)).shadow_desired.relay === true, "the rule's action in shadow_desired");
    assert.ok(desired);
    const dry = await ec.rules.test(rule.id);
    assert.equal(typeof dry, "object");
    assert.deepEqual(await ec.rules.delete(rule.id), { deleted: true, id: rule.id });
    assert.equal((await ec.rules.get(rule.id).catch((e) => e)).status, 404);
  });

  test("schedule rule; a bad op is 400 naming the field", async () => {
    const rule = await ec.rules.schedule(org.id, { name: "Morning", time: "07:30", days: ["mon", "tue"], action: { key: "relay", value: false } });
    assert.equal(rule.rule_type, "schedule");
    assert.equal(rule.condition.time, "07:30");
    const e = await ec.rules.threshold(org.id, { name: "x", field: "co2", op: "=>", value: 1, action: { key: "relay", value: true } }).catch((x) => x);
    assert.ok(e instanceof EdgeConductorError);
    assert.equal(e.status, 400);
    assert.match(e.field ?? "", /op/);
  });
});

describe("orgs", () => {
  test("list, listAll, get, create, update, rooms, createRoom", async () => {
    const list = await ec.orgs.list();
    assert.deepEqual(list.map((o) => o.id), [org.id], "an API key sees its own org only");
    assert.ok((await collect(admin.orgs.listAll({ pageSize: 1 }))).some((o) => o.id === org.id));
    const got = await ec.orgs.get(org.id);
    assert.equal(got.name, org.name);
    const created = await admin.orgs.create({ name: uniq("Acme Corp") });
    assert.equal(created.plan, "starter");
    assert.equal((await ec.orgs.update(org.id, { primary_color: "#112233" })).primary_color, "#112233");
    const room = await ec.orgs.createRoom(org.id, { name: "Server room", floor: "1", building: "B" });
    assert.equal(room.building, "B");
    assert.ok((await ec.orgs.rooms(org.id)).some((r) => r.id === room.id));
    const e = await ec.orgs.get(created.id).catch((x) => x);
    assert.equal(e.status, 404, "another org is 404, never 403");
  });
});

describe("audit", () => {
  test("list with limit and action; listAll pages by before_id", async () => {
    for (let i = 0; i < 3; i++) await device();
    const two = await ec.audit.list(org.id, { limit: 2 });
    assert.equal(two.length, 2);
    assert.ok(two[0].id > two[1].id, "newest first");
    const registered = await ec.audit.list(org.id, { action: "device_registered" });
    assert.ok(registered.length >= 3 && registered.every((a) => a.action === "device_registered"));
    const all = await collect(ec.audit.listAll(org.id, { pageSize: 2 }));
    const full = await ec.audit.list(org.id, { limit: 1000 });
    assert.deepEqual(all.map((a) => a.id), full.map((a) => a.id));
  });
});

describe("notifications and anomalies", () => {
  test("a battery below 3.5 V raises a critical anomaly: list, unacked, get, acknowledge; notifications list/unreadCount/markRead/markAllRead", async () => {
    const { serial } = await device();
    await ec.telemetry.push(serial, { bat: 3.0 });
    const anomaly = await eventually(async () => (await ec.anomalies.list(org.id, { serial }))[0], "the battery anomaly");
    assert.equal(anomaly.field, "bat");
    assert.equal(anomaly.severity, "critical");
    assert.ok((await ec.anomalies.list(org.id, { unacked: true, limit: 10 })).some((a) => a.id === anomaly.id));
    assert.equal((await ec.anomalies.get(anomaly.id)).serial, serial);
    const acked = await ec.anomalies.acknowledge(anomaly.id);
    assert.equal(acked.acknowledged, true);
    assert.ok(!(await ec.anomalies.list(org.id, { unacked: true })).some((a) => a.id === anomaly.id));
    const settings = await ec.anomalies.settings(org.id);
    assert.equal(typeof settings, "object");
    assert.equal(typeof (await ec.anomalies.updateSettings(org.id, {})), "object");

    const notes = await eventually(async () => {
      const n = await ec.notifications.list(org.id, { unread: true });
      return n.length > 0 ? n : null;
    }, "a notification");
    const before = (await ec.notifications.unreadCount(org.id)).unread_count;
    assert.ok(before >= 1);
    const read = await ec.notifications.markRead(notes[0].id);
    assert.ok(read.read_at);
    assert.equal((await ec.notifications.unreadCount(org.id)).unread_count, before - 1);
    const all = await ec.notifications.markAllRead(org.id);
    assert.equal(all.updated, before - 1);
    assert.equal((await ec.notifications.unreadCount(org.id)).unread_count, 0);
    assert.ok((await ec.notifications.list(org.id)).length >= 1);
  });
});

describe("firmware and OTA jobs", () => {
  test("upload, list, get, push to a device, jobs list/get/pause/resume/cancel, delete refused while used", async () => {
    const type = uniq("FWTYPE");
    const { serial } = await device(type, "1.0.0");
    const image = new Uint8Array(4096).map((_, i) => i % 251);
    const release = await ec.firmware.upload(org.id, image, { version: "1.1.0", product_type: type, notes: "test" });
    assert.equal(release.size, 4096);
    assert.equal(release.sha256, createHash("sha256").update(image).digest("hex"));
    assert.ok((await ec.firmware.list()).some((f) => f.id === release.id));
    assert.ok((await ec.firmware.list({ orgId: org.id, productType: type })).some((f) => f.id === release.id));
    assert.equal((await ec.firmware.get(release.id)).version, "1.1.0");
    const pushed = await ec.firmware.push(serial, release.id);
    assert.equal(pushed.ok, true);
    assert.equal(pushed.version, "1.1.0");

    const v2 = await ec.firmware.upload(org.id, new Blob([image, image]), { version: "1.2.0", product_type: type });
    const job = await ec.otaJobs.create(org.id, { firmware_id: v2.id, product_type: type });
    assert.equal(job.firmware_id, v2.id);
    assert.ok((await ec.otaJobs.list({ orgId: org.id })).some((j) => j.id === job.id));
    assert.ok((await ec.otaJobs.list()).some((j) => j.id === job.id));
    assert.equal((await ec.otaJobs.get(job.id, { devices: true })).id, job.id);
    assert.equal((await ec.otaJobs.get(job.number)).id, job.id);
    assert.equal((await ec.otaJobs.pause(job.id)).status, "paused");
    assert.notEqual((await ec.otaJobs.resume(job.id)).status, "paused");
    assert.equal((await ec.otaJobs.cancel(job.id)).status, "canceled");

    const orphan = await ec.firmware.upload(org.id, new Uint8Array([1, 2, 3]), { version: "9.9.9", product_type: uniq("UNUSED") });
    await ec.firmware.delete(orphan.id);
    assert.equal((await ec.firmware.get(orphan.id).catch((e) => e)).status, 404);
  });
});

describe("apiKeys", () => {
  test("generate returns the raw key once; list shows the prefix only; revoke twice is 409", async () => {
    const k = await ec.apiKeys.generate(org.id, "ci");
    assert.match(k.key, /^ec_live_/);
    const listed = (await ec.apiKeys.list(org.id)).find((x) => x.id === k.id);
    assert.equal(listed.key, undefined);
    assert.ok(k.key.startsWith(listed.prefix));
    const revoked = await ec.apiKeys.revoke(k.id);
    assert.ok(revoked.revoked_at);
    assert.equal((await ec.apiKeys.revoke(k.id).catch((e) => e)).status, 409);
  });
});

describe("commands", () => {
  test("send, get, list, wait (the device acknowledges over HTTPS)", async () => {
    const { serial, secret } = await device();
    const cmd = await ec.commands.send(serial, "set_interval", { params: { seconds: 30 }, expiresInSeconds: 600 });
    assert.equal(cmd.cmd, "set_interval");
    assert.deepEqual(cmd.params, { seconds: 30 });
    assert.equal((await ec.commands.get(serial, cmd.id)).id, cmd.id);
    assert.ok((await ec.commands.list(serial, { limit: 5 })).some((c) => c.id === cmd.id));
    const waiting = ec.commands.wait(serial, cmd.id, { timeoutMs: 20_000, intervalMs: 100 });
    const ack = await fetch(`${BASE_URL}/devices/${serial}/commands/${cmd.id}/ack`, {
      method: "POST", headers: { "X-Device-Secret": secret, "Content-Type": "application/json" }, body: JSON.stringify({ status: "succeeded", result: "ok" }),
    });
    assert.ok(ack.ok, `ack answered ${ack.status}`);
    assert.equal((await waiting).state, "succeeded");
  });
});

describe("auth", () => {
  test("me for an API key and a user; login, refresh, logout", async () => {
    const me = await ec.auth.me();
    assert.equal(me.kind, "api_key");
    assert.equal(me.org_id, org.id);
    const anon = new EdgeConductor({ baseUrl: BASE_URL });
    const t = await anon.auth.login(process.env.EC_TEST_ADMIN_EMAIL, process.env.EC_TEST_ADMIN_PASSWORD);
    const user = new EdgeConductor({ baseUrl: BASE_URL, apiKey: t.access_token });
    assert.equal((await user.auth.me()).kind, "user");
    const t2 = await anon.auth.refresh(t.refresh_token);
    assert.ok(t2.access_token);
    await user.auth.logout(t2.refresh_token);
    assert.equal((await anon.auth.refresh(t2.refresh_token).catch((e) => e)).status, 401);
    const bad = await anon.auth.login(process.env.EC_TEST_ADMIN_EMAIL, "wrong-password").catch((e) => e);
    assert.equal(bad.status, 401);
  });
});
