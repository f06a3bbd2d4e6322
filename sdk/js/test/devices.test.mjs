// ec.devices against the real server: every method, and the HTTP errors they map to EdgeConductorError.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { EdgeConductor, EdgeConductorError, collect, paginate } from "@edgeconductor/sdk";
import { BASE_URL, eventually, newOrg, uniq } from "./helpers.mjs";

let ec, admin, org;
before(async () => ({ ec, admin, org } = await newOrg("devices")));

describe("devices", () => {
  test("register: 201 with device_secret the first time, 200 without it after (idempotent)", async () => {
    const serial = uniq("REG");
    const first = await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1", fw_version: "1.0.0" });
    assert.equal(first.created, true);
    assert.equal(first.serial_no, serial);
    assert.equal(first.org_id, org.id);
    assert.match(first.device_secret, /^ds_/);
    const again = await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1", fw_version: "1.0.1" });
    assert.equal(again.created, false);
    assert.equal(again.device_secret, undefined);
    assert.equal(again.fw_version, "1.0.1");
  });

  test("list filters by org and product type; listAll and paginate walk every page", async () => {
    const type = uniq("TYPE");
    const serials = [];
    for (let i = 0; i < 5; i++) {
      const s = `${uniq("PG")}-${i}`;
      serials.push(s);
      await ec.devices.register({ serial_no: s, product_type: type });
    }
    const page = await ec.devices.list({ orgId: org.id, productType: type, limit: 2 });
    assert.equal(page.length, 2);
    const all = await collect(ec.devices.listAll({ productType: type }, { pageSize: 2 }));
    assert.deepEqual(all.map((d) => d.serial_no).sort(), [...serials].sort());
    const pages = [];
    const viaHelper = await collect(paginate(async (p) => { pages.push(p); return ec.devices.list({ productType: type, ...p }); }, { pageSize: 2 }));
    assert.equal(viaHelper.length, 5);
    assert.deepEqual(pages.map((p) => p.offset), [0, 2, 4]);
    const capped = await collect(ec.devices.listAll({ productType: type }, { pageSize: 2, max: 3 }));
    assert.equal(capped.length, 3);
  });

  test("get returns the full device; getShadow only shadow_reported; shadow the whole document", async () => {
    const serial = uniq("SH");
    await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1" });
    await ec.telemetry.push(serial, { temp: 24.5, hum: 60, co2: 850, bat: 4.1 });
    const reported = await eventually(async () => {
      const s = await ec.devices.getShadow(serial);
      return s.co2 === 850 ? s : null;
    }, "the reported shadow");
    assert.deepEqual({ temp: reported.temp, hum: reported.hum, co2: reported.co2, bat: reported.bat }, { temp: 24.5, hum: 60, co2: 850, bat: 4.1 });
    const device = await ec.devices.get(serial);
    assert.equal(device.serial_no, serial);
    assert.ok("shadow_desired" in device && "shadow_reported" in device);
    const shadow = await ec.devices.shadow(serial);
    assert.equal(shadow.reported.co2, 850);
    assert.equal(typeof shadow.version, "number");
  });

  test("pushConfig patches shadow_desired; a stale version is 412 PRECONDITION_FAILED", async () => {
    const serial = uniq("CFG");
    await ec.devices.register({ serial_no: serial, product_type: "EC-HVAC-V1" });
    const s1 = await ec.devices.pushConfig(serial, { relay: true, setpoint: 22 });
    assert.deepEqual(s1.desired, { relay: true, setpoint: 22 });
    const s2 = await ec.devices.pushConfig(serial, { setpoint: 21 }, { version: s1.version });
    assert.equal(s2.desired.setpoint, 21);
    assert.ok(s2.version > s1.version);
    const stale = await ec.devices.pushConfig(serial, { setpoint: 20 }, { version: s1.version }).catch((e) => e);
    assert.ok(stale instanceof EdgeConductorError);
    assert.equal(stale.status, 412);
    assert.equal(stale.code, "PRECONDITION_FAILED");
    assert.equal((await ec.devices.get(serial)).shadow_desired.setpoint, 21);
  });

  test("reboot queues a reboot command", async () => {
    const serial = uniq("RB");
    await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1" });
    const r = await ec.devices.reboot(serial);
    assert.equal(r.ok, true);
    assert.ok(r.command_id);
    const cmd = await ec.commands.get(serial, r.command_id);
    assert.equal(cmd.cmd, "reboot");
  });

  test("assign sets the room (and clears it with null); setTags; rotateSecret; delete", async () => {
    const serial = uniq("AS");
    await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1" });
    const room = await ec.orgs.createRoom(org.id, { name: "Lab", floor: "2", building: "A" });
    const assigned = await ec.devices.assign(serial, { roomId: room.id });
    assert.equal(assigned.room_id, room.id);
    assert.equal((await ec.devices.assign(serial, { roomId: null })).room_id, null);
    assert.deepEqual((await ec.devices.setTags(serial, ["north", "lab"])).tags.sort(), ["lab", "north"]);
    const rotated = await ec.devices.rotateSecret(serial);
    assert.match(rotated.device_secret, /^ds_/);
    assert.deepEqual(await ec.devices.delete(serial), { deleted: true, serial_no: serial });
    const gone = await ec.devices.get(serial).catch((e) => e);
    assert.equal(gone.status, 404);
  });
});

describe("errors", () => {
  test("400 names the field (problem+json errors) and keeps title, detail and trace_id", async () => {
    const e = await ec.devices.register({ serial_no: "bad serial!", product_type: "EC-CLIMATE-V1" }).catch((x) => x);
    assert.ok(e instanceof EdgeConductorError);
    assert.ok(e instanceof Error);
    assert.equal(e.status, 400);
    assert.equal(e.code, "BAD_REQUEST");
    assert.equal(e.field, "serial_no");
    assert.ok(e.errors.serial_no.length > 0);
    assert.ok(e.message.length > 0);
    assert.ok(e.traceId);
    assert.equal(e.request, "POST devices/register");
  });

  test("404 NOT_FOUND for an unknown device", async () => {
    const e = await ec.devices.get(uniq("NOPE")).catch((x) => x);
    assert.equal(e.status, 404);
    assert.equal(e.code, "NOT_FOUND");
  });

  test("409 CONFLICT for a serial of another org", async () => {
    const serial = uniq("DUP");
    await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1" });
    const other = await newOrg("devices-other");
    const e = await other.ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1" }).catch((x) => x);
    assert.equal(e.status, 409);
    assert.equal(e.code, "CONFLICT");
  });

  test("401 UNAUTHORIZED for a wrong key; a revoked key is refused from the next request", async () => {
    const bad = new EdgeConductor({ baseUrl: BASE_URL, apiKey: "ec_live_not_a_key" });
    const e = await bad.devices.list().catch((x) => x);
    assert.equal(e.status, 401);
    assert.equal(e.code, "UNAUTHORIZED");
    const key = await admin.apiKeys.generate(org.id, "to-revoke");
    const withKey = new EdgeConductor({ baseUrl: BASE_URL, apiKey: key.key });
    assert.ok(Array.isArray(await withKey.devices.list()));
    await admin.apiKeys.revoke(key.id);
    const after = await withKey.devices.list().catch((x) => x);
    assert.equal(after.status, 401);
  });

  test("a server that cannot be reached is status 0 NETWORK_ERROR", async () => {
    const down = new EdgeConductor({ baseUrl: "http://127.0.0.1:9/api/v1", apiKey: "x" });
    const e = await down.devices.list().catch((x) => x);
    assert.ok(e instanceof EdgeConductorError);
    assert.equal(e.status, 0);
    assert.equal(e.code, "NETWORK_ERROR");
  });

  test("empty path parameters are refused before any request", async () => {
    await assert.rejects(ec.devices.get(""), TypeError);
  });
});

test("path parameters are percent-encoded; '.' and '..' cannot escape the route", async () => {
  const urls = [];
  const ec = new EdgeConductor({ baseUrl: "http://sdk.test/api/v1", fetch: async (u) => { urls.push(new URL(u).pathname); return new Response("{}"); } });
  await ec.devices.get("A/B?c");
  assert.deepEqual(urls, ["/api/v1/devices/A%2FB%3Fc"]);
  await assert.rejects(ec.devices.get(".."), TypeError);
  await assert.rejects(ec.devices.get("."), TypeError);
  assert.equal(urls.length, 1);
});
