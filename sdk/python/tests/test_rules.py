"""ec.rules list/get/threshold/schedule/update/enable/disable/delete/test against the real server."""
from __future__ import annotations

import unittest

from _support import new_org

from edgeconductor import EdgeConductorError


class RulesTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.org_id, cls.ec, _ = new_org()

    def test_the_seed_threshold_rule_and_a_schedule_rule(self) -> None:
        rule = self.ec.rules.threshold(self.org_id, name="CO2 High Alert", field="co2", op=">", value=1000,
                                       action={"key": "relay", "value": True})
        self.assertEqual(rule["rule_type"], "threshold")
        self.assertEqual(rule["condition"], {"field": "co2", "op": ">", "value": 1000})
        self.assertEqual(rule["action"], {"key": "relay", "value": True})
        self.assertTrue(rule["enabled"])
        night = self.ec.rules.schedule(self.org_id, name="Night shutoff", time="22:00",
                                       days=["mon", "tue", "wed", "thu", "fri"], action={"key": "relay", "value": False})
        self.assertEqual(night["condition"], {"time": "22:00", "days": ["mon", "tue", "wed", "thu", "fri"]})
        ids = {r["id"] for r in self.ec.rules.list(self.org_id)}
        self.assertTrue({rule["id"], night["id"]} <= ids)
        self.assertEqual(self.ec.rules.get(night["id"])["name"], "Night shutoff")

    def test_options_enable_disable_update_test_and_delete(self) -> None:
        rule = self.ec.rules.threshold(self.org_id, name="Hot", field="temp", op=">=", value=30,
                                       action={"key": "relay", "value": True}, for_seconds=60, clear_value=28,
                                       clear_action={"key": "relay", "value": False},
                                       scope={"product_type": "EC-CLIMATE-V1"}, notify=True,
                                       webhook_url="https://hooks.example.com/ec")
        self.assertEqual(rule["condition"]["for_seconds"], 60)
        self.assertEqual(rule["clear_action"], {"key": "relay", "value": False})
        self.assertEqual(rule["scope"]["product_type"], "EC-CLIMATE-V1")
        self.assertEqual(rule["webhook_url"], "https://hooks.example.com/ec")
        self.assertTrue(rule["notify"])
        self.assertFalse(self.ec.rules.disable(rule["id"])["enabled"])
        self.assertTrue(self.ec.rules.enable(rule["id"])["enabled"])
        self.assertEqual(self.ec.rules.update(rule["id"], {"name": "Very hot"})["name"], "Very hot")
        dry = self.ec.rules.test(rule["id"])
        self.assertIsInstance(dry, dict)
        self.assertEqual(self.ec.rules.delete(rule["id"]), {"deleted": True, "id": rule["id"]})
        with self.assertRaises(EdgeConductorError) as gone:
            self.ec.rules.get(rule["id"])
        self.assertEqual(gone.exception.status, 404)

    def test_a_bad_operator_is_400_naming_the_field(self) -> None:
        with self.assertRaises(EdgeConductorError) as bad:
            self.ec.rules.threshold(self.org_id, name="Bad", field="co2", op="=>", value=1,
                                    action={"key": "relay", "value": True})
        self.assertEqual(bad.exception.status, 400)
        self.assertIn("condition.op", bad.exception.errors)


if __name__ == "__main__":
    unittest.main()
