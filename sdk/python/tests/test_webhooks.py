"""Webhooks: a real delivery from the server (a threshold rule firing) to a real http.server receiver, verified with
edgeconductor.verify_webhook — also across a secret rotation (two signatures) — plus the delivery log API and the
Standard Webhooks reference vector. Needs EC_WEBHOOK_ALLOW_PRIVATE=true on the server (the suite sets it)."""
from __future__ import annotations

import json
import time
import unittest
from typing import Any, Dict

from _support import Recorded, TestHttpServer, eventually, new_org, unique

from edgeconductor import sign_webhook, verify_webhook


class WebhookVerificationTests(unittest.TestCase):
    def test_the_standard_webhooks_reference_vector(self) -> None:
        # The test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks).
        secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        headers = {"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330",
                   "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
        payload = b'{"test": 2432232314}'
        self.assertTrue(verify_webhook(payload, headers, secret, now=1614265330))
        self.assertEqual(sign_webhook(secret, headers["webhook-id"], 1614265330, payload),
                         headers["webhook-signature"])
        self.assertFalse(verify_webhook(b'{"test": 2432232315}', headers, secret, now=1614265330))
        self.assertFalse(verify_webhook(payload, headers, secret, now=1614265330 + 301))  # too old
        self.assertFalse(verify_webhook(payload, headers, "whsec_" + "A" * 32, now=1614265330))  # other secret
        self.assertFalse(verify_webhook(payload, {"webhook-id": "x"}, secret))  # headers missing
        mixed = dict(headers, **{"webhook-signature": "v2,abc v1,bm90LWl0 " + headers["webhook-signature"]})
        self.assertTrue(verify_webhook(payload, mixed, secret, now=1614265330))  # any one signature suffices
        upper = {k.title(): v for k, v in headers.items()}  # header names are case-insensitive
        self.assertTrue(verify_webhook(payload.decode(), upper, [secret], now=1614265330))


class WebhookDeliveryTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.org_id, cls.ec, _ = new_org()
        cls.receiver = TestHttpServer(lambda r: (200, {"Content-Type": "text/plain"}, b"ok"))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.receiver.close()

    def _fire(self, rule_name: str) -> Recorded:
        serial = unique("PY-WH")
        self.ec.devices.register(serial_no=serial, product_type="EC-CLIMATE-V1")
        rule = self.ec.rules.threshold(self.org_id, name=rule_name, field="co2", op=">", value=1000,
                                       action={"key": "relay", "value": True},
                                       webhook_url=self.receiver.url + "/hook", scope={"serials": [serial]})
        self.ec.telemetry.push(serial, {"co2": 1500})
        while True:
            request = self.receiver.next(timeout=30)
            body: Dict[str, Any] = json.loads(request.body)
            if body.get("rule_name") == rule_name:
                self.rule_id = rule["id"]
                self.serial = serial
                return request

    def test_a_real_delivery_verifies_and_a_tampered_one_does_not(self) -> None:
        secret = self.ec.webhooks.rotate_secret(self.org_id)["secret"]
        self.assertTrue(secret.startswith("whsec_"))
        request = self._fire(unique("CO2 High"))
        body = json.loads(request.body)
        self.assertEqual((body["event"], body["device_serial"]), ("rule_fired", self.serial))
        self.assertTrue(verify_webhook(request.body, request.headers, secret))
        self.assertFalse(verify_webhook(request.body.replace(b"1500", b"1501") + b" ", request.headers, secret))
        stale = dict(request.headers, **{"webhook-timestamp": str(int(time.time()) - 3600)})
        self.assertFalse(verify_webhook(request.body, stale, secret))

        # the delivery log
        deliveries = eventually(lambda: [d for d in self.ec.webhooks.rule_deliveries(self.rule_id)
                                         if d["status"] == "succeeded"], what="a succeeded delivery")
        delivery = self.ec.webhooks.get_delivery(deliveries[0]["id"])
        self.assertEqual(delivery["id"], deliveries[0]["id"])
        self.assertIn(delivery["id"], [d["id"] for d in self.ec.webhooks.deliveries(self.org_id)])
        self.assertIn(delivery["id"], [d["id"] for d in self.ec.webhooks.deliveries(self.org_id,
                                                                                    status="succeeded")])
        self.ec.webhooks.replay(delivery["id"])
        while True:
            again = self.receiver.next(timeout=30)
            if again.headers.get("webhook-id") == request.headers.get("webhook-id"):
                break
        self.assertTrue(verify_webhook(again.body, again.headers, secret))
        info = self.ec.webhooks.secret_info(self.org_id)
        self.assertTrue(info["configured"])
        self.assertNotIn("secret", info)

    def test_during_a_rotation_both_secrets_verify(self) -> None:
        old = self.ec.webhooks.rotate_secret(self.org_id)["secret"]
        rotated = self.ec.webhooks.rotate_secret(self.org_id, grace_seconds=3600)
        self.assertTrue(rotated["rotated"])
        new = rotated["secret"]
        request = self._fire(unique("Rotation"))
        self.assertEqual(len(request.headers["webhook-signature"].split()), 2)
        self.assertTrue(verify_webhook(request.body, request.headers, new))
        self.assertTrue(verify_webhook(request.body, request.headers, old))
        self.assertTrue(verify_webhook(request.body, request.headers, ["whsec_" + "A" * 32, new]))


if __name__ == "__main__":
    unittest.main()
