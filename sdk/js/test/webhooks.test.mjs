// verifyWebhook against REAL deliveries: a rule with a webhook fires, the server POSTs to a node:http receiver
// started here (the suite runs the server with EC_WEBHOOK_ALLOW_PRIVATE=true), and the SDK verifies the signature;
// after a secret rotation a replay carries two signatures and both secrets verify. Plus the Standard Webhooks
// reference test vector and the delivery-log methods.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { signWebhook, verifyWebhook } from "@edgeconductor/sdk";
import { eventually, newOrg, uniq } from "./helpers.mjs";

let ec, org, receiver, receiverUrl;
const received = [];
before(async () => {
  ({ ec, org } = await newOrg("webhooks"));
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
});
after(() => new Promise((r) => receiver.close(r)));

describe("verifyWebhook", () => {
  test("the Standard Webhooks reference vector verifies; a changed byte, another secret or an old timestamp do not", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const headers = { "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" };
    const payload = '{"test": 2432232314}';
    const at = { nowSeconds: 1614265330 };
    assert.equal(await verifyWebhook(payload, headers, secret, at), true);
    assert.equal(await verifyWebhook(new TextEncoder().encode(payload), new Headers(headers), secret, at), true);
    assert.equal(await verifyWebhook('{"test": 2432232315}', headers, secret, at), false);
    assert.equal(await verifyWebhook(payload, headers, "whsec_" + Buffer.from("another key").toString("base64"), at), false);
    assert.equal(await verifyWebhook(payload, headers, secret, { nowSeconds: 1614265330 + 301 }), false);
    assert.equal(await verifyWebhook(payload, headers, secret, { nowSeconds: 1614265330 + 10_000, toleranceSeconds: 0 }), true);
    assert.equal(await verifyWebhook(payload, { ...headers, "webhook-signature": "v2,abc v1,!!" }, secret, at), false);
    assert.equal(await verifyWebhook(payload, { "webhook-id": "x" }, secret, at), false);
    assert.equal(await signWebhook(payload, headers["webhook-id"], headers["webhook-timestamp"], secret), headers["webhook-signature"]);
  });

  test("a real delivery verifies with the org's secret; after a rotation a replay carries both signatures", async () => {
    const first = await ec.webhooks.rotateSecret(org.id);
    assert.match(first.secret, /^whsec_/);
    assert.equal((await ec.webhooks.secretInfo(org.id)).configured, true);
    const serial = uniq("WH");
    await ec.devices.register({ serial_no: serial, product_type: "EC-CLIMATE-V1" });
    const rule = await ec.rules.threshold(org.id, { name: "Hot", field: "temp", op: ">", value: 50, action: { key: "fan", value: true }, webhookUrl: receiverUrl });
    await ec.telemetry.push(serial, { temp: 60 });
    const delivery = await eventually(() => received[0], "the webhook delivery");
    const raw = delivery.body.toString("utf8");
    assert.equal(await verifyWebhook(raw, delivery.headers, first.secret), true);
    assert.equal(await verifyWebhook(delivery.body, delivery.headers, first.secret), true, "bytes as received");
    assert.equal(await verifyWebhook(raw + " ", delivery.headers, first.secret), false);
    assert.equal(await ec.webhooks.verify(raw, delivery.headers, first.secret), true);

    const logged = await eventually(async () => (await ec.webhooks.ruleDeliveries(rule.id)).find((d) => d.status === "succeeded"), "the logged delivery");
    assert.ok((await ec.webhooks.deliveries(org.id, { limit: 10 })).some((d) => d.id === logged.id));
    assert.equal((await ec.webhooks.getDelivery(logged.id)).webhook_id, logged.webhook_id);

    const rotated = await ec.webhooks.rotateSecret(org.id, { graceSeconds: 3600 });
    assert.equal(rotated.rotated, true);
    assert.notEqual(rotated.secret, first.secret);
    const replay = await ec.webhooks.replay(logged.id);
    assert.equal(replay.replay_of, logged.id);
    const again = await eventually(() => received[1], "the replayed delivery");
    assert.equal(again.headers["webhook-id"], delivery.headers["webhook-id"]);
    assert.equal(again.headers["webhook-signature"].split(" ").length, 2, "two signatures during the grace period");
    const body = again.body.toString("utf8");
    assert.equal(await verifyWebhook(body, again.headers, rotated.secret), true, "the new secret verifies");
    assert.equal(await verifyWebhook(body, again.headers, first.secret), true, "the old secret still verifies");
    assert.equal(await verifyWebhook(body, again.headers, "whsec_" + Buffer.from("x".repeat(32)).toString("base64")), false);
  });
});
